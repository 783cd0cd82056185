//! Customer communication during an escalation (SOP §7).
//!
//! L1 stays the voice to the customer while L2 works (SOP §9), so everything
//! the customer reads passes through L1's hands, and through this module,
//! before it leaves the desk. [`leak`] checks a message for internal details
//! that SOP §7 ("avoid internal team details") keeps away from the customer;
//! [`templates`] drafts the messages from customer-safe fields only.

pub mod leak;
pub mod templates;

pub use leak::{check, Finding, LeakCheck, LeakKind, LeakRules};
pub use templates::{Template, TemplateKind, TemplateValues};

/// A `mailto:` link (RFC 6068) with everything but unreserved characters
/// percent-encoded.
pub fn mailto(to: &str, subject: &str, body: &str) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|byte| match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (byte as char).to_string()
                }
                _ => format!("%{byte:02X}"),
            })
            .collect::<String>()
    };
    let to = if to.contains('@') {
        encode(to).replace("%40", "@")
    } else {
        String::new()
    };
    format!(
        "mailto:{to}?subject={}&body={}",
        encode(subject),
        encode(body)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn mailto_encodes_everything_but_unreserved_characters() {
        assert_eq!(
            super::mailto("ana@acme.example", "Your issue & fix", "Hi,\nfixed 100%"),
            "mailto:ana@acme.example?subject=Your%20issue%20%26%20fix&body=Hi%2C%0Afixed%20100%25"
        );
        assert_eq!(super::mailto("Ana", "S", "B"), "mailto:?subject=S&body=B");
    }
}
