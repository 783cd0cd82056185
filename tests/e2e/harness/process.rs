//! A child process that cannot outlive its test.
//!
//! Each process the harness starts (Xvfb, the session bus, tauri-driver) gets
//! a process group of its own. tauri-driver starts WebKitWebDriver, which
//! starts the app, which starts WebKit's web and network processes: all of
//! them stay in that group, so ending the group ends the whole tree, even
//! when the test panicked half-way. Output goes to a log file in the run's
//! sandbox, and [`OwnedProcess::log_tail`] puts the end of it into failure
//! messages.

use std::fs::{self, File};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use rustix::process::{kill_process_group, test_kill_process_group, Pid, Signal};

/// How long a group gets to exit after SIGTERM before it gets SIGKILL.
const GRACE: Duration = Duration::from_secs(3);

/// How long teardown waits for a killed group to disappear.
const REAP: Duration = Duration::from_secs(5);

/// A running process group, ended on drop.
pub struct OwnedProcess {
    name: &'static str,
    child: Child,
    group: Pid,
    log: PathBuf,
    stopped: bool,
}

impl OwnedProcess {
    /// Starts `command` as the leader of a new process group, with stdin
    /// closed and stderr (and stdout unless `pipe_stdout`) appended to `log`.
    pub fn spawn(
        name: &'static str,
        mut command: Command,
        log: &Path,
        pipe_stdout: bool,
    ) -> Result<(Self, Option<ChildStdout>), String> {
        let open = || {
            File::options()
                .create(true)
                .append(true)
                .open(log)
                .map_err(|err| format!("cannot open {}: {err}", log.display()))
        };
        command
            .process_group(0)
            .stdin(Stdio::null())
            .stderr(open()?)
            .stdout(if pipe_stdout {
                Stdio::piped()
            } else {
                Stdio::from(open()?)
            });
        let mut child = command
            .spawn()
            .map_err(|err| format!("cannot start {name} ({:?}): {err}", command.get_program()))?;
        let stdout = child.stdout.take();
        let group = Pid::from_child(&child);
        let process = OwnedProcess {
            name,
            child,
            group,
            log: log.to_owned(),
            stopped: false,
        };
        Ok((process, stdout))
    }

    /// The exit status, if the group leader has already exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The process id of the group leader.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The last lines of the process's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        format!(
            "--- last lines of {} ({}) ---\n{tail}",
            self.name,
            self.log.display()
        )
    }

    /// Ends the whole group: SIGTERM, a grace period, then SIGKILL, and waits
    /// until no member is left. Safe to call more than once.
    pub fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        // ESRCH means the group is already gone; nothing else can fail here.
        let _ = kill_process_group(self.group, Signal::TERM);
        let deadline = Instant::now() + GRACE;
        while Instant::now() < deadline && self.group_alive() {
            thread::sleep(Duration::from_millis(50));
        }
        let _ = kill_process_group(self.group, Signal::KILL);
        let _ = self.child.wait();
        let deadline = Instant::now() + REAP;
        while Instant::now() < deadline && self.group_alive() {
            thread::sleep(Duration::from_millis(50));
        }
        if self.group_alive() {
            eprintln!(
                "e2e: process group {} of {} is still alive after SIGKILL",
                self.group.as_raw_nonzero(),
                self.name
            );
        }
    }

    /// Whether any member of the group is left. The leader counts until it is
    /// reaped, so reap it first when it has exited.
    fn group_alive(&mut self) -> bool {
        let _ = self.child.try_wait();
        test_kill_process_group(self.group).is_ok()
    }
}

impl Drop for OwnedProcess {
    fn drop(&mut self) {
        self.stop();
    }
}
