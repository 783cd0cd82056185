//! A real notification server for one run: dunst on the run's display and
//! bus, so the app's desktop notifications go somewhere a test can read them.
//!
//! Without a server of our own, the private bus would activate one on
//! demand from the system's service files, with whatever configuration it
//! finds. This dunst is started explicitly, as a process the run owns, with a
//! config written into the sandbox (the user's dunstrc is never read).
//!
//! Tests read what was shown from dunst's history (`dunstctl history`, JSON).
//! Two settings make that history complete:
//! - Low and normal notifications time out after a second, so they move to
//!   the history soon after they appear. Critical ones stay a minute, long
//!   enough for a test to click one ([`Notifications::click_displayed`]).
//!   [`Notifications::history`] closes whatever is still on screen first.
//! - dunst 1.9 leaves urgency out of its history, so each urgency's `format`
//!   writes the urgency as the first line of the formatted message, where
//!   [`ShownNotification::urgency`] reads it back.

use std::ffi::OsString;
use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::process::OwnedProcess;
use super::sandbox::Sandbox;

/// How long dunst gets to take the notification server's name.
const STARTUP: Duration = Duration::from_secs(10);

const POLL: Duration = Duration::from_millis(100);

const CONFIG: &str = r#"# Written by the e2e harness: see tests/e2e/harness/notifications.rs.
[global]
    history_length = 1000
    idle_threshold = 0
    notification_limit = 0

[urgency_low]
    timeout = 1
    format = "low\n<b>%s</b>\n%b"

[urgency_normal]
    timeout = 1
    format = "normal\n<b>%s</b>\n%b"

[urgency_critical]
    timeout = 60
    format = "critical\n<b>%s</b>\n%b"
"#;

/// A running dunst.
pub struct Notifications {
    process: OwnedProcess,
    env: Env,
}

/// The sandbox's environment, so that `dunstctl` talks to this run's bus.
struct Env {
    vars: Vec<(OsString, OsString)>,
    dir: PathBuf,
}

/// The urgency a notification asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Low,
    Normal,
    Critical,
}

/// One notification dunst has shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownNotification {
    pub id: i64,
    pub app_name: String,
    pub summary: String,
    pub body: String,
    /// `None` if the message does not start with an urgency line, which
    /// means the config above was not applied.
    pub urgency: Option<Urgency>,
    pub category: String,
    pub icon_path: String,
}

impl Notifications {
    /// Writes the config to `$XDG_CONFIG_HOME/dunst/dunstrc`, starts dunst
    /// with the sandbox's environment (`DISPLAY` and the bus must be set) and
    /// waits until it answers.
    pub fn start(sandbox: &Sandbox) -> Result<Self, String> {
        let config = sandbox.root().join("config/dunst/dunstrc");
        if let Some(dir) = config.parent() {
            fs::create_dir_all(dir)
                .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
        }
        fs::write(&config, CONFIG)
            .map_err(|err| format!("cannot write {}: {err}", config.display()))?;

        // `dunstctl history` calls busctl, which comes with systemd, not
        // with dunst: say so at once rather than as a timeout.
        if Command::new("busctl").arg("--version").output().is_err() {
            return Err("busctl is missing; `dunstctl history` needs it (Debian: systemd)".into());
        }
        let mut command = sandbox.command("dunst");
        command.arg("-config").arg(&config);
        let (mut process, _) = OwnedProcess::spawn("dunst", command, &sandbox.log("dunst"), false)?;

        let env = Env::new(sandbox);
        // Asks without auto-start: the bus would otherwise activate a dunst
        // of its own from the system's service file, racing ours for the name.
        let ping = [
            "--user",
            "--auto-start=no",
            "call",
            "org.freedesktop.Notifications",
            "/org/freedesktop/Notifications",
            "org.dunstproject.cmd0",
            "Ping",
        ];
        let deadline = Instant::now() + STARTUP;
        loop {
            if let Some(status) = process.exited() {
                return Err(format!(
                    "dunst exited with {status}\n{}",
                    process.log_tail()
                ));
            }
            match env.run("busctl", &ping) {
                Ok(_) => return Ok(Notifications { process, env }),
                Err(err) if Instant::now() > deadline => {
                    return Err(format!(
                        "dunst did not answer within {STARTUP:?}: {err}\n{}",
                        process.log_tail()
                    ))
                }
                Err(_) => thread::sleep(POLL),
            }
        }
    }

