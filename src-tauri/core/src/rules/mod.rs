//! The SOP as rules. Each [`Rule`] has a stable id, the SOP clause it enforces
//! and the field it concerns; a refusal is a list of [`Violation`]s, never
//! just the first one found.
//!
//! Rule ids are an API: the UI places messages next to fields by them, reports
//! count refusals by them, and `docs/sop-rules.md` maps each to its tests.

mod catalogue;
mod decide;

pub use catalogue::Rule;
pub use decide::{decide, decide_open, Context, LinkTarget, SimilarEscalation};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One broken rule, as shown to the user next to the field it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Violation {
    /// Stable id, e.g. `SOP-6.2-logs`.
    pub rule: String,
    /// The SOP clause, e.g. `§6 Step 2`.
    pub clause: String,
    /// The input field or ticket part at fault, e.g. `attachments`.
    pub field: String,
    pub message: String,
}

impl Violation {
    /// Whether the violation is about who may act rather than what was asked.
    pub fn is_permission(&self) -> bool {
        Rule::from_id(&self.rule).is_some_and(Rule::is_permission)
    }
}
