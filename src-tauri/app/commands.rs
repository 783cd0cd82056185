//! The commands the UI calls. Each one is thin: take the signed-in actor,
//! call the core once, map the error. `#[tauri::command(async)]` keeps the
//! SQLite work off the main thread.

use crate::error::AppError;
use crate::monitor::{self, AlertSettings, Alerts};
use crate::{AppInfo, OpenDesk, Session};
use escalator_core::commands::NewTicket;
use escalator_core::comms::{Finding, Template, TemplateKind};
use escalator_core::demo::DemoReport;
use escalator_core::desk::{CustomerEmail, CustomerMailSettings, Draft};
use escalator_core::desk::{Outcome, TicketDetail};
use escalator_core::domain::CommunicationChannel;
use escalator_core::domain::{AttachmentKind, Glossary, Role, Team, User};
use escalator_core::mail::CustomerMail;
use escalator_core::report::{MonthlyReport, ReportMonth};
use escalator_core::review_pack::{NotesImport, PackInfo};
use escalator_core::rules::{SimilarEscalation, Violation};
use escalator_core::sla::SlaSettings;
use escalator_core::store::{QueueCount, TicketPage, TicketQuery, VerifyReport};
use escalator_core::Command;
use serde::Serialize;
use std::path::PathBuf;
use tauri::State;
use ts_rs::TS;

type Answer<T> = Result<T, AppError>;

#[tauri::command]
pub fn app_info(info: State<'_, AppInfo>) -> AppInfo {
    info.inner().clone()
}

/// Every SOP vocabulary with its labels, loaded once by the UI.
#[tauri::command]
pub fn get_glossary() -> Glossary {
    Glossary::new()
}

#[tauri::command(async)]
pub fn list_users(desk: State<'_, OpenDesk>) -> Answer<Vec<User>> {
    Ok(desk.lock()?.users()?)
}

/// First run, or a new colleague at a shared desk.
#[tauri::command(async)]
pub fn create_user(
    desk: State<'_, OpenDesk>,
    handle: String,
    display_name: String,
    role: Role,
    team: Option<Team>,
) -> Answer<User> {
    Ok(desk.lock()?.add_user(&handle, &display_name, role, team)?)
}

/// Makes `handle` the actor of this window's commands.
#[tauri::command(async)]
pub fn sign_in(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    handle: String,
) -> Answer<User> {
    let user = desk.lock()?.sign_in(&handle)?;
    session.set(&user.handle);
    Ok(user)
}

#[tauri::command(async)]
pub fn queue_counts(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
) -> Answer<Vec<QueueCount>> {
    Ok(desk.lock()?.queue_counts(&session.actor()?)?)
}

#[tauri::command(async)]
pub fn list_tickets(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    query: TicketQuery,
) -> Answer<TicketPage> {
    Ok(desk.lock()?.tickets(&query, Some(&session.actor()?))?)
}

#[tauri::command(async)]
pub fn get_ticket(desk: State<'_, OpenDesk>, ticket: String) -> Answer<TicketDetail> {
    Ok(desk.lock()?.ticket_detail(&ticket)?)
}

#[tauri::command(async)]
pub fn open_ticket(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    alerts: State<'_, Alerts>,
    ticket: NewTicket,
) -> Answer<Outcome> {
    let outcome = desk.lock()?.open_ticket(&session.actor()?, ticket)?;
    alerts.tickets_changed();
    Ok(outcome)
}

/// Runs any ticket command; `version` is the ticket version the user saw.
#[tauri::command(async)]
pub fn execute_command(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    alerts: State<'_, Alerts>,
    ticket: String,
    command: Command,
    version: Option<u64>,
) -> Answer<Outcome> {
    let actor = session.actor()?;
    let mut desk = desk.lock()?;
    let outcome = match version {
        Some(version) => desk.execute_at(&actor, &ticket, command, version)?,
        None => desk.execute(&actor, &ticket, command)?,
    };
    alerts.tickets_changed();
    Ok(outcome)
}

