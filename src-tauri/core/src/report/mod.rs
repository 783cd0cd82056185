//! The SOP §13 monthly escalation review: "Review escalations monthly,
//! identify frequent escalation causes, improve L1 troubleshooting and
//! knowledge base".
//!
//! A review is read off the event log, never off the projections, so it can
//! be recomputed for any past month and agrees with the audit trail. It is
//! a plain value ([`MonthlyReport`]) built by a pure function
//! ([`MonthlyReport::build`]: streams, users, SLA config and an "as of"
//! instant in, figures out), and rendered as JSON, CSV ([`csv`]) or one
//! self-contained HTML page ([`html`]). Every figure is defined precisely in
//! `docs/report.md`; the short version is on each field below.
//!
//! The month is a UTC calendar month: `[first day 00:00 UTC, first day of
//! the next month 00:00 UTC)`. An escalation belongs to the month its
//! `Escalated` event is dated in.

mod causes;
mod csv;
mod figures;
mod html;

pub use causes::{dice, fix_terms, summary_terms};

use crate::domain::{ExceptionKind, Priority, TicketId, User};
use crate::error::{Error, Result};
use crate::events::Event;
use crate::sla::{SlaConfig, Target};
use crate::store;
use chrono::{DateTime, Datelike, SecondsFormat, TimeZone, Utc};
use rusqlite::Connection;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

/// Two summaries (or two fixes) at or above this Dice similarity of their
/// significant terms are "the same": the §11 duplicate check's threshold.
pub const SIMILARITY_THRESHOLD: f64 = store::SIMILARITY_THRESHOLD;

/// A UTC calendar month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportMonth {
    year: i32,
    month: u32,
}

impl ReportMonth {
    /// `month` is 1–12; years 1970–9999.
    pub fn new(year: i32, month: u32) -> Result<ReportMonth> {
        if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(Error::invalid(
                "month",
                format!("{year:04}-{month:02} is not a month between 1970-01 and 9999-12"),
            ));
        }
        Ok(ReportMonth { year, month })
    }

    /// The month `instant` falls in, in UTC.
    pub fn of(instant: DateTime<Utc>) -> ReportMonth {
        ReportMonth {
            year: instant.year(),
            month: instant.month(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// The first instant of the month: day 1, 00:00 UTC.
    pub fn start(self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(self.year, self.month, 1, 0, 0, 0)
            .single()
            .expect("the first of a month at midnight UTC exists")
    }

    /// The first instant after the month (exclusive end).
    pub fn end(self) -> DateTime<Utc> {
        self.next().start()
    }

    pub fn next(self) -> ReportMonth {
        match self.month {
            12 => ReportMonth {
                year: self.year + 1,
                month: 1,
            },
            month => ReportMonth {
                year: self.year,
                month: month + 1,
            },
        }
    }

    pub fn previous(self) -> ReportMonth {
        match self.month {
            1 => ReportMonth {
                year: self.year - 1,
                month: 12,
            },
            month => ReportMonth {
                year: self.year,
                month: month - 1,
            },
        }
    }

    pub fn contains(self, instant: DateTime<Utc>) -> bool {
        self.start() <= instant && instant < self.end()
    }

    /// "March 2026".
    pub fn title(self) -> String {
        self.start().format("%B %Y").to_string()
    }
}

impl fmt::Display for ReportMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for ReportMonth {
    type Err = Error;

    /// Exactly `YYYY-MM`, e.g. `2026-03`.
    fn from_str(value: &str) -> Result<Self> {
        let invalid = || {
            Error::invalid(
                "month",
                format!("'{value}' is not a month; write it as YYYY-MM, e.g. 2026-03"),
            )
        };
        let text = value.trim();
        let (year, month) = text.split_once('-').ok_or_else(invalid)?;
        let digits =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(invalid());
        }
        let year = year.parse().map_err(|_| invalid())?;
        let month = month.parse().map_err(|_| invalid())?;
        ReportMonth::new(year, month)
    }
}

/// How a report is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// One self-contained page: inline CSS and SVG charts, no scripts, A4 print.
    Html,
    /// RFC 4180, one flat `section,group,metric,value` table.
    Csv,
    /// The [`MonthlyReport`] value itself.
    Json,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 3] = [ReportFormat::Html, ReportFormat::Csv, ReportFormat::Json];

    pub fn code(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Csv => "csv",
            ReportFormat::Json => "json",
        }
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for ReportFormat {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self> {
        let wanted = value.trim().to_ascii_lowercase();
        ReportFormat::ALL
            .into_iter()
            .find(|format| format.code() == wanted)
            .ok_or_else(|| {
                Error::invalid(
                    "format",
                    format!("'{value}' is not a report format; expected one of: html, csv, json"),
                )
            })
    }
}

