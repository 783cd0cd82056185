//! The real Escalator window, under test.
//!
//! [`AppWindow::launch`] builds the whole stack for one test, in this order:
//! a [`Sandbox`] (fresh temporary home and database), an Xvfb [`Display`], a
//! private [`SessionBus`] started with that display, on that bus a tray host
//! ([`TrayHost`]) and a notification server ([`Notifications`]), a
//! tauri-driver [`Driver`] on free ports, and finally a WebDriver session whose
//! `tauri:options.application` is the app binary cargo built for this test
//! run. Each test gets its own stack, so no test can see another's window,
//! bus or database; the cost is a few seconds of startup per test.
//!
//! The methods are blocking and take CSS selectors, so a UI flow reads top to
//! bottom in a plain `#[test]`:
//!
//! ```ignore
//! let window = AppWindow::launch();
//! window.click("button.new-ticket");
//! window.type_text("#summary", "Printer on fire");
//! window.wait_for_text(".toast", "Ticket opened", WAIT);
//! window.screenshot("ticket-opened");
//! ```
//!
//! For anything the helpers lack, [`AppWindow::client`] is the fantoccini
//! client and [`AppWindow::block_on`] runs its futures. Do not use
//! `#[tokio::test]`: the window owns its runtime, and blocking inside another
//! runtime panics.
//!
//! Dropping the window ends the session and then every process the run
//! started (app, WebKit, drivers, dunst, bus, Xvfb), also when the test
//! panicked.
//! A failed test keeps its temporary directory (logs, database) and prints
//! its path.

// The API is for the UI flow tests; the smoke test alone uses part of it.
#![allow(dead_code)]

mod bus;
mod display;
mod driver;
mod notifications;
mod process;
mod sandbox;
mod tray_host;

use std::fmt::Display as ShowError;
use std::fs;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

use bus::SessionBus;
use display::Display;
use driver::Driver;
use notifications::Notifications;
use sandbox::Sandbox;
use tray_host::TrayHost;
pub use tray_host::{MenuEntry, TrayItem};

/// The app binary cargo built for this test run.
const APPLICATION: &str = env!("CARGO_BIN_EXE_escalator");

/// How long opening the WebDriver session (launching the app) may take.
/// WebKit's first start on a loaded two-core machine takes several seconds.
pub const SESSION_TIMEOUT: Duration = Duration::from_secs(60);

/// The default wait for an element in [`AppWindow::click`] and friends.
pub const WAIT: Duration = Duration::from_secs(15);

/// How long any single WebDriver command may take before the test fails.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// How often waits poll the page.
const POLL: Duration = Duration::from_millis(100);

/// The running app, its window driven over WebDriver.
///
/// Fields drop in declaration order: the session first, then the driver
/// (which takes the app down with it), the tray host, dunst, the bus, the
/// display, and last the sandbox directory.
pub struct AppWindow {
    client: Option<Client>,
    driver: Driver,
    tray: TrayHost,
    notifications: Notifications,
    bus: SessionBus,
    display: Display,
    sandbox: Sandbox,
    runtime: tokio::runtime::Runtime,
    startup: Duration,
}

impl AppWindow {
    /// Starts a fresh app in a fresh sandbox and waits until its window has
    /// loaded the app's page. The UI may still be booting then: wait for the
    /// element a test needs, or [`AppWindow::wait_until_rendered`].
    ///
    /// # Panics
    ///
    /// When any part of the stack does not come up in time; the message says
    /// which, with the end of its log.
    pub fn launch() -> AppWindow {
        Self::launch_with(|_| {})
    }

    /// Like [`AppWindow::launch`], with `prepare` run on the database path
    /// first: a desk the app finds already filled when it starts.
    pub fn launch_with(prepare: impl FnOnce(&Path)) -> AppWindow {
        let started = Instant::now();
        let mut window = Self::open_session(prepare);
        window.wait_for_load(SESSION_TIMEOUT);
        window.startup = started.elapsed();
        eprintln!(
            "e2e: window up in {:.1}s (display {}, sandbox {})",
            window.startup.as_secs_f64(),
            window.display.name(),
            window.sandbox.root().display()
        );
        window
    }

    /// Starts the stack up to an open WebDriver session. The session opens as
    /// soon as the webview exists, before the UI has loaded.
    ///
    /// Each step panics on failure rather than returning, so the parts
    /// already started are dropped while unwinding: their processes end and
    /// the sandbox, with their logs, is kept for inspection.
    fn open_session(prepare: impl FnOnce(&Path)) -> AppWindow {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|err| launch_failed(format!("no tokio runtime: {err}")));

