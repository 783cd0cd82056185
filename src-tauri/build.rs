//! Tauri's build step for the desktop app. It reads `tauri.conf.json` beside the
//! root manifest, resolves the capabilities and writes the access-control list
//! that `tauri::generate_context!()` embeds.
//!
//! Two things differ from a stock Tauri project, and both follow from the root
//! package being the app: the capabilities live in `src-tauri/capabilities/`
//! rather than `./capabilities/`, and every app command is listed here so that
//! Tauri generates an `allow-<command>` permission for it. With that manifest
//! in place a command is callable only from a window whose capability grants
//! it, which keeps the shell least-privilege as commands are added.

/// Every `#[tauri::command]` that `escalator_app` registers, in snake_case.
const COMMANDS: &[&str] = &[
    "app_info",
    "get_glossary",
    "list_users",
    "create_user",
    "sign_in",
    "queue_counts",
    "list_tickets",
    "get_ticket",
    "open_ticket",
    "execute_command",
    "check_command",
    "similar_escalations",
    "attach_files",
    "open_attachment",
    "load_demo_data",
    "verify_audit_chain",
    "check_customer_message",
    "draft_customer_message",
    "send_customer_message",
    "get_monthly_report",
    "save_monthly_report",
    "export_review_pack",
    "import_review_notes",
    "send_customer_email",
    "get_customer_mail",
    "save_customer_mail",
    "get_templates",
    "save_templates",
    "get_sla_settings",
    "save_sla_settings",
    "import_holidays",
    "open_sla_file",
    "get_alert_settings",
    "snooze_alerts",
    "set_notifications_paused",
    "set_autostart",
    "open_review_pack",
    "review_pack_ticket",
    "add_review_note",
    "export_review_notes",
    "close_review_pack",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("failed to run tauri-build");
}
