//! The desktop's side of the tray, played on the run's private bus.
//!
//! On Linux the app's tray icon is a StatusNotifierItem exported by
//! libayatana-appindicator. The library registers it only when something
//! owns `org.kde.StatusNotifierWatcher`. With no watcher, it falls back to an
//! XEmbed icon that nothing on the bus can see. So before the app starts, the
//! harness owns the watcher name, records every item that registers, and then
//! reads the item's properties and its `com.canonical.dbusmenu` menu the way a
//! panel does. It also clicks menu entries the way a panel does when the user
//! picks one, with dbusmenu's `Event(id, "clicked", …)`. That is the same
//! path a real click takes into the app.
//!
//! It uses zbus's blocking API with its default async-io executor, which
//! the app's plugins already build, so there is no second tokio runtime.
//! Property reads call `org.freedesktop.DBus.Properties.Get` every time.
//! Ayatana announces changes with its own signals (`NewIcon`,
//! `XAyatanaNewLabel`), not `PropertiesChanged`, so a cached value would go
//! stale.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use zbus::blocking::connection::Builder;
use zbus::blocking::Connection;
use zbus::message::Header;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

const WATCHER_NAME: &str = "org.kde.StatusNotifierWatcher";
const WATCHER_PATH: &str = "/StatusNotifierWatcher";
const ITEM_INTERFACE: &str = "org.kde.StatusNotifierItem";
const MENU_INTERFACE: &str = "com.canonical.dbusmenu";
const PROPERTIES_INTERFACE: &str = "org.freedesktop.DBus.Properties";

/// Where an item lives when it registers with a bare bus name (the KDE way).
const DEFAULT_ITEM_PATH: &str = "/StatusNotifierItem";

/// How long any call to the app may take: a hung main loop fails the test
/// instead of hanging it.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

const POLL: Duration = Duration::from_millis(100);

/// The watcher and host, serving on the run's bus.
pub struct TrayHost {
    connection: Connection,
    registry: Arc<Registry>,
}

/// The items registered so far, as `(bus name, object path)`.
#[derive(Default)]
struct Registry {
    items: Mutex<Vec<(String, String)>>,
    changed: Condvar,
}

impl Registry {
    fn items(&self) -> Vec<(String, String)> {
        self.items
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The `org.kde.StatusNotifierWatcher` object, as a panel serves it.
struct Watcher {
    registry: Arc<Registry>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    /// Ayatana passes its object path here and KDE's library its bus name.
    /// The spec allows both, so the sender's unique name fills in whichever
    /// half is missing.
    async fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: Header<'_>,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        let sender = header
            .sender()
            .ok_or_else(|| zbus::fdo::Error::InvalidArgs("the call has no sender".into()))?;
        let item = if service.starts_with('/') {
            (sender.to_string(), service.to_owned())
        } else {
            (service.to_owned(), DEFAULT_ITEM_PATH.to_owned())
        };
        let registered = format!("{}{}", item.0, item.1);
        {
            let mut items = self
                .registry
                .items
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if !items.contains(&item) {
                items.push(item);
            }
        }
        self.registry.changed.notify_all();
        Self::status_notifier_item_registered(&emitter, &registered).await?;
        Ok(())
    }

    /// Hosts are not tracked: this watcher's own host is the only one.
    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.registry
            .items()
            .into_iter()
            .map(|(name, path)| format!("{name}{path}"))
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }

    #[zbus(signal)]
    async fn status_notifier_item_registered(
        emitter: &SignalEmitter<'_>,
        service: &str,
    ) -> zbus::Result<()>;
}

impl TrayHost {
    /// Connects to the bus at `address`, takes the watcher's name and serves
    /// the watcher. Start it before the app, so that the app's indicator
    /// finds a watcher at once.
    pub fn start(address: &str) -> Result<Self, String> {
        let registry = Arc::new(Registry::default());
        let watcher = Watcher {
            registry: Arc::clone(&registry),
        };
        let connection = Builder::address(address)
            .and_then(|builder| builder.name(WATCHER_NAME))
            .and_then(|builder| builder.serve_at(WATCHER_PATH, watcher))
            .and_then(|builder| builder.method_timeout(CALL_TIMEOUT).build())
            .map_err(|err| format!("cannot serve {WATCHER_NAME} on {address}: {err}"))?;
        Ok(TrayHost {
            connection,
            registry,
        })
    }

    /// The items registered so far, in order.
    pub fn items(&self) -> Vec<TrayItem> {
        self.registry
            .items()
            .into_iter()
            .map(|(service, path)| TrayItem {
                connection: self.connection.clone(),
                service,
                path,
            })
            .collect()
    }

    /// Waits up to `timeout` for the first item to register.
    pub fn wait_for_item(&self, timeout: Duration) -> Result<TrayItem, String> {
        let deadline = Instant::now() + timeout;
        let mut items = self
            .registry
            .items
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while items.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!(
                    "no tray item registered with {WATCHER_NAME} within {timeout:?}"
                ));
            }
            items = self
                .registry
                .changed
                .wait_timeout(items, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let (service, path) = items[0].clone();
        Ok(TrayItem {
            connection: self.connection.clone(),
            service,
            path,
        })
    }
}

/// One registered StatusNotifierItem, read and driven over the bus.
pub struct TrayItem {
    connection: Connection,
    service: String,
    path: String,
}

/// One entry of an item's menu, as dbusmenu describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuEntry {
    /// dbusmenu's id. It is not stable: a rebuilt menu gets new ids.
    pub id: i32,
    /// The text as shown, with dbusmenu's `_` mnemonic markers resolved.
    pub label: String,
    pub enabled: bool,
    pub visible: bool,
    pub separator: bool,
    /// `Some(0 | 1)` for check and radio items, `None` for the others.
    pub toggle_state: Option<i32>,
    /// The entries of a submenu.
    pub children: Vec<MenuEntry>,
}

