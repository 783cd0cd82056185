//! The commands the UI calls. Each one is thin: take the signed-in actor,
//! call the core once, map the error. `#[tauri::command(async)]` keeps the
//! SQLite work off the main thread.

use crate::error::AppError;
use crate::{AppInfo, OpenDesk, Session};
use escalator_core::commands::NewTicket;
use escalator_core::demo::DemoReport;
use escalator_core::desk::{Outcome, TicketDetail};
use escalator_core::domain::{AttachmentKind, Glossary, Role, Team, User};
use escalator_core::rules::{SimilarEscalation, Violation};
use escalator_core::store::{QueueCount, TicketPage, TicketQuery, VerifyReport};
use escalator_core::Command;
use std::path::PathBuf;
use tauri::State;

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
    ticket: NewTicket,
) -> Answer<Outcome> {
    Ok(desk.lock()?.open_ticket(&session.actor()?, ticket)?)
}

/// Runs any ticket command; `version` is the ticket version the user saw.
#[tauri::command(async)]
pub fn execute_command(
    desk: State<'_, OpenDesk>,
    session: State<'_, Session>,
    ticket: String,
    command: Command,
    version: Option<u64>,
) -> Answer<Outcome> {
    let actor = session.actor()?;
    let mut desk = desk.lock()?;
    Ok(match version {
        Some(version) => desk.execute_at(&actor, &ticket, command, version)?,
        None => desk.execute(&actor, &ticket, command)?,
    })
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
pub fn load_demo_data(desk: State<'_, OpenDesk>) -> Answer<DemoReport> {
    Ok(desk.lock()?.load_demo()?)
}

#[tauri::command(async)]
pub fn verify_audit_chain(desk: State<'_, OpenDesk>) -> Answer<VerifyReport> {
    Ok(desk.lock()?.verify()?)
}