/// The SOP §13 review of one month. Built by [`MonthlyReport::build`];
/// `docs/report.md` defines every figure.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MonthlyReport {
    /// `YYYY-MM`.
    pub month: String,
    /// "March 2026".
    pub title: String,
    /// The month's first instant (UTC).
    pub period_start: DateTime<Utc>,
    /// The first instant after the month (UTC, exclusive).
    pub period_end: DateTime<Utc>,
    /// The "as of" instant: SLA clocks still running are judged at it, and
    /// acknowledgements, fixes and reopenings are counted up to it.
    pub generated_at: DateTime<Utc>,
    pub escalations: EscalationCounts,
    pub causes: Causes,
    pub sla: SlaAttainment,
    pub response_times: ResponseTimes,
    pub refusals: Refusals,
    /// §12 exceptions used by the month's escalations, in escalation order.
    pub exceptions: Vec<ExceptionUsed>,
    pub duplicates: Duplicates,
    pub reopens: Reopens,
    /// §13: escalations resolved in the month with a fix already known
    /// when they were escalated.
    pub knowledge_base: Vec<KnowledgeBaseCandidate>,
}

/// One bar of a chart: a vocabulary value (or a product) and its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Count {
    /// The stable code (`software`, `P1`, `business_critical`), or the
    /// product as first written.
    pub code: String,
    pub label: String,
    pub count: u64,
}

/// The month's escalations (`Escalated` events dated in the month).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EscalationCounts {
    pub total: u64,
    /// Every escalation type, in SOP order, zeros included.
    pub by_type: Vec<Count>,
    /// Every L2 team, zeros included.
    pub by_team: Vec<Count>,
    /// Priority at escalation, P1–P4, zeros included.
    pub by_priority: Vec<Count>,
    /// Every §4 criterion, zeros included. An escalation counts once under
    /// each criterion it gave, so these add up to at least `total`.
    pub by_criterion: Vec<Count>,
}

