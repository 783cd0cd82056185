//! The figures: one pass over each ticket's stream collects the facts the
//! review needs ([`Facts`]), then each section is counted from those facts.
//!
//! The stream is folded with the domain's own [`Ticket::apply`] and
//! [`TicketSla`], so "what the documentation said at escalation", "which
//! approval an emergency used" and "when an SLA run stopped" mean exactly
//! what they mean everywhere else in Escalator.

use super::causes::{dice, fix_terms, summary_terms};
use super::{
    percent, CauseCluster, Causes, Count, DuplicateOverride, Duplicates, DurationStats,
    EscalationCounts, ExceptionUsed, KnowledgeBaseCandidate, LinkedEscalation, MonthlyReport,
    RefusalEntry, Refusals, Reopens, ReportMonth, ResponseTimes, RuleCount, SlaAttainment, SlaLine,
    SIMILARITY_THRESHOLD,
};
use crate::domain::{
    Criterion, EscalationType, ExceptionKind, Priority, Team, Ticket, TicketId, User, UserId,
};
use crate::events::{EscalationRecord, Event, EventBody};
use crate::rules::Rule;
use crate::sla::{ClockState, SlaConfig, Target, TicketSla};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What an exception's approval column says when none was needed.
pub const NO_APPROVAL_NEEDED: &str = "major outage (no approval needed)";

/// The rule a duplicate refusal names (SOP §11).
const DUPLICATE_RULE: &str = "SOP-11-duplicate";

/// The prefix of the §6 Step 2 documentation rules.
const DOCUMENTATION_RULES: &str = "SOP-6.2-";

/// What the review needs from one ticket's stream.
struct Facts<'a> {
    id: TicketId,
    key: String,
    number: u64,
    /// The L1 → L2 hand-over; a ticket is escalated at most once (a later
    /// §5.3 raise is a `ManagementEscalated` event, not an escalation).
    escalation: Option<Escalation<'a>>,
    refusals: Vec<Refusal>,
    acknowledged: Vec<DateTime<Utc>>,
    validated: Vec<DateTime<Utc>>,
    /// Each time the ticket entered monitoring or closed from an unresolved state.
    resolutions: Vec<Resolved>,
    reopened: Vec<DateTime<Utc>>,
    sla: TicketSla,
}

struct Escalation<'a> {
    at: DateTime<Utc>,
    record: &'a EscalationRecord,
    /// The documentation as it stood when the ticket was escalated.
    summary: String,
    product: String,
    /// The L3 user whose emergency approval this escalation used.
    approver: Option<UserId>,
}

struct Refusal {
    at: DateTime<Utc>,
    /// Each rule once, in the order the refusal named them.
    rules: Vec<String>,
}

struct Resolved {
    at: DateTime<Utc>,
    /// The proposal L1 validated and the resolution notes.
    fix: String,
}

