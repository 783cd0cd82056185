//! Customer message templates (SOP §7: the escalation notice, regular
//! updates, the resolution and the closure).
//!
//! A template is text with `{placeholders}`. Placeholders draw only on
//! customer-safe fields: the customer's name and contact, the product and the
//! stated impact, the sender's name, the proposed fix, and the next update
//! time, which comes from the ticket's SLA update clock and is written in the
//! customer's time zone. Internal fields (team, assignee, notes, ticket key)
//! have no placeholder, so a template cannot leak them; what a person types
//! is still checked by the leak check before it is sent.
//!
//! The defaults live here; a desk's own templates are saved beside the
//! database in `templates.toml` and edited in the app.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    /// The ticket has been escalated to specialists (§6 Step 4, §7).
    EscalationNotice,
    /// A regular update (§7).
    ProgressUpdate,
    /// A fix is ready for the customer to confirm (§10 step 2).
    Resolution,
    /// The ticket is closed (§10 step 4).
    Closure,
}

impl TemplateKind {
    pub const ALL: [TemplateKind; 4] = [
        TemplateKind::EscalationNotice,
        TemplateKind::ProgressUpdate,
        TemplateKind::Resolution,
        TemplateKind::Closure,
    ];

    /// The stable code, as serialised: "progress_update".
    pub fn code(self) -> &'static str {
        match self {
            TemplateKind::EscalationNotice => "escalation_notice",
            TemplateKind::ProgressUpdate => "progress_update",
            TemplateKind::Resolution => "resolution",
            TemplateKind::Closure => "closure",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TemplateKind::EscalationNotice => "Escalation notice",
            TemplateKind::ProgressUpdate => "Progress update",
            TemplateKind::Resolution => "Resolution",
            TemplateKind::Closure => "Closure",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Template {
    pub kind: TemplateKind,
    pub subject: String,
    pub body: String,
}

/// The placeholders a template may use, with what they stand for.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("customer", "the customer's name"),
    (
        "contact",
        "the customer contact, or \"there\" when none is known",
    ),
    ("product", "the product concerned"),
    ("impact", "the impact as documented"),
    ("sender", "your name"),
    (
        "next_update",
        "when the customer hears from us next: the SLA update deadline, in their time zone",
    ),
    ("resolution", "the proposed fix"),
];

/// The customer-safe values a template is filled with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TemplateValues {
    pub customer: String,
    pub contact: String,
    pub product: String,
    pub impact: String,
    pub sender: String,
    pub next_update: String,
    pub resolution: String,
}

impl TemplateValues {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "customer" => &self.customer,
            "contact" => &self.contact,
            "product" => &self.product,
            "impact" => &self.impact,
            "sender" => &self.sender,
            "next_update" => &self.next_update,
            "resolution" => &self.resolution,
            _ => return None,
        })
    }
}

/// Checks that `text` uses only known placeholders and balanced braces;
/// `field` names it in the error.
pub fn validate(text: &str, field: &str) -> Result<()> {
    fill(text, &TemplateValues::default(), field).map(|_| ())
}

/// `text` with each `{placeholder}` replaced; `{{` and `}}` are literal braces.
pub fn fill(text: &str, values: &TemplateValues, field: &str) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{{") {
            out.push('{');
            rest = after;
        } else if let Some(after) = tail.strip_prefix("}}") {
            out.push('}');
            rest = after;
        } else if let Some(after) = tail.strip_prefix('{') {
            let end = after.find('}').ok_or_else(|| {
                Error::invalid(field, "a '{' has no closing '}' (write '{{' for a brace)")
            })?;
            let name = after[..end].trim();
            let value = values.get(name).ok_or_else(|| {
                let known: Vec<&str> = PLACEHOLDERS.iter().map(|(name, _)| *name).collect();
                Error::invalid(
                    field,
                    format!(
                        "'{{{name}}}' is not a placeholder; use one of: {}",
                        known.join(", ")
                    ),
                )
            })?;
            out.push_str(value);
            rest = &after[end + 1..];
        } else {
            return Err(Error::invalid(
                field,
                "a '}' has no opening '{' (write '}}' for a brace)",
            ));
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The shipped templates.
pub fn defaults() -> BTreeMap<TemplateKind, Template> {
    let template = |kind, subject: &str, body: &str| {
        (
            kind,
            Template {
                kind,
                subject: subject.to_string(),
                body: body.to_string(),
            },
        )
    };
    BTreeMap::from([
        template(
            TemplateKind::EscalationNotice,
            "Your {product} issue is with our specialists",
            "Hello {contact},\n\nThank you for your patience. We have passed your {product} issue ({impact}) to our specialist engineers, who are investigating it now.\n\nWe will update you by {next_update} at the latest, sooner if we have news.\n\nKind regards,\n{sender}",
        ),
        template(
            TemplateKind::ProgressUpdate,
            "Update on your {product} issue",
            "Hello {contact},\n\nA quick update on your {product} issue: our engineers are still working on it and have made progress.\n\nWe will update you again by {next_update}.\n\nKind regards,\n{sender}",
        ),
        template(
            TemplateKind::Resolution,
            "A fix for your {product} issue",
            "Hello {contact},\n\nGood news: we have a fix for your {product} issue.\n\n{resolution}\n\nCould you confirm that everything works as expected on your side?\n\nKind regards,\n{sender}",
        ),
        template(
            TemplateKind::Closure,
            "Your {product} issue is resolved",
            "Hello {contact},\n\nThank you for confirming the fix. We have closed your {product} issue. If it comes back, reply to this message and we will pick it up straight away.\n\nKind regards,\n{sender}",
        ),
    ])
}