    /// Waits up to `timeout` for a notification on screen, then clicks the
    /// first one, as a user clicking its body does (dunst invokes its
    /// default action).
    pub fn click_displayed(&self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            let displayed = self.env.run("dunstctl", &["count", "displayed"])?;
            if displayed.trim().parse::<u32>().unwrap_or(0) > 0 {
                self.env.run("dunstctl", &["action", "0"])?;
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("no notification on screen within {timeout:?}"));
            }
            thread::sleep(POLL);
        }
    }

    /// Every notification shown so far, newest first. Closes what is still
    /// on screen first, so that it is in the history too.
    pub fn history(&self) -> Result<Vec<ShownNotification>, String> {
        self.env.run("dunstctl", &["close-all"])?;
        let json = self.env.run("dunstctl", &["history"])?;
        let json: Value = serde_json::from_str(&json)
            .map_err(|err| format!("dunstctl history is not JSON: {err}\n{json}"))?;
        let Some(entries) = json["data"][0].as_array() else {
            return Err(format!("dunstctl history has no data[0] array: {json}"));
        };
        Ok(entries.iter().map(shown).collect())
    }

    /// Waits up to `timeout` for a shown notification that `accept` likes,
    /// and returns it.
    pub fn wait_for(
        &self,
        accept: impl Fn(&ShownNotification) -> bool,
        timeout: Duration,
    ) -> Result<ShownNotification, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let history = self.history()?;
            if let Some(found) = history.iter().find(|shown| accept(shown)) {
                return Ok(found.clone());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "no matching notification within {timeout:?}; shown so far: {history:#?}"
                ));
            }
            thread::sleep(POLL);
        }
    }

    /// Ends dunst now rather than on drop.
    pub fn stop(&mut self) {
        self.process.stop();
    }
}

impl Env {
    /// Copies the environment the sandbox gives every command.
    fn new(sandbox: &Sandbox) -> Self {
        let template = sandbox.command("true");
        let env = template
            .get_envs()
            .filter_map(|(key, value)| Some((key.to_owned(), value?.to_owned())))
            .collect();
        Env {
            vars: env,
            dir: sandbox.root().to_owned(),
        }
    }

    /// Runs `program` with `args` in the sandbox's environment and returns
    /// its output.
    fn run(&self, program: &str, args: &[&str]) -> Result<String, String> {
        let output = Command::new(program)
            .args(args)
            .env_clear()
            .envs(self.vars.iter().map(|(key, value)| (key, value)))
            .current_dir(&self.dir)
            .output()
            .map_err(|err| format!("cannot run {program}: {err}"))?;
        if !output.status.success() {
            return Err(format!(
                "{program} {} failed with {}: {}",
                args.join(" "),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        String::from_utf8(output.stdout).map_err(|err| format!("{program} wrote non-UTF-8: {err}"))
    }
}

/// One history entry: every field is `{ "type": …, "data": … }`.
fn shown(entry: &Value) -> ShownNotification {
    let text = |name: &str| entry[name]["data"].as_str().unwrap_or_default().to_owned();
    let urgency = match text("message").lines().next() {
        Some("low") => Some(Urgency::Low),
        Some("normal") => Some(Urgency::Normal),
        Some("critical") => Some(Urgency::Critical),
        _ => None,
    };
    ShownNotification {
        id: entry["id"]["data"].as_i64().unwrap_or_default(),
        app_name: text("appname"),
        summary: text("summary"),
        body: text("body"),
        urgency,
        category: text("category"),
        icon_path: text("icon_path"),
    }
}