impl<'a> Facts<'a> {
    fn read(events: &'a [Event]) -> Option<Facts<'a>> {
        let (first, rest) = events.split_first()?;
        let mut ticket = Ticket::replay(std::iter::once(first))?;
        let mut facts = Facts {
            id: ticket.id,
            key: ticket.key.clone(),
            number: ticket.number,
            escalation: None,
            refusals: Vec::new(),
            acknowledged: Vec::new(),
            validated: Vec::new(),
            resolutions: Vec::new(),
            reopened: Vec::new(),
            sla: TicketSla::from_events(events),
        };
        for event in rest {
            let at = event.at;
            match &event.body {
                EventBody::Escalated(record) if facts.escalation.is_none() => {
                    // The approval `Ticket::apply` is about to mark as used.
                    let approver = record
                        .exception
                        .as_ref()
                        .filter(|used| used.kind == ExceptionKind::Emergency)
                        .and_then(|_| ticket.unused_approval(ExceptionKind::Emergency))
                        .and_then(|approval| approval.approved_by);
                    facts.escalation = Some(Escalation {
                        at,
                        record,
                        summary: ticket.documentation.summary.clone(),
                        product: ticket.documentation.product.clone(),
                        approver,
                    });
                }
                EventBody::EscalationRefused(refused) => {
                    let mut rules: Vec<String> = Vec::new();
                    for violation in &refused.violations {
                        if !rules.contains(&violation.rule) {
                            rules.push(violation.rule.clone());
                        }
                    }
                    facts.refusals.push(Refusal { at, rules });
                }
                EventBody::Acknowledged => facts.acknowledged.push(at),
                EventBody::FixValidated(_) => facts.validated.push(at),
                EventBody::MovedToMonitoring(_) | EventBody::Closed(_)
                    if !ticket.status.is_resolved() =>
                {
                    facts.resolutions.push(Resolved {
                        at,
                        fix: fix_text(&ticket),
                    })
                }
                EventBody::Reopened(_) => facts.reopened.push(at),
                _ => {}
            }
            ticket.apply(event);
        }
        Some(facts)
    }

    /// The first resolution after the escalation.
    fn resolution_after_escalation(&self) -> Option<(&Escalation<'a>, &Resolved)> {
        let escalation = self.escalation.as_ref()?;
        let resolved = self
            .resolutions
            .iter()
            .find(|resolved| resolved.at >= escalation.at)?;
        Some((escalation, resolved))
    }
}

/// The fix as L1 validated it: the proposal, then the notes if written.
fn fix_text(ticket: &Ticket) -> String {
    let Some(resolution) = &ticket.resolution else {
        return String::new();
    };
    let summary = resolution.summary.trim();
    match resolution.notes.as_deref().map(str::trim) {
        Some(notes) if !notes.is_empty() => format!("{summary}\n{notes}"),
        _ => summary.to_string(),
    }
}

type Escalated<'f, 'a> = (&'f Facts<'a>, &'f Escalation<'a>);

pub(super) fn build(
    month: ReportMonth,
    streams: &[Vec<Event>],
    users: &[User],
    config: &SlaConfig,
    as_of: DateTime<Utc>,
) -> MonthlyReport {
    let facts: Vec<Facts> = streams
        .iter()
        .filter_map(|stream| Facts::read(stream))
        .collect();
    let keys: HashMap<TicketId, &str> = facts
        .iter()
        .map(|facts| (facts.id, facts.key.as_str()))
        .collect();
    let names: HashMap<UserId, &str> = users
        .iter()
        .map(|user| (user.id, user.display_name.as_str()))
        .collect();
    let mut escalated: Vec<Escalated> = facts
        .iter()
        .filter_map(|facts| {
            let escalation = facts.escalation.as_ref()?;
            month.contains(escalation.at).then_some((facts, escalation))
        })
        .collect();
    escalated.sort_by_key(|(facts, escalation)| (escalation.at, facts.number));
    let refusals = refusals_in(&facts, month);
    MonthlyReport {
        month: month.to_string(),
        title: month.title(),
        period_start: month.start(),
        period_end: month.end(),
        generated_at: as_of,
        escalations: escalation_counts(&escalated),
        causes: causes(&escalated),
        sla: sla(&facts, month, config, as_of),
        response_times: response_times(&escalated),
        refusals: refusal_figures(&refusals),
        exceptions: exceptions(&escalated, &names),
        duplicates: duplicates(&escalated, &refusals, &keys),
        reopens: reopens(&facts, month),
        knowledge_base: knowledge_base(&facts, month),
    }
}

/// One count per value of a vocabulary, in its order, zeros included.
fn tally<T: Copy + PartialEq>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    values: &[T],
) -> Vec<Count> {
    all.iter()
        .map(|&value| Count {
            code: code(value).to_string(),
            label: label(value).to_string(),
            count: values.iter().filter(|&&seen| seen == value).count() as u64,
        })
        .collect()
}

fn escalation_counts(escalated: &[Escalated]) -> EscalationCounts {
    let records: Vec<&EscalationRecord> = escalated.iter().map(|(_, e)| e.record).collect();
    let types: Vec<EscalationType> = records.iter().map(|r| r.escalation_type).collect();
    let teams: Vec<Team> = records.iter().map(|r| r.team).collect();
    let priorities: Vec<Priority> = records.iter().map(|r| r.priority).collect();
    let criteria: Vec<Criterion> = records
        .iter()
        .flat_map(|r| r.criteria.iter().copied().collect::<BTreeSet<_>>())
        .collect();
    EscalationCounts {
        total: escalated.len() as u64,
        by_type: tally(
            EscalationType::ALL,
            EscalationType::code,
            EscalationType::label,
            &types,
        ),
        by_team: tally(Team::ALL, Team::code, Team::label, &teams),
        by_priority: tally(Priority::ALL, Priority::code, Priority::label, &priorities),
        by_criterion: tally(Criterion::ALL, Criterion::code, Criterion::label, &criteria),
    }
}