/// What the rules would say, without doing it: the wizard's live checklist.
#[tauri::command(async)]
pub fn check_command(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    ticket: String,
    command: Command,
) -> Answer<Vec<Violation>> {
    Ok(desk.lock()?.check(&session.actor()?, &ticket, &command)?)
}

/// SOP §11 before submitting: open escalations this ticket would duplicate.
#[tauri::command(async)]
pub fn similar_escalations(
    desk: State<'_, OpenDesk>,
    ticket: String,
) -> Answer<Vec<SimilarEscalation>> {
    Ok(desk.lock()?.similar_to(&ticket)?)
}

/// Files chosen in the dialog or dropped on the window.
#[tauri::command(async)]
pub fn attach_files(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    ticket: String,
    paths: Vec<PathBuf>,
    kind: AttachmentKind,
) -> Answer<Outcome> {
    let paths: Vec<&std::path::Path> = paths.iter().map(PathBuf::as_path).collect();
    Ok(desk
        .lock()?
        .attach_files(&session.actor()?, &ticket, &paths, kind)?)
}

/// Opens a stored attachment with the OS's default application. The UI names
/// the file by its SHA-256 only; the path never comes from the page.
#[tauri::command(async)]
pub fn open_attachment<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    desk: State<'_, OpenDesk>,
    sha256: String,
) -> Answer<()> {
    use tauri_plugin_opener::OpenerExt;
    let path = desk.lock()?.attachment_path(&sha256)?;
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|error| AppError::from(escalator_core::Error::Internal(error.to_string())))
}

/// Fills the desk with realistic demo tickets (new users and tickets only).
#[tauri::command(async)]
pub fn load_demo_data(desk: State<'_, OpenDesk>, alerts: State<'_, Alerts>) -> Answer<DemoReport> {
    let report = desk.lock()?.load_demo()?;
    alerts.tickets_changed();
    Ok(report)
}

/// SOP §7, while the owner types: what the leak check finds, with the
/// character ranges to highlight.
#[tauri::command(async)]
pub fn check_customer_message(
    desk: State<'_, OpenDesk>,
    ticket: String,
    text: String,
) -> Answer<Vec<Finding>> {
    Ok(desk.lock()?.check_customer_message(&ticket, &text)?)
}

/// A customer message from a template, with the SLA's next update time in
/// the customer's time zone.
#[tauri::command(async)]
pub fn draft_customer_message(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    ticket: String,
    kind: TemplateKind,
    time_zone: Option<String>,
) -> Answer<Draft> {
    Ok(desk.lock()?.draft_customer_message(
        &session.actor()?,
        &ticket,
        kind,
        time_zone.as_deref(),
    )?)
}

/// Records the message in the ticket's communication log (owner only, SOP
/// §9; refused while the leak check finds internal details and no override
/// reason is given, §7), then hands it to its channel: the clipboard, or
/// the mail client through a `mailto:` link to `to`. Other channels are
/// records of a message sent elsewhere.
#[tauri::command(async)]
#[allow(clippy::too_many_arguments)]
pub fn send_customer_message<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    alerts: State<'_, Alerts>,
    ticket: String,
    channel: CommunicationChannel,
    to: String,
    subject: String,
    body: String,
    leak_override: Option<String>,
) -> Answer<Outcome> {
    let mut desk = desk.lock()?;
    let command = Command::RecordCustomerUpdate {
        channel,
        body: body.clone(),
        subject: subject.clone(),
        leak_override,
        email: None,
    };
    let outcome = desk.execute(&session.actor()?, &ticket, command)?;
    drop(desk);
    alerts.tickets_changed();
    let delivered = match channel {
        CommunicationChannel::Clipboard => {
            use tauri_plugin_clipboard_manager::ClipboardExt;
            app.clipboard()
                .write_text(body)
                .map_err(|error| error.to_string())
        }
        CommunicationChannel::MailClient => {
            use tauri_plugin_opener::OpenerExt;
            app.opener()
                .open_url(
                    escalator_core::comms::mailto(&to, &subject, &body),
                    None::<&str>,
                )
                .map_err(|error| error.to_string())
        }
        _ => Ok(()),
    };
    delivered.map_err(|error| {
        AppError::from(escalator_core::Error::Internal(format!(
            "the message is recorded on the ticket, but {} failed: {error}",
            channel.label().to_lowercase()
        )))
    })?;
    Ok(outcome)
}

