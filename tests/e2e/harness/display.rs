//! A private X display for one run, so the window needs no desktop and two
//! runs never share a screen.
//!
//! Xvfb is started on a display number nobody holds. The display counts as up
//! once its socket `/tmp/.X11-unix/X<n>` exists and its lock file
//! `/tmp/.X<n>-lock` names our Xvfb: the socket alone could belong to another
//! run that took the same number a moment earlier, in which case our Xvfb
//! exits and the next number is tried.

use std::fs;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use super::process::OwnedProcess;
use super::sandbox::Sandbox;

/// The screen every run gets: wider than the window's minimum size.
const SCREEN: &str = "1440x900x24";

/// How long one Xvfb gets to open its display.
const STARTUP: Duration = Duration::from_secs(15);

/// How many display numbers are tried before giving up.
const ATTEMPTS: u32 = 20;

/// A running Xvfb server.
pub struct Display {
    number: u32,
    process: OwnedProcess,
}

impl Display {
    /// Starts Xvfb on the first free display number from a per-process base.
    pub fn start(sandbox: &Sandbox) -> Result<Self, String> {
        // Spread concurrent runs over the range instead of all racing for :99.
        let base = 100 + std::process::id() % 400;
        let mut failures = Vec::new();
        let mut number = base;
        let mut tried = 0;
        while tried < ATTEMPTS && number < base + 200 {
            if !taken(number) {
                tried += 1;
                match Self::start_on(sandbox, number) {
                    Ok(display) => return Ok(display),
                    Err(err) => failures.push(err),
                }
            }
            number += 1;
        }
        Err(format!(
            "no X display could be started:\n{}",
            failures.join("\n")
        ))
    }

    fn start_on(sandbox: &Sandbox, number: u32) -> Result<Self, String> {
        let mut command = sandbox.command("Xvfb");
        command.args([
            &format!(":{number}"),
            "-screen",
            "0",
            SCREEN,
            "-nolisten",
            "tcp",
        ]);
        let (mut process, _) = OwnedProcess::spawn("Xvfb", command, &sandbox.log("xvfb"), false)?;
        let socket = format!("/tmp/.X11-unix/X{number}");
        let lock = format!("/tmp/.X{number}-lock");
        let deadline = Instant::now() + STARTUP;
        loop {
            if let Some(status) = process.exited() {
                return Err(format!(
                    "Xvfb :{number} exited with {status}\n{}",
                    process.log_tail()
                ));
            }
            if Path::new(&socket).exists() && holds_lock(&lock, process.id()) {
                return Ok(Display { number, process });
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "Xvfb :{number} did not create {socket} within {STARTUP:?}\n{}",
                    process.log_tail()
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// The value for `DISPLAY`, such as `:117`.
    pub fn name(&self) -> String {
        format!(":{}", self.number)
    }

    /// Ends Xvfb now rather than on drop.
    pub fn stop(&mut self) {
        self.process.stop();
    }
}

/// Whether another X server holds (or crashed holding) display `number`.
fn taken(number: u32) -> bool {
    Path::new(&format!("/tmp/.X{number}-lock")).exists()
        || Path::new(&format!("/tmp/.X11-unix/X{number}")).exists()
}

/// Whether the lock file names the process `pid`.
fn holds_lock(lock: &str, pid: u32) -> bool {
    fs::read_to_string(lock)
        .map(|text| text.trim().parse::<u32>() == Ok(pid))
        .unwrap_or(false)
}
