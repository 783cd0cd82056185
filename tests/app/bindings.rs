//! The UI's TypeScript types are generated from the Rust types and committed
//! in `ui/src/lib/bindings/`. This test regenerates them and fails if the
//! committed files drifted. To update them after changing a Rust type:
//!
//! ```sh
//! UPDATE_BINDINGS=1 cargo test -p escalator --test app bindings
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use ts_rs::TS;

fn export_all(dir: &Path) {
    use escalator_core as core;
    // Counts and versions are u64 in Rust and plain numbers in JSON.
    let config = ts_rs::Config::new()
        .with_out_dir(dir)
        .with_large_int("number");
    macro_rules! export {
        ($($ty:ty),+ $(,)?) => { $( <$ty>::export_all(&config).expect(stringify!($ty)); )+ };
    }
    export!(
        escalator_app::error::AppError,
        escalator_app::AppInfo,
        escalator_app::monitor::AlertSettings,
        escalator_app::commands::SlaSettingsView,
        escalator_app::review_pack::PackView,
        escalator_app::review_pack::PackTicket,
        core::review_pack::ReviewNotes,
        core::domain::User,
        core::domain::Glossary,
        core::domain::Queue,
        core::domain::TicketSort,
        core::domain::Priority,
        core::domain::Status,
        core::domain::Level,
        core::domain::Role,
        core::domain::Team,
        core::domain::Category,
        core::domain::Criterion,
        core::domain::EscalationType,
        core::domain::EscalationReason,
        core::domain::ExceptionKind,
        core::domain::AttachmentKind,
        core::domain::CommunicationChannel,
        core::desk::TicketDetail,
        core::desk::Draft,
        core::desk::CustomerEmail,
        core::review_pack::NotesImport,
        core::desk::CustomerMailSettings,
        core::comms::Finding,
        core::comms::Template,
        core::report::MonthlyReport,
        core::desk::Outcome,
        core::Command,
        core::commands::NewTicket,
        core::store::TicketQuery,
        core::store::TicketPage,
        core::store::QueueCount,
        core::store::VerifyReport,
        core::rules::SimilarEscalation,
        core::demo::DemoReport,
    );
}

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|entry| entry.expect("a directory entry").path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "ts"))
                .map(|path| {
                    let name = path.file_name().unwrap().to_string_lossy().into_owned();
                    (
                        name,
                        std::fs::read_to_string(&path).expect("a bindings file"),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn committed_typescript_bindings_match_the_rust_types() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/bindings");
    let fresh = tempfile::tempdir().expect("a temporary directory");
    export_all(fresh.path());
    let generated = read_dir(fresh.path());
    assert!(
        generated.len() > 20,
        "only {} files generated",
        generated.len()
    );

    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).unwrap();
        for (name, text) in &generated {
            std::fs::write(committed.join(name), text).unwrap();
        }
    }
    let current = read_dir(&committed);
    let stale: Vec<&String> = generated
        .keys()
        .filter(|name| current.get(*name) != generated.get(*name))
        .chain(current.keys().filter(|name| !generated.contains_key(*name)))
        .collect();
    assert!(
        stale.is_empty(),
        "ui/src/lib/bindings is out of date ({stale:?}); run: UPDATE_BINDINGS=1 cargo test -p escalator --test app bindings"
    );
}
