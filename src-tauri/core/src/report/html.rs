//! The review as one self-contained HTML page, for reading on screen, mailing
//! or printing: inline CSS, charts drawn as inline SVG, no script, no font,
//! image or style sheet fetched from anywhere. It prints on A4 with each
//! section on a new page.
//!
//! Ticket text is user input. Every piece of text goes through [`escape`]
//! (also inside the SVG), so a summary like `<script>` shows as text.

use super::{Count, DurationStats, MonthlyReport, RefusalEntry, SlaLine, SIMILARITY_THRESHOLD};
use crate::domain::ExceptionKind;
use chrono::{DateTime, Utc};
use std::fmt::Write;

const STYLE: &str = r#"
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef1f5; color: #1d2430;
  font: 10pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 190mm; margin: 0 auto; padding: 10mm 0; }
section { background: #fff; margin: 0 0 6mm; padding: 7mm 8mm; border-radius: 6px;
  box-shadow: 0 1px 3px rgba(20, 30, 50, .12); }
h1 { font-size: 19pt; margin: 0 0 1mm; }
h2 { font-size: 13.5pt; margin: 0 0 3mm; padding-bottom: 1.5mm; border-bottom: 2px solid #2f6fb0; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; }
p { margin: 1.5mm 0; }
.sub, .note { color: #566173; }
.note { font-size: 8.5pt; }
.tiles { display: grid; grid-template-columns: repeat(3, 1fr); gap: 3mm; margin-top: 4mm; }
.tile { border: 1px solid #dde2ea; border-radius: 5px; padding: 2.5mm 3mm; }
.tile b { display: block; font-size: 17pt; line-height: 1.2; }
.tile span { color: #566173; font-size: 8.5pt; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm 6mm; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-weight: 600; font-size: 9pt; margin: 0 0 1mm; }
svg { display: block; width: 100%; height: auto; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #1d2430; }
svg .bar { fill: #2f6fb0; } svg .met { fill: #2e8b57; } svg .missed { fill: #c0392b; }
svg .running { fill: #e0a020; } svg .track { fill: #eef1f5; }
table { width: 100%; border-collapse: collapse; font-size: 8.8pt; margin: 2mm 0 3mm; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 1.8mm; border-bottom: 1px solid #e3e7ee; }
th { background: #f4f6f9; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.sum td { font-weight: 600; background: #f9fafc; }
.text { white-space: pre-line; overflow-wrap: anywhere; }
.key { white-space: nowrap; font-weight: 600; }
.legend span { display: inline-block; margin-right: 4mm; font-size: 8.5pt; }
.legend i { display: inline-block; width: 3mm; height: 3mm; margin-right: 1mm; vertical-align: -0.3mm; }
.empty { color: #566173; font-style: italic; }
@media print {
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  section { box-shadow: none; border-radius: 0; margin: 0; padding: 0; break-before: page; }
  section:first-of-type { break-before: auto; }
  h2, h3, figcaption { break-after: avoid; }
  tr, figure, .tile { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// `write!` into the page; writing to a `String` cannot fail.
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {
        let _ = write!($out, $($arg)*);
    };
}

pub(super) fn render(report: &MonthlyReport) -> String {
    let mut page = String::with_capacity(64 * 1024);
    put!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Escalation review · {title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        title = escape(&report.title),
    );
    overview(&mut page, report);
    escalations(&mut page, report);
    causes(&mut page, report);
    sla(&mut page, report);
    response_times(&mut page, report);
    refusals(&mut page, report);
    exceptions(&mut page, report);
    duplicates(&mut page, report);
    reopens(&mut page, report);
    knowledge_base(&mut page, report);
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

fn overview(page: &mut String, report: &MonthlyReport) {
    put!(
        page,
        "<section id=\"overview\">\n<h1>Escalation review · {title}</h1>\n\
         <p class=\"sub\">SOP §13 monthly review of the escalations made from {start} to {end} \
         (UTC month), as of {generated}.</p>\n<div class=\"tiles\">\n",
        title = escape(&report.title),
        start = when(report.period_start),
        end = when(report.period_end),
        generated = when(report.generated_at),
    );
    let ack = &report.response_times.acknowledge;
    let tiles = [
        (report.escalations.total.to_string(), "escalations made"),
        (
            percent_text(report.sla.total.attainment_percent),
            "SLA attainment (met ÷ met + missed)",
        ),
        (
            report.sla.total.breaches.to_string(),
            "SLA breaches (missed + still running)",
        ),
        (
            minutes_text(ack.median_minutes),
            "median minutes to L2 acknowledgement",
        ),
        (
            report.refusals.incomplete_documentation.to_string(),
            "escalations refused for incomplete documentation",
        ),
        (
            percent_text(report.reopens.rate_percent),
            "reopen rate of escalations resolved",
        ),
    ];
    for (value, label) in tiles {
        put!(
            page,
            "<div class=\"tile\"><b>{}</b><span>{}</span></div>\n",
            escape(&value),
            escape(label)
        );
    }
    put!(
        page,
        "</div>\n<p class=\"note\">Exceptions used: {}. Duplicates prevented: {}. \
         Knowledge-base candidates: {}. Definitions: docs/report.md.</p>\n</section>\n",
        report.exceptions.len(),
        report.duplicates.prevented,
        report.knowledge_base.len(),
    );
}

fn escalations(page: &mut String, report: &MonthlyReport) {
    let counts = &report.escalations;
    put!(
        page,
        "<section id=\"escalations\">\n<h2>Escalations made: {}</h2>\n<div class=\"charts\">\n",
        counts.total
    );
    for (caption, bars) in [
        ("By type (§5)", &counts.by_type),
        ("By L2 team (§6 Step 3)", &counts.by_team),
        ("By priority (§8)", &counts.by_priority),
        ("By criterion (§4)", &counts.by_criterion),
    ] {
        figure(page, caption, &vocabulary_bars(bars), Width::Half);
    }
    page.push_str(
        "</div>\n<p class=\"note\">An escalation counts once under each §4 criterion it gave, \
         so the criteria can add up to more than the escalations.</p>\n</section>\n",
    );
}

fn causes(page: &mut String, report: &MonthlyReport) {
    let causes = &report.causes;
    page.push_str("<section id=\"causes\">\n<h2>Frequent escalation causes (§13)</h2>\n");
    figure(
        page,
        "By product",
        &count_bars(&causes.by_product, 12),
        Width::Full,
    );
    if causes.by_product.len() > 12 {
        put!(
            page,
            "<p class=\"note\">The 12 most frequent of {} products.</p>\n",
            causes.by_product.len()
        );
    }
    put!(
        page,
        "<h3>Similar summaries</h3>\n<p class=\"note\">Greedy clusters: in escalation order, a \
         summary joins the cluster whose first summary shares the most significant terms with it \
         (Dice ≥ {:.2}, as for the §11 duplicate check), or starts its own.</p>\n",
        causes.similarity_threshold
    );
    if causes.clusters.is_empty() {
        empty(page, "No escalations this month.");
    } else {
        let bars: Vec<Bar> = causes
            .clusters
            .iter()
            .take(10)
            .map(|cluster| Bar::count(&cluster.representative, cluster.count))
            .collect();
        figure(page, "Largest clusters", &bars, Width::Full);
        page.push_str(
            "<table>\n<thead><tr><th class=\"n\">#</th><th>Representative summary</th>\
             <th class=\"n\">Escalations</th><th>Tickets</th></tr></thead>\n<tbody>\n",
        );
        for (rank, cluster) in causes.clusters.iter().enumerate() {
            put!(
                page,
                "<tr><td class=\"n\">{}</td><td class=\"text\">{}</td><td class=\"n\">{}</td>\
                 <td>{}</td></tr>\n",
                rank + 1,
                escape(&cluster.representative),
                cluster.count,
                escape(&cluster.tickets.join(", "))
            );
        }
        page.push_str("</tbody>\n</table>\n");
    }
    page.push_str("</section>\n");
}

fn sla(page: &mut String, report: &MonthlyReport) {
    let sla = &report.sla;
    page.push_str(
        "<section id=\"sla\">\n<h2>SLA attainment and breaches</h2>\n\
         <p class=\"note\">Every SLA run (escalate, acknowledge, customer update, resolve) of \
         every ticket, counted in the month its outcome was decided: a <b>met</b> run (stopped by \
         its deadline) when it stopped, a <b>missed</b> run (stopped after its deadline) or a run \
         <b>still running &amp; breached</b> when its deadline passed. Attainment = met ÷ (met + \
         missed); runs still running &amp; breached are shown apart and enter “missed” once they \
         stop.</p>\n<p class=\"legend\"><span><i style=\"background:#2e8b57\"></i>met\
         </span><span><i style=\"background:#c0392b\"></i>missed</span><span><i \
         style=\"background:#e0a020\"></i>still running &amp; breached</span></p>\n\
         <div class=\"charts\">\n",
    );
    figure(
        page,
        "By priority",
        &sla.by_priority
            .iter()
            .map(|line| Bar::sla(&line_label(line), line))
            .collect::<Vec<_>>(),
        Width::Half,
    );
    figure(
        page,
        "By target",
        &sla.by_target
            .iter()
            .map(|line| Bar::sla(&line_label(line), line))
            .collect::<Vec<_>>(),
        Width::Half,
    );
    page.push_str(
        "</div>\n<table>\n<thead><tr><th>Priority</th><th>Target</th><th class=\"n\">Met</th>\
         <th class=\"n\">Missed</th><th class=\"n\">Still running &amp; breached</th>\
         <th class=\"n\">Attainment</th></tr></thead>\n<tbody>\n",
    );
    for priority_line in &sla.by_priority {
        let rows = sla
            .by_priority_and_target
            .iter()
            .filter(|line| line.priority == priority_line.priority);
        for line in rows {
            sla_row(page, line, false);
        }
        sla_row(page, priority_line, true);
    }
    sla_row(page, &sla.total, true);
    page.push_str("</tbody>\n</table>\n</section>\n");
}

fn sla_row(page: &mut String, line: &SlaLine, sum: bool) {
    put!(
        page,
        "<tr{}><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
         <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
        if sum { " class=\"sum\"" } else { "" },
        line.priority.map_or("All priorities", |p| p.code()),
        line.target.map_or("all targets", |t| t.label()),
        line.met,
        line.missed,
        line.running_breached,
        percent_text(line.attainment_percent)
    );
}

fn line_label(line: &SlaLine) -> String {
    match (line.priority, line.target) {
        (Some(priority), _) => priority.label().to_string(),
        (None, Some(target)) => capitalized(target.label()),
        (None, None) => "All".to_string(),
    }
}

fn response_times(page: &mut String, report: &MonthlyReport) {
    let times = &report.response_times;
    page.push_str(
        "<section id=\"response-times\">\n<h2>Time to acknowledge and to resolve</h2>\n\
         <p class=\"note\">For the month's escalations, in <b>wall-clock minutes</b> (not business \
         time): from the escalation to L2's first acknowledgement, and to the first fix L1 \
         validated (§10 step 1). Median: the middle value (mean of the two middle ones); p90: the \
         nearest-rank 90th percentile. Pending: the step has not happened yet.</p>\n<table>\n\
         <thead><tr><th rowspan=\"2\">Priority</th><th colspan=\"4\">Escalation → acknowledgement \
         (min)</th><th colspan=\"4\">Escalation → fix validated (min)</th></tr>\n<tr>\
         <th class=\"n\">n</th><th class=\"n\">median</th><th class=\"n\">p90</th>\
         <th class=\"n\">pending</th><th class=\"n\">n</th><th class=\"n\">median</th>\
         <th class=\"n\">p90</th><th class=\"n\">pending</th></tr></thead>\n<tbody>\n",
    );
    let rows = std::iter::once((&times.acknowledge, &times.resolve)).chain(
        times
            .acknowledge_by_priority
            .iter()
            .zip(&times.resolve_by_priority),
    );
    for (acknowledge, resolve) in rows {
        put!(
            page,
            "<tr{}><td>{}</td>",
            if acknowledge.priority.is_none() {
                " class=\"sum\""
            } else {
                ""
            },
            acknowledge.priority.map_or("All", |p| p.code())
        );
        for stats in [acknowledge, resolve] {
            duration_cells(page, stats);
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody>\n</table>\n");
    let bars: Vec<Bar> = times
        .acknowledge_by_priority
        .iter()
        .map(|stats| Bar {
            label: stats.priority.map_or("All", |p| p.code()).to_string(),
            parts: vec![(stats.median_minutes.unwrap_or(0.0), "bar")],
            value: minutes_text(stats.median_minutes),
        })
        .collect();
    put!(page, "<div class=\"charts\">\n");
    figure(
        page,
        "Median minutes to acknowledgement",
        &bars,
        Width::Half,
    );
    let bars: Vec<Bar> = times
        .resolve_by_priority
        .iter()
        .map(|stats| Bar {
            label: stats.priority.map_or("All", |p| p.code()).to_string(),
            parts: vec![(stats.median_minutes.unwrap_or(0.0), "bar")],
            value: minutes_text(stats.median_minutes),
        })
        .collect();
    figure(
        page,
        "Median minutes to a validated fix",
        &bars,
        Width::Half,
    );
    page.push_str("</div>\n</section>\n");
}

fn duration_cells(page: &mut String, stats: &DurationStats) {
    put!(
        page,
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
        stats.count,
        minutes_text(stats.median_minutes),
        minutes_text(stats.p90_minutes),
        stats.pending
    );
}

fn refusals(page: &mut String, report: &MonthlyReport) {
    let refusals = &report.refusals;
    put!(
        page,
        "<section id=\"refusals\">\n<h2>Escalations refused (§6 Step 2)</h2>\n\
         <p>{} refused escalation attempts on {} tickets; {} for incomplete documentation \
         (a <code>SOP-6.2-*</code> rule). {} of these tickets were escalated later.</p>\n",
        refusals.total,
        refusals.tickets,
        refusals.incomplete_documentation,
        refusals.later_escalated
    );
    if refusals.by_rule.is_empty() {
        empty(page, "No escalation was refused this month.");
        page.push_str("</section>\n");
        return;
    }
    let bars: Vec<Bar> = refusals
        .by_rule
        .iter()
        .map(|rule| Bar::count(&rule.rule, rule.count))
        .collect();
    figure(page, "Refusals naming each rule", &bars, Width::Full);
    page.push_str(
        "<table>\n<thead><tr><th>Rule</th><th>Clause</th><th class=\"n\">Refusals</th></tr>\
         </thead>\n<tbody>\n",
    );
    for rule in &refusals.by_rule {
        put!(
            page,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>\n",
            escape(&rule.rule),
            escape(&rule.clause),
            rule.count
        );
    }
    page.push_str("</tbody>\n</table>\n<h3>Every refusal</h3>\n");
    refusal_table(page, &refusals.list);
    page.push_str("</section>\n");
}

fn refusal_table(page: &mut String, list: &[RefusalEntry]) {
    page.push_str("<table>\n<thead><tr><th>Ticket</th><th>When (UTC)</th><th>Rules</th></tr></thead>\n<tbody>\n");
    for refusal in list {
        put!(
            page,
            "<tr><td class=\"key\">{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&refusal.ticket),
            stamp(refusal.at),
            escape(&refusal.rules.join(", "))
        );
    }
    page.push_str("</tbody>\n</table>\n");
}

fn exceptions(page: &mut String, report: &MonthlyReport) {
    page.push_str("<section id=\"exceptions\">\n<h2>Exceptions used (§12)</h2>\n");
    if report.exceptions.is_empty() {
        empty(page, "No escalation used an exception this month.");
        page.push_str("</section>\n");
        return;
    }
    page.push_str(
        "<table>\n<thead><tr><th>Ticket</th><th>Kind</th><th>Reason</th><th>Approved by</th>\
         <th>Escalated (UTC)</th><th>Rules waived</th></tr></thead>\n<tbody>\n",
    );
    for exception in &report.exceptions {
        put!(
            page,
            "<tr><td class=\"key\">{}</td><td>{}</td><td class=\"text\">{}</td><td>{}</td>\
             <td>{}</td><td>{}</td></tr>\n",
            escape(&exception.ticket),
            match exception.kind {
                ExceptionKind::MajorOutage => "Major outage",
                ExceptionKind::Emergency => "Emergency",
            },
            escape(&exception.reason),
            escape(&exception.approval),
            stamp(exception.escalated_at),
            escape(&exception.waived_rules.join(", "))
        );
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

fn duplicates(page: &mut String, report: &MonthlyReport) {
    let duplicates = &report.duplicates;
    put!(
        page,
        "<section id=\"duplicates\">\n<h2>Duplicates prevented (§11)</h2>\n\
         <p>{} tickets were kept from duplicating an open escalation: {} escalations linked to \
         it, {} refusals for a duplicate. {} escalations overrode a similar open one.</p>\n",
        duplicates.prevented,
        duplicates.linked.len(),
        duplicates.refused.len(),
        duplicates.overridden.len()
    );
    if !duplicates.linked.is_empty() {
        page.push_str(
            "<h3>Linked to an open escalation</h3>\n<table>\n<thead><tr><th>Ticket</th>\
             <th>Linked to</th><th>Escalated (UTC)</th></tr></thead>\n<tbody>\n",
        );
        for link in &duplicates.linked {
            put!(
                page,
                "<tr><td class=\"key\">{}</td><td class=\"key\">{}</td><td>{}</td></tr>\n",
                escape(&link.ticket),
                escape(&link.linked_to),
                stamp(link.at)
            );
        }
        page.push_str("</tbody>\n</table>\n");
    }
    if !duplicates.refused.is_empty() {
        page.push_str("<h3>Refused as duplicates</h3>\n");
        refusal_table(page, &duplicates.refused);
    }
    if !duplicates.overridden.is_empty() {
        page.push_str(
            "<h3>Overrides</h3>\n<table>\n<thead><tr><th>Ticket</th><th>Reason</th>\
             <th>Escalated (UTC)</th></tr></thead>\n<tbody>\n",
        );
        for overridden in &duplicates.overridden {
            put!(
                page,
                "<tr><td class=\"key\">{}</td><td class=\"text\">{}</td><td>{}</td></tr>\n",
                escape(&overridden.ticket),
                escape(&overridden.reason),
                stamp(overridden.at)
            );
        }
        page.push_str("</tbody>\n</table>\n");
    }
    page.push_str("</section>\n");
}

fn reopens(page: &mut String, report: &MonthlyReport) {
    let reopens = &report.reopens;
    put!(
        page,
        "<section id=\"reopens\">\n<h2>Reopen rate</h2>\n\
         <p><b>{}</b>: of the {} escalated tickets first resolved (monitoring or closed) this \
         month, {} were reopened afterwards{}.</p>\n\
         <p class=\"note\">{} reopenings of escalated tickets were recorded this month, \
         whenever those tickets were first resolved.</p>\n</section>\n",
        percent_text(reopens.rate_percent),
        reopens.resolved,
        reopens.reopened,
        if reopens.reopened_tickets.is_empty() {
            String::new()
        } else {
            format!(" ({})", escape(&reopens.reopened_tickets.join(", ")))
        },
        reopens.reopenings_in_month
    );
}

fn knowledge_base(page: &mut String, report: &MonthlyReport) {
    put!(
        page,
        "<section id=\"knowledge-base\">\n<h2>Knowledge-base candidates (§13)</h2>\n\
         <p class=\"note\">Escalations first resolved this month whose fix (the proposal L1 \
         validated and the resolution notes) matches the fix of a ticket resolved before they \
         were escalated (Dice ≥ {SIMILARITY_THRESHOLD:.2} over significant terms): L1 could have \
         applied the known fix. Each is a candidate for a knowledge-base article or an L1 \
         troubleshooting step.</p>\n"
    );
    if report.knowledge_base.is_empty() {
        empty(page, "No escalation this month repeated a known fix.");
        page.push_str("</section>\n");
        return;
    }
    page.push_str(
        "<table>\n<thead><tr><th>Ticket</th><th>Summary</th><th>Known fix (earlier ticket)</th>\
         <th class=\"n\">Similarity</th></tr></thead>\n<tbody>\n",
    );
    for candidate in &report.knowledge_base {
        put!(
            page,
            "<tr><td class=\"key\">{}</td><td class=\"text\">{}</td><td><span class=\"key\">{}</span>, \
             resolved {}<div class=\"text\">{}</div></td><td class=\"n\">{:.2}</td></tr>\n",
            escape(&candidate.ticket),
            escape(&candidate.summary),
            escape(&candidate.earlier_ticket),
            when(candidate.earlier_resolved_at),
            escape(&candidate.known_fix),
            candidate.similarity
        );
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

fn empty(page: &mut String, message: &str) {
    put!(page, "<p class=\"empty\">{}</p>\n", escape(message));
}

/// One row of a horizontal bar chart: stacked parts (value, CSS class).
struct Bar {
    label: String,
    parts: Vec<(f64, &'static str)>,
    /// The figure written after the bar.
    value: String,
}

impl Bar {
    fn count(label: &str, count: u64) -> Bar {
        Bar {
            label: label.to_string(),
            parts: vec![(count as f64, "bar")],
            value: count.to_string(),
        }
    }

    fn sla(label: &str, line: &SlaLine) -> Bar {
        Bar {
            label: label.to_string(),
            parts: vec![
                (line.met as f64, "met"),
                (line.missed as f64, "missed"),
                (line.running_breached as f64, "running"),
            ],
            value: format!("{} / {} / {}", line.met, line.missed, line.running_breached),
        }
    }
}

fn count_bars(counts: &[Count], limit: usize) -> Vec<Bar> {
    counts
        .iter()
        .take(limit)
        .map(|count| Bar::count(&count.label, count.count))
        .collect()
}

/// A vocabulary's bars, with labels short enough for a chart.
fn vocabulary_bars(counts: &[Count]) -> Vec<Bar> {
    counts
        .iter()
        .map(|count| Bar::count(&chart_label(count), count.count))
        .collect()
}

/// The §4 criteria are whole sentences and the types say "escalation"; a
/// chart names them briefly.
fn chart_label(count: &Count) -> String {
    let short = match count.code.as_str() {
        "beyond_l1_capability" => "Beyond L1 capability",
        "root_cause_bug_or_failure" => "Bug or hardware failure",
        "repeated_occurrence" => "Repeated occurrence",
        "business_critical" => "Business-critical",
        "security_or_data" => "Security or data",
        _ => return count.label.replace(" escalation", ""),
    };
    short.to_string()
}

/// How wide a chart is drawn: across the page, or in one of two columns
/// (drawn smaller, so its text prints at the same size).
#[derive(Clone, Copy, PartialEq)]
enum Width {
    Full,
    Half,
}

/// A captioned horizontal bar chart as inline SVG, scaled to its largest bar.
fn figure(page: &mut String, caption: &str, bars: &[Bar], width: Width) {
    let (view, label_width, track, label_chars) = match width {
        Width::Full => (640.0, 250.0, 300.0, 40),
        Width::Half => (330.0, 130.0, 130.0, 21),
    };
    const ROW: f64 = 22.0;
    put!(
        page,
        "<figure>\n<figcaption>{}</figcaption>\n",
        escape(caption)
    );
    if bars.is_empty() {
        empty(page, "No data.");
        page.push_str("</figure>\n");
        return;
    }
    let largest = bars
        .iter()
        .map(|bar| bar.parts.iter().map(|(value, _)| value).sum::<f64>())
        .fold(0.0_f64, f64::max);
    let height = ROW * bars.len() as f64 + 4.0;
    put!(
        page,
        "<svg viewBox=\"0 0 {view} {height}\" role=\"img\" aria-label=\"{}\">\n<title>{}</title>\n",
        escape(caption),
        escape(caption)
    );
    for (index, bar) in bars.iter().enumerate() {
        let y = ROW * index as f64 + 2.0;
        put!(
            page,
            "<text x=\"{x}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
             <rect class=\"track\" x=\"{label_width}\" y=\"{by}\" width=\"{track}\" height=\"15\"/>",
            x = label_width - 6.0,
            ty = y + 12.0,
            by = y + 1.0,
            label = escape(&shorten(&bar.label, label_chars)),
        );
        let mut x = label_width;
        for (value, class) in &bar.parts {
            let width = if largest > 0.0 {
                track * value / largest
            } else {
                0.0
            };
            if width > 0.0 {
                put!(
                    page,
                    "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{by}\" width=\"{width:.1}\" height=\"15\"/>",
                    by = y + 1.0,
                );
            }
            x += width;
        }
        put!(
            page,
            "<text x=\"{vx}\" y=\"{ty}\">{value}</text>\n",
            vx = label_width + track + 6.0,
            ty = y + 12.0,
            value = escape(&bar.value),
        );
    }
    page.push_str("</svg>\n</figure>\n");
}

/// At most `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut short: String = text.chars().take(max - 1).collect();
    short.push('…');
    short
}

/// Text safe in HTML content and in quoted attributes.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// A table cell's date and time (UTC), kept on one line.
fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d\u{a0}%H:%M").to_string()
}

fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn percent_text(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_string(), |value| format!("{value:.1} %"))
}

/// Whole minutes as such, otherwise one decimal; "–" for none.
fn minutes_text(value: Option<f64>) -> String {
    match value {
        None => "–".to_string(),
        Some(value) if value.fract() == 0.0 => format!("{value:.0}"),
        Some(value) => format!("{value:.1}"),
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }
}