        let mut sandbox = Sandbox::new().unwrap_or_else(launch_failed);
        prepare(&sandbox.database());
        let display = Display::start(&sandbox).unwrap_or_else(launch_failed);
        sandbox.set_env("DISPLAY", display.name());
        let bus = SessionBus::start(&sandbox).unwrap_or_else(launch_failed);
        sandbox.set_env("DBUS_SESSION_BUS_ADDRESS", bus.address());
        // Both before the app: its tray icon registers only with a watcher
        // that is already there.
        let tray = TrayHost::start(bus.address()).unwrap_or_else(launch_failed);
        let notifications = Notifications::start(&sandbox).unwrap_or_else(launch_failed);
        let driver = Driver::start(&sandbox).unwrap_or_else(launch_failed);

        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            json!({ "application": APPLICATION }),
        );
        let url = driver.url();
        let mut builder = ClientBuilder::new(HttpConnector::new());
        let connect = builder.capabilities(capabilities).connect(&url);
        let client = match runtime
            .block_on(async { tokio::time::timeout(SESSION_TIMEOUT, connect).await })
        {
            Ok(Ok(client)) => client,
            Ok(Err(err)) => launch_failed(format!(
                "cannot open a WebDriver session on {APPLICATION}: {err}\n{}",
                driver.log_tail()
            )),
            Err(_) => launch_failed(format!(
                "no WebDriver session on {APPLICATION} within {SESSION_TIMEOUT:?}\n{}",
                driver.log_tail()
            )),
        };
        AppWindow {
            client: Some(client),
            driver,
            tray,
            notifications,
            bus,
            display,
            sandbox,
            runtime,
            startup: Duration::ZERO,
        }
    }

    /// Launches the app binary a second time, in this window's environment
    /// (display, bus, database), and waits up to `timeout` for it to exit.
    /// `None` means it was still running, and has been killed.
    pub fn launch_again(&self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let mut second = self
            .sandbox
            .command(APPLICATION)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|err| self.fail(format!("cannot launch a second instance: {err}")));
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = second.try_wait() {
                return Some(status);
            }
            std::thread::sleep(POLL);
        }
        let _ = second.kill();
        let _ = second.wait();
        None
    }

    /// Waits up to `timeout` until the webview shows the app's own page
    /// (not the `about:blank` it starts with) and that page has loaded.
    /// [`AppWindow::launch`] does this already; call it again after a reload.
    ///
    /// # Panics
    ///
    /// When the page does not load in time; the message says what the
    /// webview showed last.
    #[track_caller]
    pub fn wait_for_load(&self, timeout: Duration) {
        let script = "return [document.readyState, location.href];";
        let deadline = Instant::now() + timeout;
        let mut seen = Value::Null;
        loop {
            if let Ok(state) = self.command("the page", self.client().execute(script, vec![])) {
                let complete = state[0] == "complete";
                let own_page = state[1]
                    .as_str()
                    .is_some_and(|href| !href.starts_with("about:"));
                if complete && own_page {
                    return;
                }
                seen = state;
            }
            if Instant::now() > deadline {
                self.fail(format!(
                    "the app's page did not load within {timeout:?}; \
                     last [readyState, href] seen: {seen}"
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    /// How long [`AppWindow::launch`] took, from nothing to the loaded page.
    pub fn startup(&self) -> Duration {
        self.startup
    }

    /// The database file the app was told to use (`ESCALATOR_DB`).
    pub fn database(&self) -> PathBuf {
        self.sandbox.database()
    }

    /// The run's temporary directory: `home/`, XDG directories, `logs/`.
    pub fn sandbox_dir(&self) -> &Path {
        self.sandbox.root()
    }

    /// The desktop's tray as the app sees it: the watcher its icon registered
    /// with, and from there the icon's properties and menu.
    pub fn tray(&self) -> &TrayHost {
        &self.tray
    }

    /// The notification server, and what it has shown.
    pub fn notifications(&self) -> &Notifications {
        &self.notifications
    }

    /// The fantoccini client, for what the helpers below do not cover. Run
    /// its futures with [`AppWindow::block_on`].
    pub fn client(&self) -> &Client {
        self.client
            .as_ref()
            .expect("the session is open until drop")
    }

    /// Runs a future on the window's runtime, bounded by no timeout: prefer
    /// the helpers, which are.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Waits up to `timeout` until the page shows some text, that is, until
    /// the UI has rendered past a blank or spinner-only boot screen. Needs
    /// nothing from the UI's markup, so it survives redesigns; wait for a
    /// specific selector when a test needs a specific view.
    ///
    /// # Panics
    ///
    /// When the page stays without text; the message includes its HTML.
    #[track_caller]
    pub fn wait_until_rendered(&self, timeout: Duration) -> String {
        let script = "return document.body ? document.body.innerText.trim() : '';";
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Value::String(text)) =
                self.command("the page text", self.client().execute(script, vec![]))
            {
                if !text.is_empty() {
                    return text;
                }
            }
            if Instant::now() > deadline {
                let html = self
                    .command("the page source", self.client().source())
                    .unwrap_or_default();
                self.fail(format!(
                    "the page showed no text within {timeout:?}; its HTML:\n{html}"
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits up to `timeout` for an element matching the CSS `selector`.
    ///
    /// # Panics
    ///
    /// When none appears in time; the message names the selector.
    #[track_caller]
    pub fn wait_for(&self, selector: &str, timeout: Duration) -> Element {
        let deadline = Instant::now() + timeout;
        loop {
            match self.command(selector, self.client().find(Locator::Css(selector))) {
                Ok(element) => return element,
                Err(err) if err.is_no_such_element() => {}
                Err(err) => panic!("e2e: looking for `{selector}` failed: {err}"),
            }
            if Instant::now() > deadline {
                self.fail(format!(
                    "timed out after {timeout:?} waiting for `{selector}`"
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits up to `timeout` until the text of the first element matching
    /// `selector` contains `expected`, and returns that text.
    ///
    /// # Panics
    ///
    /// When it does not in time; the message names the selector, the
    /// expected text and the last text seen.
    #[track_caller]
    pub fn wait_for_text(&self, selector: &str, expected: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut seen = None;
        loop {
            if let Ok(element) = self.command(selector, self.client().find(Locator::Css(selector)))
            {
                // The element may be replaced between find and read.
                if let Ok(text) = self.command(selector, element.text()) {
                    if text.contains(expected) {
                        return text;
                    }
                    seen = Some(text);
                }
            }
            if Instant::now() > deadline {
                self.fail(format!(
                    "timed out after {timeout:?} waiting for `{selector}` to contain \
                     {expected:?}; last text seen: {seen:?}"
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits up to `timeout` until nothing matches `selector`.
    #[track_caller]
    pub fn wait_until_gone(&self, selector: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.count(selector) > 0 {
            if Instant::now() > deadline {
                self.fail(format!(
                    "timed out after {timeout:?} waiting for `{selector}` to go away"
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    /// How many elements match `selector` right now (no waiting).
    #[track_caller]
    pub fn count(&self, selector: &str) -> usize {
        self.expect(
            selector,
            self.command(selector, self.client().find_all(Locator::Css(selector))),
        )
        .len()
    }

    /// Waits for `selector` (up to [`WAIT`]) and clicks it.
    #[track_caller]
    pub fn click(&self, selector: &str) {
        let element = self.wait_for(selector, WAIT);
        let clicked = self.command(selector, element.click());
        self.expect(selector, clicked);
    }

    /// Waits for `selector` (up to [`WAIT`]) and types `text` into it, after
    /// what it already holds.
    #[track_caller]
    pub fn type_text(&self, selector: &str, text: &str) {
        let element = self.wait_for(selector, WAIT);
        let typed = self.command(selector, element.send_keys(text));
        self.expect(selector, typed);
    }

    /// Waits for `selector` (up to [`WAIT`]), empties it and types `text`.
    #[track_caller]
    pub fn replace_text(&self, selector: &str, text: &str) {
        let element = self.wait_for(selector, WAIT);
        let cleared = self.command(selector, element.clear());
        self.expect(selector, cleared);
        let typed = self.command(selector, element.send_keys(text));
        self.expect(selector, typed);
    }

    /// Waits for `selector` (up to [`WAIT`]) and returns its rendered text.
    #[track_caller]
    pub fn text(&self, selector: &str) -> String {
        let element = self.wait_for(selector, WAIT);
        let text = self.command(selector, element.text());
        self.expect(selector, text)
    }

    /// The document's title.
    #[track_caller]
    pub fn title(&self) -> String {
        let title = self.command("the title", self.client().title());
        self.expect("the title", title)
    }

    /// Runs `script` in the page (its body is a function body: use `return`
    /// and `arguments`) and returns its result as JSON.
    #[track_caller]
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        let result = self.command("a script", self.client().execute(script, args));
        self.expect("a script", result)
    }

    /// Calls the Tauri command `name` through the page's IPC bridge, as the UI
    /// does, and returns its answer (`Ok`) or its error (`Err`).
    #[track_caller]
    pub fn invoke(&self, name: &str, args: Value) -> Result<Value, Value> {
        let script = "const [name, args, done] = arguments;\
            window.__TAURI_INTERNALS__.invoke(name, args).then(\
              (value) => done({ ok: value ?? null }),\
              (error) => done({ err: error ?? null }));";
        let what = format!("invoke `{name}`");
        let answer = self.command(
            &what,
            self.client().execute_async(script, vec![json!(name), args]),
        );
        let answer = self.expect(&what, answer);
        match (answer.get("ok"), answer.get("err")) {
            (Some(value), _) => Ok(value.clone()),
            (_, Some(error)) => Err(error.clone()),
            _ => panic!("e2e: {what} answered neither ok nor err: {answer}"),
        }
    }

    /// Waits until what the DOM holds now is on screen: finite CSS
    /// animations and transitions have finished (at most 2 s) and WebKit has
    /// painted two more frames. A screenshot taken right after a DOM change
    /// otherwise shows the previous frame.
    #[track_caller]
    pub fn settle(&self) {
        let script = "const done = arguments[0];\
            const finite = document.getAnimations().filter(\
              (a) => a.effect && a.effect.getComputedTiming().iterations !== Infinity);\
            const cap = new Promise((resolve) => setTimeout(resolve, 2000));\
            Promise.race([Promise.allSettled(finite.map((a) => a.finished)), cap]).then(() =>\
              requestAnimationFrame(() => requestAnimationFrame(() => done(true))));";
        let settled = self.command(
            "the next frame",
            self.client().execute_async(script, vec![]),
        );
        self.expect("the next frame", settled);
    }

    /// Saves a PNG of the window's viewport to
    /// `target/e2e-screenshots/<name>.png` and returns its path. Calls
    /// [`AppWindow::settle`] first, so the picture shows the current DOM.
    #[track_caller]
    pub fn screenshot(&self, name: &str) -> PathBuf {
        self.settle();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
        if let Err(err) = fs::create_dir_all(&dir) {
            panic!("e2e: cannot create {}: {err}", dir.display());
        }
        let png = self.command("a screenshot", self.client().screenshot());
        let png = self.expect("a screenshot", png);
        let path = dir.join(format!("{name}.png"));
        if let Err(err) = fs::write(&path, png) {
            panic!("e2e: cannot write {}: {err}", path.display());
        }
        path
    }

    /// Runs one WebDriver command, failing the test if it takes longer than
    /// the command timeout (a hung app would otherwise hang the suite).
    #[track_caller]
    fn command<T, F>(&self, what: &str, future: F) -> Result<T, CmdError>
    where
        F: Future<Output = Result<T, CmdError>>,
    {
        match self
            .runtime
            .block_on(async { tokio::time::timeout(COMMAND_TIMEOUT, future).await })
        {
            Ok(result) => result,
            Err(_) => self.fail(format!(
                "a WebDriver command on `{what}` took longer than {COMMAND_TIMEOUT:?}"
            )),
        }
    }

    #[track_caller]
    fn expect<T, E: ShowError + std::fmt::Debug>(&self, what: &str, result: Result<T, E>) -> T {
        match result {
            Ok(value) => value,
            // The Debug form carries the W3C error code (e.g. "element click intercepted").
            Err(err) => self.fail(format!("WebDriver failed on `{what}`: {err} ({err:?})")),
        }
    }

    /// Fails the test with `message` and the end of the driver's log, which
    /// holds the app's own output too.
    #[track_caller]
    fn fail(&self, message: String) -> ! {
        panic!("e2e: {message}\n{}", self.driver.log_tail())
    }
}

/// Fails a test whose window could not be opened.
fn launch_failed<T>(reason: String) -> T {
    panic!("e2e: the app window did not open: {reason}")
}

impl Drop for AppWindow {
    fn drop(&mut self) {
        let started = Instant::now();
        if let Some(client) = self.client.take() {
            // Ending the session closes the window the polite way; the
            // process teardown below catches whatever it leaves.
            let closed = self.runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(10), client.close()).await
            });
            if !matches!(closed, Ok(Ok(()))) {
                eprintln!("e2e: the WebDriver session did not close cleanly");
            }
        }
        self.driver.stop();
        self.notifications.stop();
        self.bus.stop();
        self.display.stop();
        eprintln!("e2e: torn down in {:.1}s", started.elapsed().as_secs_f64());
    }
}
