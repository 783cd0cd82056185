//! tauri-driver and the WebKitWebDriver behind it, on ports of their own.
//!
//! tauri-driver is a WebDriver intermediary: it turns the `tauri:options`
//! capability into WebKitWebDriver's `webkitgtk:browserOptions` and forwards
//! every request to WebKitWebDriver on its native port. WebKitWebDriver then
//! launches the app binary as its "browser", with the environment it got from
//! tauri-driver, which got it from us: that is how `DISPLAY`, the session bus
//! and `ESCALATOR_DB` reach the app.
//!
//! Both ports are picked free for each run, so runs never clash with each
//! other or with a driver someone left on the default 4444/4445.

use std::env;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use super::process::OwnedProcess;
use super::sandbox::Sandbox;

/// How long both drivers get to listen on their ports.
const STARTUP: Duration = Duration::from_secs(20);

/// A running tauri-driver (and, in its process group, WebKitWebDriver and
/// the app it launches).
pub struct Driver {
    port: u16,
    process: OwnedProcess,
}

impl Driver {
    /// Starts tauri-driver and waits until it and WebKitWebDriver listen.
    pub fn start(sandbox: &Sandbox) -> Result<Self, String> {
        let tauri_driver = tauri_driver()?;
        let (port, native_port) = free_ports()?;
        let mut command = sandbox.command(&tauri_driver);
        command.args(["--port", &port.to_string()]);
        command.args(["--native-port", &native_port.to_string()]);
        if let Some(native) = native_driver() {
            command.arg("--native-driver").arg(native);
        }
        let (mut process, _) =
            OwnedProcess::spawn("tauri-driver", command, &sandbox.log("driver"), false)?;

        let deadline = Instant::now() + STARTUP;
        while !(listening(port) && listening(native_port)) {
            if let Some(status) = process.exited() {
                return Err(format!(
                    "tauri-driver exited with {status}\n{}",
                    process.log_tail()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "tauri-driver (port {port}) or WebKitWebDriver (port {native_port}) \
                     did not listen within {STARTUP:?}\n{}",
                    process.log_tail()
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
        Ok(Driver { port, process })
    }

    /// The WebDriver endpoint to open sessions on.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The end of the driver's log, which also holds the app's own output.
    pub fn log_tail(&self) -> String {
        self.process.log_tail()
    }

    /// Ends the driver, WebKitWebDriver and the app now rather than on drop.
    pub fn stop(&mut self) {
        self.process.stop();
    }
}

/// Finds tauri-driver: `$TAURI_DRIVER`, then `PATH`, then `~/.cargo/bin`,
/// where `cargo install tauri-driver` puts it.
fn tauri_driver() -> Result<PathBuf, String> {
    if let Some(path) = env::var_os("TAURI_DRIVER") {
        return Ok(PathBuf::from(path));
    }
    let mut candidates: Vec<PathBuf> = env::var_os("PATH")
        .map(|path| env::split_paths(&path).collect())
        .unwrap_or_default();
    if let Some(home) = env::var_os("CARGO_HOME") {
        candidates.push(Path::new(&home).join("bin"));
    }
    if let Some(home) = env::var_os("HOME") {
        candidates.push(Path::new(&home).join(".cargo/bin"));
    }
    candidates
        .into_iter()
        .map(|dir| dir.join("tauri-driver"))
        .find(|path| path.is_file())
        .ok_or_else(|| {
            "tauri-driver not found in PATH or ~/.cargo/bin; install it with \
             `cargo install tauri-driver --locked --version '^2'` (or run .ci/e2e)"
                .to_owned()
        })
}

/// WebKitWebDriver to hand to tauri-driver: `$WEBKIT_WEBDRIVER`, else
/// Debian's, else none (tauri-driver then searches `PATH` itself).
fn native_driver() -> Option<PathBuf> {
    env::var_os("WEBKIT_WEBDRIVER")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/usr/bin/WebKitWebDriver")))
        .filter(|path| path.is_file())
}

/// Two distinct ports that were free a moment ago. Both are held at once so
/// the kernel cannot hand out the same one twice.
fn free_ports() -> Result<(u16, u16), String> {
    let bind = || {
        TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| Ok((listener.local_addr()?.port(), listener)))
            .map_err(|err| format!("cannot find a free port: {err}"))
    };
    let (first, _held) = bind()?;
    let (second, _also_held) = bind()?;
    Ok((first, second))
}

/// Whether something accepts connections on `port` of the loopback address.
fn listening(port: u16) -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok()
}