/// The SOP §13 monthly review (`month` as "YYYY-MM"), for the review screen.
#[tauri::command(async)]
pub fn get_monthly_report(desk: State<'_, OpenDesk>, month: String) -> Answer<MonthlyReport> {
    Ok(desk.lock()?.monthly_report(month.parse()?)?)
}

/// Writes the review as `format` ("html", "csv" or "json") to `path`, chosen
/// in the save dialog. The HTML is one self-contained page that prints well.
#[tauri::command(async)]
pub fn save_monthly_report(
    desk: State<'_, OpenDesk>,
    month: String,
    format: String,
    path: PathBuf,
) -> Answer<()> {
    let report = desk.lock()?.monthly_report(month.parse()?)?;
    let text = report.render(format.parse()?)?;
    std::fs::write(&path, text).map_err(|error| {
        escalator_core::Error::invalid("path", format!("cannot write {}: {error}", path.display()))
    })?;
    Ok(())
}

/// Writes the review pack of `month` ("YYYY-MM") to `path`, chosen in the
/// save dialog: every ticket with an event in the month, whole, with its
/// attachments (L3 only, SOP §13).
#[tauri::command(async)]
pub fn export_review_pack(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    month: String,
    path: PathBuf,
) -> Answer<PackInfo> {
    let month: ReportMonth = month.parse()?;
    let report = desk.lock()?.export_review_pack(
        &session.actor()?,
        month.start().date_naive(),
        month.end().date_naive(),
        &path,
    )?;
    Ok(report.info)
}

/// Brings a lead's review notes (exported from a review pack of this desk)
/// back as internal notes on their tickets, each once.
#[tauri::command(async)]
pub fn import_review_notes(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    alerts: State<'_, Alerts>,
    path: PathBuf,
) -> Answer<NotesImport> {
    let import = desk.lock()?.import_review_notes(&session.actor()?, &path)?;
    alerts.tickets_changed();
    Ok(import)
}

#[tauri::command(async)]
pub fn get_templates(desk: State<'_, OpenDesk>) -> Answer<Vec<Template>> {
    Ok(desk.lock()?.templates()?)
}

/// Sends a customer update by e-mail through the desk's mail server, then
/// records it (owner only, leak-checked; nothing is recorded unless the
/// server accepts it).
#[tauri::command(async)]
pub fn send_customer_email(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    alerts: State<'_, Alerts>,
    ticket: String,
    email: CustomerEmail,
) -> Answer<Outcome> {
    let outcome = desk
        .lock()?
        .send_customer_email(&session.actor()?, &ticket, email)?;
    alerts.tickets_changed();
    Ok(outcome)
}

/// The customer e-mail settings (`mail.toml`) and whether the keyring holds
/// the SMTP password.
#[tauri::command(async)]
pub fn get_customer_mail(desk: State<'_, OpenDesk>) -> Answer<CustomerMailSettings> {
    Ok(desk.lock()?.customer_mail_settings())
}

/// Saves the customer e-mail settings (L3 only), and the password, if one
/// was typed, to the OS keyring.
#[tauri::command(async)]
pub fn save_customer_mail(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    config: CustomerMail,
    password: Option<String>,
) -> Answer<CustomerMailSettings> {
    let mut desk = desk.lock()?;
    desk.set_customer_mail(&session.actor()?, config, password.as_deref())?;
    Ok(desk.customer_mail_settings())
}

