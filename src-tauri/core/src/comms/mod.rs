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