/// SOP §13 "Identify frequent escalation causes".
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Causes {
    /// Product as documented at escalation (trimmed, compared
    /// case-insensitively); most frequent first.
    pub by_product: Vec<Count>,
    /// Greedy clusters of similar summaries; largest first.
    pub clusters: Vec<CauseCluster>,
    /// The Dice similarity at which a summary joins a cluster.
    pub similarity_threshold: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CauseCluster {
    /// The summary of the cluster's first escalation, which the others were
    /// compared with.
    pub representative: String,
    pub count: u64,
    /// Ticket keys, in escalation order.
    pub tickets: Vec<String>,
}

/// SLA runs decided in the month (see `docs/report.md`): met runs that
/// stopped in it, missed and still-running breached runs whose deadline
/// fell in it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SlaAttainment {
    pub total: SlaLine,
    /// P1–P4.
    pub by_priority: Vec<SlaLine>,
    /// escalate, acknowledge, customer_update, resolve.
    pub by_target: Vec<SlaLine>,
    /// Every priority × target, priority first.
    pub by_priority_and_target: Vec<SlaLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SlaLine {
    /// None on the total and per-target lines.
    pub priority: Option<Priority>,
    /// None on the total and per-priority lines.
    pub target: Option<Target>,
    /// Stopped at or before its deadline.
    pub met: u64,
    /// Stopped after its deadline.
    pub missed: u64,
    /// Still running at `generated_at`, deadline passed.
    pub running_breached: u64,
    /// `missed + running_breached`.
    pub breaches: u64,
    /// `100 × met / (met + missed)`; None when both are zero.
    pub attainment_percent: Option<f64>,
}

/// Wall-clock minutes from the escalation to L2's acknowledgement and to
/// the fix validated by L1 (§10 step 1), for the month's escalations.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ResponseTimes {
    pub acknowledge: DurationStats,
    pub acknowledge_by_priority: Vec<DurationStats>,
    pub resolve: DurationStats,
    pub resolve_by_priority: Vec<DurationStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DurationStats {
    /// None on the all-priorities line.
    pub priority: Option<Priority>,
    /// Escalations measured (the step has happened).
    pub count: u64,
    /// Escalations where the step has not happened by `generated_at`.
    pub pending: u64,
    /// Wall-clock minutes; the mean of the two middle values for an even count.
    pub median_minutes: Option<f64>,
    /// Wall-clock minutes, nearest rank: the ⌈0.9·n⌉-th smallest value.
    pub p90_minutes: Option<f64>,
}

/// SOP §6 Step 2 "Incomplete tickets must not be escalated": the refused
/// escalations (`EscalationRefused` events) dated in the month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Refusals {
    pub total: u64,
    /// Distinct tickets refused.
    pub tickets: u64,
    /// Refusals naming at least one §6 Step 2 rule (`SOP-6.2-*`).
    pub incomplete_documentation: u64,
    /// Refused tickets escalated after a refusal (by `generated_at`).
    pub later_escalated: u64,
    /// How many refusals named each rule; most frequent first.
    pub by_rule: Vec<RuleCount>,
    /// Every refusal, oldest first.
    pub list: Vec<RefusalEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RuleCount {
    pub rule: String,
    pub clause: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RefusalEntry {
    pub ticket: String,
    pub at: DateTime<Utc>,
    pub rules: Vec<String>,
}

/// A §12 exception an escalation of the month used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExceptionUsed {
    pub ticket: String,
    pub kind: ExceptionKind,
    /// The outage description, or the approver's reason.
    pub reason: String,
    /// The L3 user who approved an emergency.
    pub approver: Option<String>,
    /// The approver's name, or "major outage (no approval needed)".
    pub approval: String,
    pub escalated_at: DateTime<Utc>,
    /// The rules the exception set aside.
    pub waived_rules: Vec<String>,
}

/// SOP §11 "Avoid duplicate escalations".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Duplicates {
    /// Distinct tickets that were linked or refused as duplicates in the month.
    pub prevented: u64,
    /// The month's escalations linked to an open one (`linked_to`).
    pub linked: Vec<LinkedEscalation>,
    /// The month's refusals naming `SOP-11-duplicate`.
    pub refused: Vec<RefusalEntry>,
    /// The month's escalations that overrode a similar open one, and why.
    pub overridden: Vec<DuplicateOverride>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LinkedEscalation {
    pub ticket: String,
    pub linked_to: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DuplicateOverride {
    pub ticket: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// Escalated tickets first resolved (monitoring or closed) in the month,
/// and how many of them were reopened afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Reopens {
    pub resolved: u64,
    /// Of `resolved`, those reopened after that resolution (by `generated_at`).
    pub reopened: u64,
    /// `100 × reopened / resolved`; None when nothing was resolved.
    pub rate_percent: Option<f64>,
    pub reopened_tickets: Vec<String>,
    /// Every `Reopened` event of an escalated ticket dated in the month,
    /// whenever the ticket was first resolved.
    pub reopenings_in_month: u64,
}

/// SOP §13 "Improve L1 troubleshooting and knowledge base": an escalation
/// whose fix was already known when it was escalated.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct KnowledgeBaseCandidate {
    pub ticket: String,
    pub summary: String,
    pub resolved_at: DateTime<Utc>,
    /// This ticket's fix: the proposal L1 validated, and the resolution notes.
    pub fix: String,
    pub earlier_ticket: String,
    pub earlier_resolved_at: DateTime<Utc>,
    /// The earlier ticket's fix, as known before this escalation.
    pub known_fix: String,
    /// Dice similarity of the two fixes' significant terms.
    pub similarity: f64,
}

impl MonthlyReport {
    /// Reads every ticket opened before the month ends and builds the
    /// review as of `as_of`.
    pub fn load(
        conn: &Connection,
        month: ReportMonth,
        config: &SlaConfig,
        as_of: DateTime<Utc>,
    ) -> Result<MonthlyReport> {
        let users = store::list_users(conn)?;
        let mut statement =
            conn.prepare("SELECT id FROM tickets WHERE opened_at < ?1 ORDER BY number")?;
        let end = month.end().to_rfc3339_opts(SecondsFormat::Millis, true);
        let ids = statement
            .query_map([end], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        let mut streams = Vec::with_capacity(ids.len());
        for id in ids {
            let id: TicketId = id
                .parse()
                .map_err(|_| Error::Internal(format!("bad ticket id {id}")))?;
            streams.push(store::load_stream(conn, id)?);
        }
        Ok(MonthlyReport::build(month, &streams, &users, config, as_of))
    }

    /// The review of `month` from the tickets' streams, as of `as_of`.
    /// Pure: the same streams give the same report.
    pub fn build(
        month: ReportMonth,
        streams: &[Vec<Event>],
        users: &[User],
        config: &SlaConfig,
        as_of: DateTime<Utc>,
    ) -> MonthlyReport {
        figures::build(month, streams, users, config, as_of)
    }

    /// The report written in `format`.
    pub fn render(&self, format: ReportFormat) -> Result<String> {
        Ok(match format {
            ReportFormat::Html => html::render(self),
            ReportFormat::Csv => csv::render(self),
            ReportFormat::Json => {
                let mut text = serde_json::to_string_pretty(self)
                    .map_err(|error| Error::Internal(format!("report JSON: {error}")))?;
                text.push('\n');
                text
            }
        })
    }
}

/// `100 × part / whole`, None for an empty whole.
fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| 100.0 * part as f64 / whole as f64)
}
