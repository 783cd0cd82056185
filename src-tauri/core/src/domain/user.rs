//! People at the desk. A user's role (SOP §3) decides which commands the rules
//! accept from them; an L2 engineer also belongs to one team.

use super::{Role, Team, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct User {
    pub id: UserId,
    /// The short login name used with `--as` and shown in the UI.
    pub handle: String,
    pub display_name: String,
    pub role: Role,
    /// The L2 team; required for L2 engineers, optional for others.
    pub team: Option<Team>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl User {
    /// The actor recorded on events the app raises by itself (SLA warnings, …).
    pub const SYSTEM_HANDLE: &'static str = "system";

    pub fn system_id() -> UserId {
        UserId(uuid::Uuid::nil())
    }

    pub fn is_system(&self) -> bool {
        self.id == Self::system_id()
    }
}
