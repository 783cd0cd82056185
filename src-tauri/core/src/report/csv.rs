//! The review as CSV: one flat table, `section,group,metric,value`, so every
//! row has the same four columns and a spreadsheet can pivot or filter it.
//!
//! RFC 4180: CRLF line ends; a field holding a comma, a double quote, CR or
//! LF is quoted, with its quotes doubled. Ticket text is customer input, so
//! a field that starts with `=`, `+`, `-`, `@`, tab or CR is prefixed with
//! an apostrophe, which keeps spreadsheet apps from running it as a formula.
//! The rows are listed in `docs/report.md`.

use super::{Count, DurationStats, MonthlyReport, SlaLine};
use chrono::{DateTime, SecondsFormat, Utc};

pub(super) fn render(report: &MonthlyReport) -> String {
    let mut csv = Csv(String::with_capacity(16 * 1024));
    csv.row("section", "group", "metric", "value");

    csv.row("report", "", "month", &report.month);
    csv.row("report", "", "title", &report.title);
    csv.row("report", "", "period_start", &time(report.period_start));
    csv.row("report", "", "period_end", &time(report.period_end));
    csv.row("report", "", "generated_at", &time(report.generated_at));

    let escalations = &report.escalations;
    csv.row("escalations", "", "total", &escalations.total.to_string());
    for (section, counts) in [
        ("escalations_by_type", &escalations.by_type),
        ("escalations_by_team", &escalations.by_team),
        ("escalations_by_priority", &escalations.by_priority),
        ("escalations_by_criterion", &escalations.by_criterion),
        ("causes_by_product", &report.causes.by_product),
    ] {
        for count in counts {
            csv.row(
                section,
                count_group(count),
                "count",
                &count.count.to_string(),
            );
        }
    }
    csv.row(
        "causes",
        "",
        "similarity_threshold",
        &format!("{:.2}", report.causes.similarity_threshold),
    );
    for (rank, cluster) in numbered(&report.causes.clusters) {
        csv.row(
            "cause_clusters",
            &rank,
            "representative",
            &cluster.representative,
        );
        csv.row("cause_clusters", &rank, "count", &cluster.count.to_string());
        csv.row(
            "cause_clusters",
            &rank,
            "tickets",
            &cluster.tickets.join(" "),
        );
    }

    let sla = &report.sla;
    sla_rows(&mut csv, "sla", "all", &sla.total);
    for line in &sla.by_priority {
        sla_rows(&mut csv, "sla_by_priority", &group_of(line), line);
    }
    for line in &sla.by_target {
        sla_rows(&mut csv, "sla_by_target", &group_of(line), line);
    }
    for line in &sla.by_priority_and_target {
        sla_rows(
            &mut csv,
            "sla_by_priority_and_target",
            &group_of(line),
            line,
        );
    }

    let times = &report.response_times;
    for (section, all, by_priority) in [
        (
            "time_to_acknowledge",
            &times.acknowledge,
            &times.acknowledge_by_priority,
        ),
        (
            "time_to_resolve",
            &times.resolve,
            &times.resolve_by_priority,
        ),
    ] {
        for stats in std::iter::once(all).chain(by_priority) {
            duration_rows(&mut csv, section, stats);
        }
    }

    let refusals = &report.refusals;
    for (metric, value) in [
        ("total", refusals.total),
        ("tickets", refusals.tickets),
        (
            "incomplete_documentation",
            refusals.incomplete_documentation,
        ),
        ("later_escalated", refusals.later_escalated),
    ] {
        csv.row("refusals", "", metric, &value.to_string());
    }
    for rule in &refusals.by_rule {
        csv.row("refusals_by_rule", &rule.rule, "clause", &rule.clause);
        csv.row(
            "refusals_by_rule",
            &rule.rule,
            "count",
            &rule.count.to_string(),
        );
    }
    for (n, refusal) in numbered(&refusals.list) {
        csv.row("refusal_list", &n, "ticket", &refusal.ticket);
        csv.row("refusal_list", &n, "at", &time(refusal.at));
        csv.row("refusal_list", &n, "rules", &refusal.rules.join(" "));
    }

    for (n, exception) in numbered(&report.exceptions) {
        csv.row("exceptions", &n, "ticket", &exception.ticket);
        csv.row("exceptions", &n, "kind", exception.kind.code());
        csv.row("exceptions", &n, "reason", &exception.reason);
        csv.row("exceptions", &n, "approval", &exception.approval);
        csv.row(
            "exceptions",
            &n,
            "escalated_at",
            &time(exception.escalated_at),
        );
        csv.row(
            "exceptions",
            &n,
            "waived_rules",
            &exception.waived_rules.join(" "),
        );
    }

    let duplicates = &report.duplicates;
    csv.row(
        "duplicates",
        "",
        "prevented",
        &duplicates.prevented.to_string(),
    );
    for (n, link) in numbered(&duplicates.linked) {
        csv.row("duplicates_linked", &n, "ticket", &link.ticket);
        csv.row("duplicates_linked", &n, "linked_to", &link.linked_to);
        csv.row("duplicates_linked", &n, "at", &time(link.at));
    }
    for (n, refusal) in numbered(&duplicates.refused) {
        csv.row("duplicates_refused", &n, "ticket", &refusal.ticket);
        csv.row("duplicates_refused", &n, "at", &time(refusal.at));
    }
    for (n, overridden) in numbered(&duplicates.overridden) {
        csv.row("duplicates_overridden", &n, "ticket", &overridden.ticket);
        csv.row("duplicates_overridden", &n, "reason", &overridden.reason);
        csv.row("duplicates_overridden", &n, "at", &time(overridden.at));
    }

    let reopens = &report.reopens;
    csv.row("reopens", "", "resolved", &reopens.resolved.to_string());
    csv.row("reopens", "", "reopened", &reopens.reopened.to_string());
    csv.row(
        "reopens",
        "",
        "rate_percent",
        &decimal(reopens.rate_percent),
    );
    csv.row(
        "reopens",
        "",
        "reopenings_in_month",
        &reopens.reopenings_in_month.to_string(),
    );
    csv.row(
        "reopens",
        "",
        "reopened_tickets",
        &reopens.reopened_tickets.join(" "),
    );

    for (n, candidate) in numbered(&report.knowledge_base) {
        let section = "knowledge_base";
        csv.row(section, &n, "ticket", &candidate.ticket);
        csv.row(section, &n, "summary", &candidate.summary);
        csv.row(section, &n, "resolved_at", &time(candidate.resolved_at));
        csv.row(section, &n, "fix", &candidate.fix);
        csv.row(section, &n, "earlier_ticket", &candidate.earlier_ticket);
        csv.row(
            section,
            &n,
            "earlier_resolved_at",
            &time(candidate.earlier_resolved_at),
        );
        csv.row(section, &n, "known_fix", &candidate.known_fix);
        csv.row(
            section,
            &n,
            "similarity",
            &format!("{:.2}", candidate.similarity),
        );
    }
    csv.0
}

