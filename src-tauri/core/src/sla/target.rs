//! The four clocks an escalated ticket runs against, and which pauses stop
//! each of them.
//!
//! A pause means "the team waits on someone else", and that excuses some
//! targets but not others. L2's acknowledgement is the first response to an
//! escalation: nothing the customer or L1 does stops L2 from saying "we have
//! it", so that clock never pauses (the classic bug is a first-response
//! target that moves when the ticket goes to "waiting on customer"). The
//! customer is owed regular updates while L2 waits on L1, because that wait
//! is internal; only waiting on the customer stops the update clock.

use super::clock::PauseReason;
use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// SOP §8: escalate to L2 (P1 at once, P2 within the SLA, ...), from
    /// when the ticket is opened.
    Escalate,
    /// SOP §6 Step 5: L2 acknowledges the escalation; when it does not, L1
    /// follows up.
    Acknowledge,
    /// SOP §7: the next regular update to the customer, from the last one.
    CustomerUpdate,
    /// The fix is delivered.
    Resolve,
}

impl Target {
    pub const ALL: [Target; 4] = [
        Target::Escalate,
        Target::Acknowledge,
        Target::CustomerUpdate,
        Target::Resolve,
    ];

    /// The stable code used on the wire and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Target::Escalate => "escalate",
            Target::Acknowledge => "acknowledge",
            Target::CustomerUpdate => "customer_update",
            Target::Resolve => "resolve",
        }
    }

    /// What is due, for people: "L2 acknowledgement".
    pub fn label(self) -> &'static str {
        match self {
            Target::Escalate => "escalation to L2",
            Target::Acknowledge => "L2 acknowledgement",
            Target::CustomerUpdate => "customer update",
            Target::Resolve => "resolution",
        }
    }

    /// Whether a pause for `reason` stops this target's clock.
    pub fn paused_by(self, reason: PauseReason) -> bool {
        match (self, reason) {
            (Target::Acknowledge, _) => false,
            (Target::Escalate | Target::CustomerUpdate, PauseReason::WaitingOnL1) => false,
            (Target::Escalate | Target::CustomerUpdate, PauseReason::WaitingOnCustomer) => true,
            (Target::Resolve, _) => true,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Target {
    type Err = crate::Error;

    fn from_str(value: &str) -> crate::Result<Self> {
        let wanted = value.trim().to_ascii_lowercase().replace('-', "_");
        Target::ALL
            .into_iter()
            .find(|target| target.code() == wanted)
            .ok_or_else(|| {
                crate::Error::invalid(
                    "target",
                    format!(
                        "'{value}' is not an SLA target; expected one of: escalate, acknowledge, customer_update, resolve"
                    ),
                )
            })
    }
}