/// `(id, properties, children)`: a dbusmenu layout node.
type LayoutNode = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

impl TrayItem {
    /// The item's bus name (a unique name, for ayatana).
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The item's object path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Reads the `org.kde.StatusNotifierItem` property `name`.
    pub fn property(&self, name: &str) -> Result<OwnedValue, String> {
        let reply = self
            .connection
            .call_method(
                Some(self.service.as_str()),
                self.path.as_str(),
                Some(PROPERTIES_INTERFACE),
                "Get",
                &(ITEM_INTERFACE, name),
            )
            .map_err(|err| format!("cannot read the tray item's {name}: {err}"))?;
        reply
            .body()
            .deserialize::<OwnedValue>()
            .map_err(|err| format!("the tray item's {name} is not a value: {err}"))
    }

    /// Reads a string property, such as `Id`, `Title`, `Status`,
    /// `XAyatanaLabel`.
    pub fn property_string(&self, name: &str) -> Result<String, String> {
        String::try_from(self.property(name)?)
            .map_err(|err| format!("the tray item's {name} is not a string: {err}"))
    }

    /// `IconName`: a themed icon's name, or for ayatana often a PNG's
    /// absolute path.
    pub fn icon_name(&self) -> Result<String, String> {
        self.property_string("IconName")
    }

    /// `IconPixmap`: `(width, height, ARGB32 bytes)` per size. Ayatana does
    /// not export it, so expect an error there.
    pub fn icon_pixmap(&self) -> Result<Vec<(i32, i32, Vec<u8>)>, String> {
        Vec::try_from(self.property("IconPixmap")?)
            .map_err(|err| format!("the tray item's IconPixmap is not a(iiay): {err}"))
    }

    /// The object path of the item's dbusmenu.
    pub fn menu_path(&self) -> Result<String, String> {
        OwnedObjectPath::try_from(self.property("Menu")?)
            .map(|path| path.to_string())
            .map_err(|err| format!("the tray item's Menu is not an object path: {err}"))
    }

    /// The whole menu, top level first, read with `GetLayout(0, -1, [])`.
    pub fn menu(&self) -> Result<Vec<MenuEntry>, String> {
        let path = self.menu_path()?;
        let reply = self
            .connection
            .call_method(
                Some(self.service.as_str()),
                path.as_str(),
                Some(MENU_INTERFACE),
                "GetLayout",
                &(0i32, -1i32, Vec::<&str>::new()),
            )
            .map_err(|err| format!("cannot read the tray menu at {path}: {err}"))?;
        let (_revision, (_root, _properties, children)) = reply
            .body()
            .deserialize::<(u32, LayoutNode)>()
            .map_err(|err| format!("the tray menu's layout does not parse: {err}"))?;
        children.into_iter().map(menu_entry).collect()
    }

    /// Reads the menu until `accept` holds, for up to `timeout`, and returns
    /// it. The app rebuilds its menu on its main loop, a moment after a click.
    pub fn wait_for_menu(
        &self,
        accept: impl Fn(&[MenuEntry]) -> bool,
        timeout: Duration,
    ) -> Result<Vec<MenuEntry>, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let menu = self.menu()?;
            if accept(&menu) {
                return Ok(menu);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the tray menu did not change as expected within {timeout:?}; \
                     last seen: {menu:#?}"
                ));
            }
            thread::sleep(POLL);
        }
    }

    /// Clicks the menu entry `id`, as a panel does when the user picks it.
    pub fn click(&self, id: i32) -> Result<(), String> {
        let path = self.menu_path()?;
        self.connection
            .call_method(
                Some(self.service.as_str()),
                path.as_str(),
                Some(MENU_INTERFACE),
                "Event",
                &(id, "clicked", Value::from(0i32), 0u32),
            )
            .map(|_| ())
            .map_err(|err| format!("cannot click tray menu entry {id}: {err}"))
    }
}

/// Reads one layout node (a variant holding `(ia{sv}av)`). Absent properties
/// take dbusmenu's defaults.
fn menu_entry(node: OwnedValue) -> Result<MenuEntry, String> {
    let (id, properties, children) = Value::from(node)
        .downcast::<LayoutNode>()
        .map_err(|err| format!("a tray menu node does not parse: {err}"))?;
    let text = |name: &str| {
        properties
            .get(name)
            .and_then(|value| value.downcast_ref::<&str>().ok())
            .map(str::to_owned)
    };
    let flag = |name: &str| {
        properties
            .get(name)
            .and_then(|value| value.downcast_ref::<bool>().ok())
            .unwrap_or(true)
    };
    let toggles = text("toggle-type").is_some_and(|kind| !kind.is_empty());
    Ok(MenuEntry {
        id,
        label: without_mnemonics(&text("label").unwrap_or_default()),
        enabled: flag("enabled"),
        visible: flag("visible"),
        separator: text("type").as_deref() == Some("separator"),
        toggle_state: properties
            .get("toggle-state")
            .and_then(|value| value.downcast_ref::<i32>().ok())
            .filter(|_| toggles),
        children: children
            .into_iter()
            .map(menu_entry)
            .collect::<Result<_, _>>()?,
    })
}

/// dbusmenu's label as shown: `__` is an underscore, and a lone `_` marks
/// the access key and is not shown.
fn without_mnemonics(label: &str) -> String {
    let mut shown = String::with_capacity(label.len());
    let mut chars = label.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '_' {
            shown.push(c);
        } else if chars.peek() == Some(&'_') {
            chars.next();
            shown.push('_');
        }
    }
    shown
}