fn causes(escalated: &[Escalated]) -> Causes {
    // Products, compared trimmed and case-insensitively, labelled as first written.
    let mut products: Vec<(String, Count)> = Vec::new();
    for (_, escalation) in escalated {
        let written = escalation.product.trim();
        let folded = written.to_lowercase();
        match products.iter_mut().find(|(key, _)| *key == folded) {
            Some((_, count)) => count.count += 1,
            None => products.push((
                folded,
                Count {
                    code: written.to_string(),
                    label: if written.is_empty() {
                        "(no product)".to_string()
                    } else {
                        written.to_string()
                    },
                    count: 1,
                },
            )),
        }
    }
    let mut by_product: Vec<Count> = products.into_iter().map(|(_, count)| count).collect();
    by_product.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.label.to_lowercase().cmp(&b.label.to_lowercase()))
    });

    // Greedy: in escalation order, each summary joins the cluster whose
    // representative it is most similar to (at or above the threshold; the
    // earlier cluster on a tie), or starts a cluster of its own.
    struct Forming {
        terms: BTreeSet<String>,
        cluster: CauseCluster,
    }
    let mut forming: Vec<Forming> = Vec::new();
    for (facts, escalation) in escalated {
        let terms = summary_terms(&escalation.summary);
        let mut best: Option<(usize, f64)> = None;
        for (index, candidate) in forming.iter().enumerate() {
            let similarity = dice(&terms, &candidate.terms);
            if similarity >= SIMILARITY_THRESHOLD && best.is_none_or(|(_, top)| similarity > top) {
                best = Some((index, similarity));
            }
        }
        match best {
            Some((index, _)) => {
                let cluster = &mut forming[index].cluster;
                cluster.count += 1;
                cluster.tickets.push(facts.key.clone());
            }
            None => forming.push(Forming {
                terms,
                cluster: CauseCluster {
                    representative: escalation.summary.trim().to_string(),
                    count: 1,
                    tickets: vec![facts.key.clone()],
                },
            }),
        }
    }
    let mut clusters: Vec<CauseCluster> = forming.into_iter().map(|f| f.cluster).collect();
    // Stable: clusters of the same size keep the order they formed in.
    clusters.sort_by_key(|cluster| std::cmp::Reverse(cluster.count));
    Causes {
        by_product,
        clusters,
        similarity_threshold: SIMILARITY_THRESHOLD,
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct RunTally {
    met: u64,
    missed: u64,
    running_breached: u64,
}

impl RunTally {
    fn add(&mut self, other: RunTally) {
        self.met += other.met;
        self.missed += other.missed;
        self.running_breached += other.running_breached;
    }

    fn line(self, priority: Option<Priority>, target: Option<Target>) -> SlaLine {
        SlaLine {
            priority,
            target,
            met: self.met,
            missed: self.missed,
            running_breached: self.running_breached,
            breaches: self.missed + self.running_breached,
            attainment_percent: percent(self.met, self.met + self.missed),
        }
    }
}

/// Every run of every ticket, judged at `as_of` by the SLA engine, counted
/// in the month its outcome was decided: a met run when it stopped, a
/// missed or still-running breached run when its deadline passed. Runs
/// still running within their deadline, or held by a pause, are not decided.
fn sla(
    facts: &[Facts],
    month: ReportMonth,
    config: &SlaConfig,
    as_of: DateTime<Utc>,
) -> SlaAttainment {
    let mut tallies: BTreeMap<(Priority, Target), RunTally> = BTreeMap::new();
    for facts in facts {
        let Some(priority) = facts.sla.priority else {
            continue;
        };
        for run in &facts.sla.runs {
            let Some(status) = facts.sla.status(run, config, as_of) else {
                continue;
            };
            let due = status.evaluation.due;
            let (decided_at, outcome) = match status.state {
                ClockState::Met => (
                    run.stopped,
                    RunTally {
                        met: 1,
                        ..RunTally::default()
                    },
                ),
                ClockState::Missed => (
                    due,
                    RunTally {
                        missed: 1,
                        ..RunTally::default()
                    },
                ),
                ClockState::Breached => (
                    due,
                    RunTally {
                        running_breached: 1,
                        ..RunTally::default()
                    },
                ),
                ClockState::Running | ClockState::Paused | ClockState::Imminent => continue,
            };
            if decided_at.is_some_and(|at| month.contains(at)) {
                tallies
                    .entry((priority, run.target))
                    .or_default()
                    .add(outcome);
            }
        }
    }
    let tallies = &tallies;
    let sum = |keep: &dyn Fn(Priority, Target) -> bool| {
        let mut total = RunTally::default();
        for (&(priority, target), tally) in tallies {
            if keep(priority, target) {
                total.add(*tally);
            }
        }
        total
    };
    SlaAttainment {
        total: sum(&|_, _| true).line(None, None),
        by_priority: Priority::ALL
            .iter()
            .map(|&p| sum(&|priority, _| priority == p).line(Some(p), None))
            .collect(),
        by_target: Target::ALL
            .iter()
            .map(|&t| sum(&|_, target| target == t).line(None, Some(t)))
            .collect(),
        by_priority_and_target: Priority::ALL
            .iter()
            .flat_map(|&p| {
                Target::ALL.iter().map(move |&t| {
                    tallies
                        .get(&(p, t))
                        .copied()
                        .unwrap_or_default()
                        .line(Some(p), Some(t))
                })
            })
            .collect(),
    }
}

fn minutes_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_milliseconds() as f64 / 60_000.0
}