struct Csv(String);

impl Csv {
    fn row(&mut self, section: &str, group: &str, metric: &str, value: &str) {
        for (index, field) in [section, group, metric, value].into_iter().enumerate() {
            if index > 0 {
                self.0.push(',');
            }
            self.field(field);
        }
        self.0.push_str("\r\n");
    }

    fn field(&mut self, text: &str) {
        let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let quoted = text.contains([',', '"', '\r', '\n']) || formula;
        if quoted {
            self.0.push('"');
        }
        if formula {
            self.0.push('\'');
        }
        self.0.push_str(&text.replace('"', "\"\""));
        if quoted {
            self.0.push('"');
        }
    }
}

/// A count's group: its code, or the label "(no product)" where it has none.
fn count_group(count: &Count) -> &str {
    if count.code.is_empty() {
        &count.label
    } else {
        &count.code
    }
}

fn sla_rows(csv: &mut Csv, section: &str, group: &str, line: &SlaLine) {
    for (metric, value) in [
        ("met", line.met),
        ("missed", line.missed),
        ("running_breached", line.running_breached),
        ("breaches", line.breaches),
    ] {
        csv.row(section, group, metric, &value.to_string());
    }
    csv.row(
        section,
        group,
        "attainment_percent",
        &decimal(line.attainment_percent),
    );
}

/// "P1", "acknowledge", "P1 acknowledge".
fn group_of(line: &SlaLine) -> String {
    let parts: Vec<&str> = [
        line.priority.map(|p| p.code()),
        line.target.map(|t| t.code()),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.join(" ")
}

fn duration_rows(csv: &mut Csv, section: &str, stats: &DurationStats) {
    let group = stats.priority.map_or("all", |p| p.code());
    csv.row(section, group, "count", &stats.count.to_string());
    csv.row(section, group, "pending", &stats.pending.to_string());
    csv.row(
        section,
        group,
        "median_minutes",
        &decimal(stats.median_minutes),
    );
    csv.row(section, group, "p90_minutes", &decimal(stats.p90_minutes));
}

/// One decimal; empty for none.
fn decimal(value: Option<f64>) -> String {
    value.map(|value| format!("{value:.1}")).unwrap_or_default()
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Items with their 1-based position as the group.
fn numbered<T>(items: &[T]) -> impl Iterator<Item = (String, &T)> {
    items
        .iter()
        .enumerate()
        .map(|(index, item)| ((index + 1).to_string(), item))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(fields: [&str; 4]) -> String {
        let mut csv = Csv(String::new());
        csv.row(fields[0], fields[1], fields[2], fields[3]);
        csv.0
    }

    #[test]
    fn fields_are_quoted_only_when_rfc_4180_needs_it() {
        assert_eq!(line(["a", "b c", "", "1"]), "a,b c,,1\r\n");
        assert_eq!(
            line(["a", "Reporting, EU", "say \"hi\"", "two\nlines"]),
            "a,\"Reporting, EU\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
        );
    }

    #[test]
    fn text_that_a_spreadsheet_would_run_as_a_formula_is_defused() {
        assert_eq!(
            line(["a", "=SUM(A1)", "-x", "@y"]),
            "a,\"'=SUM(A1)\",\"'-x\",\"'@y\"\r\n"
        );
    }
}
