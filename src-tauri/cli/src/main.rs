//! `escalator-cli`: the desk on the command line.
//!
//! The same core and the same database file as the desktop app, for scripts,
//! tests and admins. Each subcommand parses its flags into one core call and
//! prints the result, as text or (with `--json`) as JSON. The exit code says
//! what kind of failure happened; see [`exit_code`].

mod output;

use clap::{Args, Parser, Subcommand};
use escalator_core::commands::{EscalationRequest, ExceptionClaim, NewTicket};
use escalator_core::domain::{
    AttachmentKind, Category, CommunicationChannel, Criterion, EscalationReason, EscalationType,
    ExceptionKind, Priority, Queue, Role, Status, Team,
};
use escalator_core::events::DocumentationChange;
use escalator_core::review_pack::ReviewPack;
use escalator_core::store::TicketQuery;
use escalator_core::{Command, Desk, Error, ErrorKind};
use output::Printer;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "escalator-cli",
    version,
    about = "Escalator on the command line: run the escalation SOP on the app's database.",
    after_help = "Values: priorities P1-P4; teams and categories software|hardware|validation; roles l1|l2|l3.\n\
Exit codes: 0 ok, 1 refused (SOP rule or invalid input), 2 usage, 3 forbidden, 4 not found,\n\
5 conflict, 6 storage, 7 not sent (mail server or keyring), 8 audit chain broken, 70 internal."
)]
struct Cli {
    /// The database file. Defaults to escalator.db in the app's data directory.
    #[arg(long, global = true, env = "ESCALATOR_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    /// The acting user's handle.
    #[arg(
        long = "as",
        global = true,
        env = "ESCALATOR_USER",
        value_name = "USER"
    )]
    actor: Option<String>,
    /// Print results (and errors) as JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Manage the people at the desk and their roles.
    #[command(subcommand)]
    User(UserCmd),
    /// Open a ticket (L1 intake). The acting L1 engineer becomes its owner.
    Open(OpenArgs),
    /// Show a ticket: documentation, escalation, resolution, notes.
    Show { ticket: String },
    /// List tickets, most recently updated first.
    List(ListArgs),
    /// Update the SOP §6 Step 2 documentation (owner).
    Document(DocumentArgs),
    /// Record a troubleshooting step performed (SOP §6 Step 1, owner).
    Troubleshoot {
        ticket: String,
        #[arg(long)]
        action: String,
        #[arg(long, default_value = "")]
        outcome: String,
    },
    /// Attach a log, screenshot or diagnostic report (copied into the data directory).
    Attach {
        ticket: String,
        file: PathBuf,
        /// log | screenshot | diagnostic_report | other
        #[arg(long, default_value = "log")]
        kind: AttachmentKind,
    },
    /// Change the priority (owner before escalation, or an L3 lead).
    Priority {
        ticket: String,
        priority: Priority,
        #[arg(long)]
        reason: String,
    },
    /// Check for open escalations this ticket would duplicate (SOP §11).
    Similar { ticket: String },
    /// Escalate (SOP §6 Steps 1-4), or raise an escalated ticket to management (§5.3).
    Escalate(EscalateArgs),
    /// Approve an emergency bypass of the standard timelines (SOP §12, L3).
    ApproveException {
        ticket: String,
        #[arg(long)]
        reason: String,
        /// Only emergencies are approved; a major outage is claimed when escalating.
        #[arg(long, default_value = "emergency")]
        kind: ExceptionKind,
    },
    /// Take a management escalation (SOP §5.3, L3).
    TakeManagement { ticket: String },
    /// Acknowledge an escalation for the L2 team (SOP §6 Step 5).
    Acknowledge { ticket: String },
    /// Ask L1 for more information (L2).
    RequestInfo {
        ticket: String,
        #[arg(long)]
        question: String,
    },
    /// Answer L2's request for information (owner).
    ProvideInfo {
        ticket: String,
        #[arg(long)]
        answer: String,
    },
    /// Propose a resolution (L2/L3; the owner on a ticket never escalated).
    Propose {
        ticket: String,
        #[arg(long)]
        summary: String,
    },
    /// Validate the fix (SOP §10 step 1, owner). With --fails, send it back.
    Validate {
        ticket: String,
        /// The fix does not work: reject it (needs --note).
        #[arg(long)]
        fails: bool,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record the customer's confirmation (SOP §10 step 2, owner).
    Confirm {
        ticket: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Write the resolution notes (SOP §10 step 3, owner).
    ResolutionNotes {
        ticket: String,
        #[arg(long)]
        notes: String,
    },
    /// Close the ticket (SOP §10 step 4, owner).
    Close {
        ticket: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Move the ticket to monitoring (SOP §10 step 4, owner).
    Monitor {
        ticket: String,
        /// Watch until this instant (RFC 3339, e.g. 2026-12-01T09:00:00Z).
        #[arg(long)]
        until: Option<chrono::DateTime<chrono::Utc>>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Reopen a closed or monitored ticket (owner or L3).
    Reopen {
        ticket: String,
        #[arg(long)]
        reason: String,
    },
    /// Add an internal note (never shown to the customer).
    Note {
        ticket: String,
        #[arg(long)]
        body: String,
    },
    /// Record an update sent to the customer (SOP §7; owner only, §9).
    CustomerUpdate {
        ticket: String,
        /// email | mail_client | phone | portal | chat | clipboard
        #[arg(long)]
        channel: CommunicationChannel,
        #[arg(long)]
        body: String,
        #[arg(long, default_value = "")]
        subject: String,
        /// SOP §7: why the message goes out although the leak check flags it.
        #[arg(long)]
        leak_override: Option<String>,
    },
    /// E-mail an update to the customer through the mail server of mail.toml,
    /// then record it (owner only; leak-checked; nothing is recorded unless
    /// the server accepts it).
    CustomerEmail {
        ticket: String,
        /// The customer's address; repeat for several.
        #[arg(long, required = true)]
        to: Vec<String>,
        #[arg(long)]
        subject: String,
        #[arg(long)]
        body: String,
        /// SOP §7: why the message goes out although the leak check flags it.
        #[arg(long)]
        leak_override: Option<String>,
    },
    /// Store the SMTP password of mail.toml's or official.toml's user in the
    /// OS keyring, read from stdin (one line).
    SmtpPassword {
        /// The SMTP user name the password belongs to.
        #[arg(long)]
        username: String,
    },
    /// The team waits on the customer: pauses the SLA clocks that wait on them (owner only).
    WaitCustomer {
        ticket: String,
        /// What the customer was asked for.
        #[arg(long)]
        reason: String,
    },
    /// The customer answered: the paused SLA clocks run again (owner only).
    CustomerResponded {
        ticket: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// SLA clocks: explain a ticket's deadlines, record what fell due, show the config.
    #[command(subcommand)]
    Sla(SlaCmd),
    /// Print a ticket's event history (the audit trail).
    History { ticket: String },
    /// Verify every ticket's hash chain; exits 8 if one is broken.
    Verify,
    /// Rebuild every projection from the event log.
    Rebuild,
    /// Load the demo desk: 8 people and a few dozen tickets in every state.
    Demo,
    /// Reports: the SOP §13 monthly escalation review.
    #[command(subcommand)]
    Report(ReportCmd),
    /// Offline review packs (SOP §13): export a period as one file, verify and
    /// read it anywhere without the desk, and write review notes on it.
    #[command(subcommand)]
    ReviewPack(PackCmd),
    /// Record a lead's review notes (from `review-pack export-notes`) as
    /// internal notes on this desk's tickets; each note is imported once.
    ImportReviewNotes { file: PathBuf },
}

#[derive(Subcommand)]
enum PackCmd {
    /// Write every ticket with an event in [--from, --to) (UTC days), whole,
    /// with its attachments, to one read-only file (L3 lead).
    Export {
        /// The first day, YYYY-MM-DD.
        #[arg(long)]
        from: chrono::NaiveDate,
        /// The day after the last, YYYY-MM-DD.
        #[arg(long)]
        to: chrono::NaiveDate,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Verify a pack's hash chains, attachments and manifest; exits 8 if it
    /// was tampered with. Needs no desk.
    Verify { file: PathBuf },
    /// List the pack's tickets, or print one ticket's history. Needs no desk.
    Show {
        file: PathBuf,
        ticket: Option<String>,
    },
    /// Write a review note on a ticket of the pack (kept in FILE.notes.json
    /// beside it; the pack stays read-only). The reviewer is --as.
    Note {
        file: PathBuf,
        ticket: String,
        #[arg(long)]
        body: String,
    },
    /// Write the pack's review notes to one file for the source desk.
    ExportNotes {
        file: PathBuf,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ReportCmd {
    /// The escalations made in one UTC month, their causes, SLA attainment,
    /// response times, refusals, exceptions, duplicates, reopenings and
    /// knowledge-base candidates (definitions: docs/report.md).
    Monthly {
        /// The month, YYYY-MM (UTC month boundaries).
        #[arg(long)]
        month: escalator_core::report::ReportMonth,
        /// html (one printable page) | csv (RFC 4180) | json
        #[arg(long)]
        format: escalator_core::report::ReportFormat,
        /// Write the report to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum SlaCmd {
    /// How each SLA deadline of the ticket was reached: the business hours
    /// counted, the closed hours and holidays skipped, the pauses, the policy.
    Explain {
        ticket: String,
        /// Only this target: escalate | acknowledge | customer_update | resolve
        #[arg(long)]
        target: Option<escalator_core::sla::Target>,
    },
    /// Record every SLA warning and breach that has fallen due (what the
    /// app's scheduler does), and print them.
    Sweep,
    /// Print the SLA config in effect and the file it comes from.
    Config,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a user.
    Add {
        handle: String,
        #[arg(long, default_value = "")]
        name: String,
        /// l1 | l2 | l3
        #[arg(long)]
        role: Role,
        /// software | hardware | validation (required for l2)
        #[arg(long)]
        team: Option<Team>,
    },
    /// List users.
    List,
    /// Deactivate a user: they can no longer act.
    Deactivate { handle: String },
    /// Reactivate a user.
    Activate { handle: String },
}

#[derive(Args)]
struct OpenArgs {
    #[arg(long)]
    customer: String,
    #[arg(long)]
    summary: String,
    #[arg(long)]
    priority: Option<Priority>,
    #[arg(long, default_value = "")]
    product: String,
    /// The business impact, as the escalation team will be told (§6 Step 4).
    #[arg(long, default_value = "")]
    impact: String,
    /// Environment and version details.
    #[arg(long, default_value = "")]
    environment: String,
    /// Steps to reproduce.
    #[arg(long, default_value = "")]
    steps: String,
    /// The customer's contact (e-mail).
    #[arg(long)]
    contact: Option<String>,
}

#[derive(Args)]
struct DocumentArgs {
    ticket: String,
    #[arg(long)]
    summary: Option<String>,
    #[arg(long)]
    product: Option<String>,
    #[arg(long)]
    impact: Option<String>,
    #[arg(long)]
    environment: Option<String>,
    #[arg(long)]
    steps: Option<String>,
    #[arg(long)]
    contact: Option<String>,
}

#[derive(Args)]
struct ListArgs {
    /// A queue as the acting user sees it: mine, team, waiting_on_me, sla_imminent, breached,
    /// monitoring, closed.
    #[arg(long)]
    queue: Option<Queue>,
    /// Filter by status (repeatable): open, escalated, investigating, awaiting_info,
    /// resolution_proposed, fix_validated, customer_confirmed, monitoring, closed.
    #[arg(long)]
    status: Vec<Status>,
    #[arg(long)]
    priority: Vec<Priority>,
    /// Only tickets the acting user owns.
    #[arg(long)]
    mine: bool,
    #[arg(long)]
    team: Option<Team>,
    /// Words to find in summaries, a key or a customer.
    #[arg(long)]
    search: Option<String>,
    #[arg(long, default_value_t = 200)]
    limit: u32,
}

#[derive(Args)]
struct EscalateArgs {
    ticket: String,
    /// software | hardware | management
    #[arg(long = "type")]
    escalation_type: Option<EscalationType>,
    /// SOP §4 criterion (repeatable): beyond_l1_capability, root_cause_bug_or_failure,
    /// repeated_occurrence, business_critical, security_or_data.
    #[arg(long = "criterion")]
    criteria: Vec<Criterion>,
    /// SOP §5 reason (repeatable), e.g. crash_or_backend_failure, no_power, p1_p2_issue.
    #[arg(long = "reason")]
    reasons: Vec<EscalationReason>,
    #[arg(long)]
    category: Option<Category>,
    #[arg(long)]
    team: Option<Team>,
    /// Defaults to the ticket's priority.
    #[arg(long)]
    priority: Option<Priority>,
    /// Defaults to standard-pN for priority PN.
    #[arg(long)]
    sla_policy: Option<String>,
    /// §6 Step 1: all L1 troubleshooting steps are complete.
    #[arg(long)]
    troubleshooting_complete: bool,
    /// §6 Step 1: the issue cannot be resolved at L1.
    #[arg(long)]
    cannot_resolve: bool,
    /// §8 P3: the L1 confirmation.
    #[arg(long)]
    l1_confirmation: Option<String>,
    /// §8 P4: why escalation is required.
    #[arg(long)]
    justification: Option<String>,
    /// §11: link to this open escalation (ESC-n) instead of duplicating it.
    #[arg(long)]
    link_to: Option<String>,
    /// §11: escalate although a similar one is open, and why.
    #[arg(long = "override")]
    duplicate_override: Option<String>,
    /// §12: a major outage, described: escalate with the information available.
    #[arg(long, conflicts_with = "emergency")]
    major_outage: Option<String>,
    /// §12: use the emergency approval an L3 manager recorded.
    #[arg(long)]
    emergency: bool,
    /// A note for management (§5.3).
    #[arg(long, default_value = "")]
    note: String,
    /// Read the whole request as JSON from a file ('-' for stdin) instead of flags.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["escalation_type", "criteria", "reasons", "category", "team"])]
    request: Option<PathBuf>,
}

fn main() -> ExitCode {
    let json_requested = std::env::args().any(|arg| arg == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            use clap::error::ErrorKind as Clap;
            if matches!(error.kind(), Clap::DisplayHelp | Clap::DisplayVersion) || !json_requested {
                let _ = error.print();
                return ExitCode::from(error.exit_code() as u8);
            }
            Printer::new(true).usage_error(&error.to_string());
            return ExitCode::from(2);
        }
    };
    let printer = Printer::new(cli.json);
    match run(cli, &printer) {
        Ok(code) => code,
        Err(error) => {
            printer.error(&error);
            ExitCode::from(exit_code(error.kind()))
        }
    }
}

/// The process exit code for each kind of error.
fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Validation => 1,
        ErrorKind::Forbidden => 3,
        ErrorKind::NotFound => 4,
        ErrorKind::Conflict => 5,
        ErrorKind::Storage => 6,
        ErrorKind::Delivery => 7,
        ErrorKind::Internal => 70,
    }
}

fn run(cli: Cli, printer: &Printer) -> Result<ExitCode, Error> {
    // Reading a pack needs no desk: the lead's laptop may have none.
    let cli = match run_pack(cli, printer)? {
        Ok(code) => return Ok(code),
        Err(cli) => cli,
    };
    let db = match cli.db {
        Some(path) => path,
        None => escalator_core::default_data_dir()
            .ok_or_else(|| {
                Error::invalid(
                    "db",
                    "no data directory on this system: pass --db or set ESCALATOR_DB",
                )
            })?
            .join("escalator.db"),
    };
    let mut desk = Desk::open(&db)?;
    let actor = cli.actor.unwrap_or_default();
    let actor = actor.as_str();
    let execute = |desk: &mut Desk, ticket: &str, command: Command| -> Result<ExitCode, Error> {
        let outcome = desk.execute(actor, ticket, command)?;
        printer.outcome(desk, &outcome)?;
        Ok(ExitCode::SUCCESS)
    };
    match cli.command {
        Cmd::User(command) => {
            match command {
                UserCmd::Add {
                    handle,
                    name,
                    role,
                    team,
                } => printer.user(&desk.add_user(&handle, &name, role, team)?),
                UserCmd::List => printer.users(&desk.users()?),
                UserCmd::Deactivate { handle } => {
                    printer.user(&desk.set_user_active(&handle, false)?)
                }
                UserCmd::Activate { handle } => printer.user(&desk.set_user_active(&handle, true)?),
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Open(args) => {
            let new = NewTicket {
                customer: args.customer,
                customer_contact: args.contact,
                summary: args.summary,
                priority: args.priority,
                product: args.product,
                impact: args.impact,
                environment: args.environment,
                steps_to_reproduce: args.steps,
            };
            let outcome = desk.open_ticket(actor, new)?;
            printer.outcome(&desk, &outcome)?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Show { ticket } => {
            printer.ticket(&desk, &desk.ticket(&ticket)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::List(args) => {
            let owner = if args.mine {
                Some(desk.user(actor)?.id)
            } else {
                None
            };
            let query = TicketQuery {
                queue: args.queue,
                statuses: args.status,
                priorities: args.priority,
                owner,
                team: args.team,
                text: args.search,
                limit: Some(args.limit),
                ..TicketQuery::default()
            };
            let viewer = (!actor.is_empty()).then_some(actor);
            printer.tickets(&desk.tickets(&query, viewer)?.items);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Document(args) => {
            let change = DocumentationChange {
                summary: args.summary,
                product: args.product,
                impact: args.impact,
                steps_to_reproduce: args.steps,
                environment: args.environment,
                customer_contact: args.contact,
            };
            execute(
                &mut desk,
                &args.ticket,
                Command::UpdateDocumentation(change),
            )
        }
        Cmd::Troubleshoot {
            ticket,
            action,
            outcome,
        } => execute(
            &mut desk,
            &ticket,
            Command::RecordTroubleshooting { action, outcome },
        ),
        Cmd::Attach { ticket, file, kind } => {
            let outcome = desk.attach_file(actor, &ticket, &file, kind)?;
            printer.outcome(&desk, &outcome)?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Priority {
            ticket,
            priority,
            reason,
        } => execute(
            &mut desk,
            &ticket,
            Command::ChangePriority { priority, reason },
        ),
        Cmd::Similar { ticket } => {
            printer.similar(&desk.similar_to(&ticket)?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Escalate(args) => {
            let ticket = args.ticket.clone();
            let request = escalation_request(&desk, args)?;
            execute(&mut desk, &ticket, Command::Escalate(request))
        }
        Cmd::ApproveException {
            ticket,
            reason,
            kind,
        } => execute(
            &mut desk,
            &ticket,
            Command::ApproveException { kind, reason },
        ),
        Cmd::TakeManagement { ticket } => {
            execute(&mut desk, &ticket, Command::TakeManagementEscalation {})
        }
        Cmd::Acknowledge { ticket } => execute(&mut desk, &ticket, Command::Acknowledge {}),
        Cmd::RequestInfo { ticket, question } => {
            execute(&mut desk, &ticket, Command::RequestInfo { question })
        }
        Cmd::ProvideInfo { ticket, answer } => {
            execute(&mut desk, &ticket, Command::ProvideInfo { answer })
        }
        Cmd::Propose { ticket, summary } => {
            execute(&mut desk, &ticket, Command::ProposeResolution { summary })
        }
        Cmd::Validate {
            ticket,
            fails,
            note,
        } => execute(
            &mut desk,
            &ticket,
            Command::ValidateFix {
                works: !fails,
                note,
            },
        ),
        Cmd::Confirm { ticket, note } => {
            execute(&mut desk, &ticket, Command::ConfirmWithCustomer { note })
        }
        Cmd::ResolutionNotes { ticket, notes } => {
            execute(&mut desk, &ticket, Command::WriteResolutionNotes { notes })
        }
        Cmd::Close { ticket, note } => execute(&mut desk, &ticket, Command::Close { note }),
        Cmd::Monitor {
            ticket,
            until,
            note,
        } => execute(
            &mut desk,
            &ticket,
            Command::MoveToMonitoring { until, note },
        ),
        Cmd::Reopen { ticket, reason } => execute(&mut desk, &ticket, Command::Reopen { reason }),
        Cmd::Note { ticket, body } => execute(&mut desk, &ticket, Command::AddNote { body }),
        Cmd::CustomerUpdate {
            ticket,
            channel,
            body,
            subject,
            leak_override,
        } => execute(
            &mut desk,
            &ticket,
            Command::RecordCustomerUpdate {
                channel,
                body,
                subject,
                leak_override,
                email: None,
            },
        ),
        Cmd::CustomerEmail {
            ticket,
            to,
            subject,
            body,
            leak_override,
        } => {
            let email = escalator_core::CustomerEmail {
                to,
                subject,
                body,
                leak_override,
            };
            let outcome = desk.send_customer_email(actor, &ticket, email)?;
            printer.outcome(&desk, &outcome)?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::SmtpPassword { username } => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            escalator_core::mail::store_password(
                &username,
                password.trim_end_matches(['\r', '\n']),
            )?;
            printer.password_stored(&username);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::WaitCustomer { ticket, reason } => {
            execute(&mut desk, &ticket, Command::WaitOnCustomer { reason })
        }
        Cmd::CustomerResponded { ticket, note } => {
            execute(&mut desk, &ticket, Command::CustomerResponded { note })
        }
        Cmd::Sla(SlaCmd::Explain { ticket, target }) => {
            let clocks: Vec<_> = desk
                .clocks(&ticket)?
                .into_iter()
                .filter(|clock| target.is_none_or(|target| clock.target == target))
                .collect();
            printer.clocks(&desk.ticket(&ticket)?.ticket.key, &clocks);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Sla(SlaCmd::Sweep) => {
            let sweep = desk.sweep_sla()?;
            printer.sweep(&desk, &sweep)?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Sla(SlaCmd::Config) => {
            printer.sla_config(&desk.sla_config_path(), desk.sla_config());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::History { ticket } => {
            printer.history(&desk, &desk.history(&ticket)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Verify => {
            let report = desk.verify()?;
            printer.verify(&report);
            Ok(if report.is_intact() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(8)
            })
        }
        Cmd::Demo => {
            printer.demo(&desk.load_demo()?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Rebuild => {
            printer.rebuild(&desk.rebuild_projections()?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Report(ReportCmd::Monthly { month, format, out }) => {
            let report = desk.monthly_report(month)?;
            printer.report(&report.render(format)?, out.as_deref())?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::ReviewPack(PackCmd::Export { from, to, out }) => {
            printer.pack_exported(&desk.export_review_pack(actor, from, to, &out)?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::ReviewPack(_) => Err(Error::Internal(
            "review-pack subcommands that read a pack run without a desk".into(),
        )),
        Cmd::ImportReviewNotes { file } => {
            printer.notes_imported(&desk.import_review_notes(actor, &file)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The `review-pack` subcommands that read or annotate a pack, which open
/// no desk; every other command is handed back.
fn run_pack(cli: Cli, printer: &Printer) -> Result<Result<ExitCode, Cli>, Error> {
    let Cmd::ReviewPack(command) = cli.command else {
        return Ok(Err(cli));
    };
    let code = match command {
        PackCmd::Export { from, to, out } => {
            return Ok(Err(Cli {
                command: Cmd::ReviewPack(PackCmd::Export { from, to, out }),
                ..cli
            }))
        }
        PackCmd::Verify { file } => {
            let pack = ReviewPack::open(&file)?;
            printer.pack_verification(&pack);
            if pack.is_verified() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(8)
            }
        }
        PackCmd::Show { file, ticket } => {
            let pack = ReviewPack::open(&file)?;
            printer.pack_warning(&pack);
            match ticket {
                Some(ticket) => printer.pack_history(&pack, &ticket)?,
                None => printer.tickets(&pack.tickets()?),
            }
            ExitCode::SUCCESS
        }
        PackCmd::Note { file, ticket, body } => {
            let pack = ReviewPack::open(&file)?;
            printer.pack_warning(&pack);
            let reviewer = cli.actor.unwrap_or_default();
            let note = pack.add_note(&reviewer, &ticket, &body, chrono::Utc::now())?;
            printer.review_note(&note, &pack.notes_path());
            ExitCode::SUCCESS
        }
        PackCmd::ExportNotes { file, out } => {
            let pack = ReviewPack::open(&file)?;
            printer.review_notes_exported(&pack.export_notes(&out)?, &out);
            ExitCode::SUCCESS
        }
    };
    Ok(Ok(code))
}

/// The escalation request, from `--request` JSON or from the flags.
fn escalation_request(desk: &Desk, args: EscalateArgs) -> Result<EscalationRequest, Error> {
    if let Some(source) = args.request {
        let text = if source.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            text
        } else {
            std::fs::read_to_string(&source).map_err(|e| {
                Error::invalid("request", format!("cannot read {}: {e}", source.display()))
            })?
        };
        return serde_json::from_str(&text)
            .map_err(|e| Error::invalid("request", format!("malformed JSON: {e}")));
    }
    let link_to = match args.link_to {
        Some(reference) => Some(desk.ticket(&reference)?.ticket.id),
        None => None,
    };
    let exception = match (args.major_outage, args.emergency) {
        (Some(description), _) => Some(ExceptionClaim::MajorOutage { description }),
        (None, true) => Some(ExceptionClaim::Emergency),
        (None, false) => None,
    };
    Ok(EscalationRequest {
        escalation_type: args.escalation_type,
        criteria: args.criteria,
        reasons: args.reasons,
        category: args.category,
        team: args.team,
        priority: args.priority,
        sla_policy: args.sla_policy,
        troubleshooting_complete: args.troubleshooting_complete,
        cannot_resolve_at_l1: args.cannot_resolve,
        l1_confirmation: args.l1_confirmation,
        justification: args.justification,
        link_to,
        duplicate_override: args.duplicate_override,
        exception,
        note: args.note,
    })
}