/// Count, pending, median and p90 of measured values (`None` = pending).
fn duration_stats(priority: Option<Priority>, values: &[Option<f64>]) -> DurationStats {
    let mut measured: Vec<f64> = values.iter().flatten().copied().collect();
    measured.sort_by(f64::total_cmp);
    let n = measured.len();
    let median = match n {
        0 => None,
        n if n % 2 == 1 => Some(measured[n / 2]),
        n => Some((measured[n / 2 - 1] + measured[n / 2]) / 2.0),
    };
    // Nearest rank: the ⌈0.9·n⌉-th smallest.
    let p90 = (n > 0).then(|| measured[(9 * n).div_ceil(10) - 1]);
    DurationStats {
        priority,
        count: n as u64,
        pending: (values.len() - n) as u64,
        median_minutes: median,
        p90_minutes: p90,
    }
}

#[derive(Clone, Copy)]
enum Step {
    /// L2's first acknowledgement after the escalation.
    Acknowledged,
    /// L1's first validation of a fix after the escalation (§10 step 1).
    FixValidated,
}

impl Step {
    fn instants<'f>(self, facts: &'f Facts<'_>) -> &'f [DateTime<Utc>] {
        match self {
            Step::Acknowledged => &facts.acknowledged,
            Step::FixValidated => &facts.validated,
        }
    }
}

/// Minutes from each escalation to `step`, over all and per priority.
fn measure(escalated: &[Escalated], step: Step) -> (DurationStats, Vec<DurationStats>) {
    let values: Vec<(Priority, Option<f64>)> = escalated
        .iter()
        .map(|(facts, escalation)| {
            let minutes = step
                .instants(facts)
                .iter()
                .find(|&&at| at >= escalation.at)
                .map(|&at| minutes_between(escalation.at, at));
            (escalation.record.priority, minutes)
        })
        .collect();
    let all: Vec<Option<f64>> = values.iter().map(|(_, value)| *value).collect();
    let by_priority = Priority::ALL
        .iter()
        .map(|&priority| {
            let of: Vec<Option<f64>> = values
                .iter()
                .filter(|(p, _)| *p == priority)
                .map(|(_, value)| *value)
                .collect();
            duration_stats(Some(priority), &of)
        })
        .collect();
    (duration_stats(None, &all), by_priority)
}

fn response_times(escalated: &[Escalated]) -> ResponseTimes {
    let (acknowledge, acknowledge_by_priority) = measure(escalated, Step::Acknowledged);
    let (resolve, resolve_by_priority) = measure(escalated, Step::FixValidated);
    ResponseTimes {
        acknowledge,
        acknowledge_by_priority,
        resolve,
        resolve_by_priority,
    }
}

/// The month's refusals with their tickets, oldest first.
fn refusals_in<'f, 'a>(
    facts: &'f [Facts<'a>],
    month: ReportMonth,
) -> Vec<(&'f Facts<'a>, &'f Refusal)> {
    let mut refusals: Vec<(&Facts, &Refusal)> = facts
        .iter()
        .flat_map(|facts| {
            facts
                .refusals
                .iter()
                .filter(|refusal| month.contains(refusal.at))
                .map(move |refusal| (facts, refusal))
        })
        .collect();
    refusals.sort_by_key(|(facts, refusal)| (refusal.at, facts.number));
    refusals
}

