//! A private D-Bus session bus for one run.
//!
//! Without a session bus WebKitGTK and GTK autolaunch their own daemons and
//! portals, which then outlive the test; with the developer's bus the app
//! would talk to the real desktop (notifications, tray, single-instance
//! lock). So each run starts its own `dbus-daemon --session`, after the X
//! display is up and with `DISPLAY` already set, because services the bus
//! activates (portals, for one) open the display when they start.
//!
//! The daemon runs with `--nofork` rather than `--fork`: it stays our child,
//! in its own process group, so teardown ends it and everything it activated
//! in one go and reaps it, leaving no zombie behind.

use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::process::OwnedProcess;
use super::sandbox::Sandbox;

/// How long the daemon gets to print its address.
const STARTUP: Duration = Duration::from_secs(10);

/// A running session bus.
pub struct SessionBus {
    address: String,
    process: OwnedProcess,
}

impl SessionBus {
    /// Starts the daemon with the sandbox's environment and waits for its
    /// address.
    pub fn start(sandbox: &Sandbox) -> Result<Self, String> {
        let mut command = sandbox.command("dbus-daemon");
        command.args(["--session", "--nofork", "--nopidfile", "--print-address=1"]);
        let (process, stdout) =
            OwnedProcess::spawn("dbus-daemon", command, &sandbox.log("dbus"), true)?;
        let stdout = stdout.ok_or("dbus-daemon has no stdout pipe")?;

        // Read the address on a thread so a silent daemon cannot hang the test.
        // The thread keeps the pipe open afterwards: the daemon must not get
        // SIGPIPE should it ever write again.
        let (sender, receiver) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let read = reader.read_line(&mut line).map(|_| line);
            let _ = sender.send(read);
            let mut rest = String::new();
            while matches!(reader.read_line(&mut rest), Ok(n) if n > 0) {
                rest.clear();
            }
        });
        match receiver.recv_timeout(STARTUP) {
            Ok(Ok(line)) if !line.trim().is_empty() => Ok(SessionBus {
                address: line.trim().to_owned(),
                process,
            }),
            Ok(Ok(_)) => Err(format!(
                "dbus-daemon exited without printing its address\n{}",
                process.log_tail()
            )),
            Ok(Err(err)) => Err(format!("cannot read dbus-daemon's address: {err}")),
            Err(_) => Err(format!(
                "dbus-daemon printed no address within {STARTUP:?}\n{}",
                process.log_tail()
            )),
        }
    }

    /// The value for `DBUS_SESSION_BUS_ADDRESS`.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Ends the bus now rather than on drop.
    pub fn stop(&mut self) {
        self.process.stop();
    }
}