/// Saves edited message templates (L3 only); unknown placeholders are refused.
#[tauri::command(async)]
pub fn save_templates(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    templates: Vec<Template>,
) -> Answer<Vec<Template>> {
    let mut desk = desk.lock()?;
    desk.set_templates(&session.actor()?, templates)?;
    Ok(desk.templates()?)
}

/// The SLA settings screen: each priority's targets, the warning points,
/// the calendars, and the file they are saved in.
#[tauri::command(async)]
pub fn get_sla_settings(desk: State<'_, OpenDesk>) -> Answer<SlaSettingsView> {
    let desk = desk.lock()?;
    Ok(SlaSettingsView::of(&desk))
}

/// Saves edited targets and warnings (L3 only, SOP §3) and recomputes every
/// open ticket's deadlines.
#[tauri::command(async)]
pub fn save_sla_settings(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    alerts: State<'_, Alerts>,
    settings: SlaSettings,
) -> Answer<SlaSettingsView> {
    let mut desk = desk.lock()?;
    desk.update_sla_settings(&session.actor()?, &settings)?;
    alerts.config_changed();
    Ok(SlaSettingsView::of(&desk))
}

/// Adds the all-day events of an `.ics` file (chosen in the dialog) to a
/// calendar as holidays (L3 only).
#[tauri::command(async)]
pub fn import_holidays(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    alerts: State<'_, Alerts>,
    calendar: String,
    path: PathBuf,
) -> Answer<SlaSettingsView> {
    let ics = std::fs::read_to_string(&path).map_err(|error| {
        escalator_core::Error::invalid("ics", format!("cannot read {}: {error}", path.display()))
    })?;
    let mut desk = desk.lock()?;
    desk.import_holidays(&session.actor()?, &calendar, &ics)?;
    alerts.config_changed();
    Ok(SlaSettingsView::of(&desk))
}

/// Opens the SLA file in the OS's editor, writing the config in effect
/// first if there is no file yet. The app reads it again at its next start.
#[tauri::command(async)]
pub fn open_sla_file<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    desk: State<'_, OpenDesk>,
) -> Answer<()> {
    use tauri_plugin_opener::OpenerExt;
    let mut desk = desk.lock()?;
    let path = desk.sla_config_path();
    if !path.exists() {
        let config = desk.sla_config().clone();
        desk.set_sla_config(config)?;
    }
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|error| AppError::from(escalator_core::Error::Internal(error.to_string())))
}

#[tauri::command(async)]
pub fn get_alert_settings<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    alerts: State<'_, Alerts>,
) -> AlertSettings {
    alerts.settings(&app)
}

/// Holds notifications for `minutes` (0 ends the snooze).
#[tauri::command(async)]
pub fn snooze_alerts<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    minutes: u32,
) -> Answer<AlertSettings> {
    monitor::snooze(&app, minutes)
}

#[tauri::command(async)]
pub fn set_notifications_paused<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    paused: bool,
) -> Answer<AlertSettings> {
    monitor::set_paused(&app, paused)
}

#[tauri::command(async)]
pub fn set_autostart<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    enabled: bool,
) -> Answer<AlertSettings> {
    monitor::set_autostart(&app, enabled)
}

/// What the SLA settings screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SlaSettingsView {
    pub settings: SlaSettings,
    /// The file the settings are saved in.
    pub file: String,
}

impl SlaSettingsView {
    fn of(desk: &escalator_core::Desk) -> Self {
        SlaSettingsView {
            settings: desk.sla_settings(),
            file: desk.sla_config_path().display().to_string(),
        }
    }
}

#[tauri::command(async)]
pub fn verify_audit_chain(desk: State<'_, OpenDesk>) -> Answer<VerifyReport> {
    Ok(desk.lock()?.verify()?)
}