fn refusal_entry(facts: &Facts, refusal: &Refusal) -> RefusalEntry {
    RefusalEntry {
        ticket: facts.key.clone(),
        at: refusal.at,
        rules: refusal.rules.clone(),
    }
}

fn refusal_figures(refusals: &[(&Facts, &Refusal)]) -> Refusals {
    let tickets: BTreeSet<u64> = refusals.iter().map(|(facts, _)| facts.number).collect();
    let later_escalated: BTreeSet<u64> = refusals
        .iter()
        .filter(|(facts, refusal)| {
            facts
                .escalation
                .as_ref()
                .is_some_and(|escalation| escalation.at > refusal.at)
        })
        .map(|(facts, _)| facts.number)
        .collect();
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for (_, refusal) in refusals {
        for rule in &refusal.rules {
            *counts.entry(rule.as_str()).or_default() += 1;
        }
    }
    let mut by_rule: Vec<RuleCount> = counts
        .into_iter()
        .map(|(rule, count)| RuleCount {
            rule: rule.to_string(),
            clause: Rule::from_id(rule).map_or("", Rule::clause).to_string(),
            count,
        })
        .collect();
    by_rule.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
    Refusals {
        total: refusals.len() as u64,
        tickets: tickets.len() as u64,
        incomplete_documentation: refusals
            .iter()
            .filter(|(_, refusal)| {
                refusal
                    .rules
                    .iter()
                    .any(|rule| rule.starts_with(DOCUMENTATION_RULES))
            })
            .count() as u64,
        later_escalated: later_escalated.len() as u64,
        by_rule,
        list: refusals
            .iter()
            .map(|(facts, refusal)| refusal_entry(facts, refusal))
            .collect(),
    }
}

fn exceptions(escalated: &[Escalated], names: &HashMap<UserId, &str>) -> Vec<ExceptionUsed> {
    escalated
        .iter()
        .filter_map(|(facts, escalation)| {
            let used = escalation.record.exception.as_ref()?;
            let approver = escalation.approver.map(|id| {
                names
                    .get(&id)
                    .map_or_else(|| id.to_string(), |name| name.to_string())
            });
            let approval = match (used.kind, &approver) {
                (ExceptionKind::MajorOutage, _) => NO_APPROVAL_NEEDED.to_string(),
                (ExceptionKind::Emergency, Some(name)) => name.clone(),
                (ExceptionKind::Emergency, None) => "(approver not recorded)".to_string(),
            };
            Some(ExceptionUsed {
                ticket: facts.key.clone(),
                kind: used.kind,
                reason: used.reason.clone(),
                approver,
                approval,
                escalated_at: escalation.at,
                waived_rules: used.waived_rules.clone(),
            })
        })
        .collect()
}

fn duplicates(
    escalated: &[Escalated],
    refusals: &[(&Facts, &Refusal)],
    keys: &HashMap<TicketId, &str>,
) -> Duplicates {
    let linked: Vec<LinkedEscalation> = escalated
        .iter()
        .filter_map(|(facts, escalation)| {
            let target = escalation.record.linked_to?;
            Some(LinkedEscalation {
                ticket: facts.key.clone(),
                linked_to: keys
                    .get(&target)
                    .map_or_else(|| target.to_string(), |key| key.to_string()),
                at: escalation.at,
            })
        })
        .collect();
    let overridden = escalated
        .iter()
        .filter_map(|(facts, escalation)| {
            Some(DuplicateOverride {
                ticket: facts.key.clone(),
                reason: escalation.record.duplicate_override.clone()?,
                at: escalation.at,
            })
        })
        .collect();
    let refused: Vec<RefusalEntry> = refusals
        .iter()
        .filter(|(_, refusal)| refusal.rules.iter().any(|rule| rule == DUPLICATE_RULE))
        .map(|(facts, refusal)| refusal_entry(facts, refusal))
        .collect();
    let prevented: BTreeSet<&str> = linked
        .iter()
        .map(|link| link.ticket.as_str())
        .chain(refused.iter().map(|refusal| refusal.ticket.as_str()))
        .collect();
    Duplicates {
        prevented: prevented.len() as u64,
        linked,
        refused,
        overridden,
    }
}

