//! A fresh home for one run of the app.
//!
//! The app, WebKit and GTK read and write per-user state: the database, the
//! app-data directory, WebKit's caches, GTK settings, D-Bus and portal
//! sockets. A run must neither see the developer's own state nor leave any
//! behind, so every process the harness starts gets an environment built from
//! scratch here: `HOME`, the XDG base directories and `ESCALATOR_DB` all point
//! into one temporary directory, and nothing else of the caller's environment
//! passes except `PATH`. When a test fails the directory is kept and its path
//! printed, so the logs and the database can be inspected.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

use tempfile::TempDir;

/// The temporary directory of one run and the environment built on it.
pub struct Sandbox {
    dir: Option<TempDir>,
    root: PathBuf,
    env: Vec<(&'static str, OsString)>,
}

impl Sandbox {
    /// Creates the directory tree: `home/`, `config/`, `data/`, `cache/`,
    /// `state/`, `runtime/` (mode 0700, as the XDG spec demands) and `logs/`.
    pub fn new() -> Result<Self, String> {
        let dir = tempfile::Builder::new()
            .prefix("escalator-e2e-")
            .tempdir()
            .map_err(|err| format!("cannot create a temporary directory: {err}"))?;
        let root = dir.path().to_owned();
        for sub in [
            "home", "config", "data", "cache", "state", "runtime", "logs",
        ] {
            fs::create_dir(root.join(sub))
                .map_err(|err| format!("cannot create {}/{sub}: {err}", root.display()))?;
        }
        fs::set_permissions(root.join("runtime"), fs::Permissions::from_mode(0o700))
            .map_err(|err| format!("cannot restrict {}/runtime: {err}", root.display()))?;

        let at = |sub: &str| root.join(sub).into_os_string();
        let mut env = vec![
            ("HOME", at("home")),
            ("XDG_CONFIG_HOME", at("config")),
            ("XDG_DATA_HOME", at("data")),
            ("XDG_CACHE_HOME", at("cache")),
            ("XDG_STATE_HOME", at("state")),
            ("XDG_RUNTIME_DIR", at("runtime")),
            ("ESCALATOR_DB", root.join("escalator.db").into_os_string()),
            ("LANG", "C.UTF-8".into()),
            // Keeps GTK's accessibility bridge off. WebKit still activates
            // the accessibility bus on our private bus, and it ends with it.
            ("NO_AT_BRIDGE", "1".into()),
            ("GDK_BACKEND", "x11".into()),
            ("RUST_BACKTRACE", "1".into()),
        ];
        if let Some(path) = std::env::var_os("PATH") {
            env.push(("PATH", path));
        }
        Ok(Sandbox {
            dir: Some(dir),
            root,
            env,
        })
    }

    /// The temporary directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the app is told to keep its database (`ESCALATOR_DB`).
    pub fn database(&self) -> PathBuf {
        self.root.join("escalator.db")
    }

    /// The log file for the process called `name`.
    pub fn log(&self, name: &str) -> PathBuf {
        self.root.join("logs").join(format!("{name}.log"))
    }

    /// Adds a variable to the environment of every command made after this.
    pub fn set_env(&mut self, name: &'static str, value: impl Into<OsString>) {
        self.env.retain(|(key, _)| *key != name);
        self.env.push((name, value.into()));
    }

    /// A command for `program` that sees only the sandbox's environment.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .env_clear()
            .envs(self.env.iter().map(|(key, value)| (key, value)))
            .current_dir(&self.root);
        command
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if thread::panicking() {
            if let Some(dir) = self.dir.take() {
                let kept = dir.keep();
                eprintln!("e2e: kept the failed run's files in {}", kept.display());
            }
        }
    }
}