fn reopens(facts: &[Facts], month: ReportMonth) -> Reopens {
    let mut cohort: Vec<(DateTime<Utc>, u64, &str, bool)> = facts
        .iter()
        .filter_map(|facts| {
            let (_, resolved) = facts.resolution_after_escalation()?;
            month.contains(resolved.at).then(|| {
                let reopened = facts.reopened.iter().any(|&at| at > resolved.at);
                (resolved.at, facts.number, facts.key.as_str(), reopened)
            })
        })
        .collect();
    cohort.sort();
    let reopened: Vec<String> = cohort
        .iter()
        .filter(|(.., reopened)| *reopened)
        .map(|(_, _, key, _)| key.to_string())
        .collect();
    let reopenings_in_month = facts
        .iter()
        .filter_map(|facts| {
            let escalation = facts.escalation.as_ref()?;
            Some(
                facts
                    .reopened
                    .iter()
                    .filter(|&&at| at > escalation.at && month.contains(at))
                    .count() as u64,
            )
        })
        .sum();
    Reopens {
        resolved: cohort.len() as u64,
        reopened: reopened.len() as u64,
        rate_percent: percent(reopened.len() as u64, cohort.len() as u64),
        reopened_tickets: reopened,
        reopenings_in_month,
    }
}

/// Escalations first resolved in the month whose fix matches a fix of
/// another ticket resolved before this one was escalated: the best match,
/// the earliest such resolution on a tie.
fn knowledge_base(facts: &[Facts], month: ReportMonth) -> Vec<KnowledgeBaseCandidate> {
    let known: Vec<(&Facts, &Resolved, BTreeSet<String>)> = facts
        .iter()
        .flat_map(|facts| {
            facts
                .resolutions
                .iter()
                .filter(|resolved| !resolved.fix.is_empty())
                .map(move |resolved| (facts, resolved, fix_terms(&resolved.fix)))
        })
        .collect();
    let mut candidates: Vec<(u64, KnowledgeBaseCandidate)> = Vec::new();
    for ticket in facts {
        let Some((escalation, resolved)) = ticket.resolution_after_escalation() else {
            continue;
        };
        if !month.contains(resolved.at) || resolved.fix.is_empty() {
            continue;
        }
        let terms = fix_terms(&resolved.fix);
        let mut best: Option<(f64, &Facts, &Resolved)> = None;
        for (earlier, fix, earlier_terms) in &known {
            if earlier.id == ticket.id || fix.at >= escalation.at {
                continue;
            }
            let similarity = dice(&terms, earlier_terms);
            let better = best.as_ref().is_none_or(|(top, _, top_fix)| {
                similarity > *top || (similarity == *top && fix.at < top_fix.at)
            });
            if similarity >= SIMILARITY_THRESHOLD && better {
                best = Some((similarity, *earlier, *fix));
            }
        }
        if let Some((similarity, earlier, fix)) = best {
            candidates.push((
                ticket.number,
                KnowledgeBaseCandidate {
                    ticket: ticket.key.clone(),
                    summary: escalation.summary.trim().to_string(),
                    resolved_at: resolved.at,
                    fix: resolved.fix.clone(),
                    earlier_ticket: earlier.key.clone(),
                    earlier_resolved_at: fix.at,
                    known_fix: fix.fix.clone(),
                    similarity,
                },
            ));
        }
    }
    candidates.sort_by_key(|(number, candidate)| (candidate.resolved_at, *number));
    candidates
        .into_iter()
        .map(|(_, candidate)| candidate)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_averages_the_middle_pair_and_p90_is_the_nearest_rank() {
        let of = |values: &[f64]| {
            let values: Vec<Option<f64>> = values.iter().copied().map(Some).collect();
            let stats = duration_stats(None, &values);
            (stats.median_minutes, stats.p90_minutes)
        };
        assert_eq!(of(&[]), (None, None));
        assert_eq!(of(&[7.0]), (Some(7.0), Some(7.0)));
        assert_eq!(of(&[30.0, 10.0]), (Some(20.0), Some(30.0)));
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(of(&ten), (Some(5.5), Some(9.0)));
        let eleven: Vec<f64> = (1..=11).map(f64::from).collect();
        assert_eq!(of(&eleven), (Some(6.0), Some(10.0)));
        let pending = duration_stats(None, &[Some(4.0), None, None]);
        assert_eq!((pending.count, pending.pending), (1, 2));
    }
}
