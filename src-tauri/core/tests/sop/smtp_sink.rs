//! A real SMTP server on loopback for the mail tests: Python's aiosmtpd
//! (from PyPI; `.ci/setup` puts it in `target/py`). It saves every message
//! it accepts as JSON: the envelope, the decoded headers and the body. The
//! e2e tests include this file too (`tests/e2e/flows/mod.rs`).

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// argv: port, output directory, and optionally "user:password" to require
/// AUTH (advertised without TLS, as a local relay would).
const SMTP_SINK: &str = r#"
import email, json, pathlib, sys
from email import policy
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

out = pathlib.Path(sys.argv[2])
login = sys.argv[3].split(":", 1) if len(sys.argv) > 3 else None

class Save:
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": session.auth_data.decode() if isinstance(session.auth_data, bytes) else None,
            "from": str(message["from"]),
            "to": str(message["to"]),
            "reply_to": str(message["reply-to"] or ""),
            "subject": str(message["subject"]),
            "message_id": str(message["message-id"] or ""),
            "ticket": str(message["x-escalator-ticket"] or ""),
            "body": message.get_body(("plain",)).get_content(),
        }
        n = len(list(out.glob("*.json")))
        staged = out / f"{n}.tmp"
        staged.write_text(json.dumps(record))
        staged.rename(out / f"{n}.json")
        return "250 OK"

def authenticate(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and [data.login.decode(), data.password.decode()] == login
    return AuthResult(success=ok, handled=False, auth_data=data.login if ok else None)

options = {"authenticator": authenticate, "auth_require_tls": False, "auth_required": True} if login else {}
controller = Controller(Save(), hostname="127.0.0.1", port=int(sys.argv[1]), **options)
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"#;

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Python with aiosmtpd: the system's, or the venv `.ci/setup` creates in
/// the workspace's `target/py` (this file serves the core's tests and the
/// e2e tests, whose manifests sit at different depths).
fn python_with_aiosmtpd() -> PathBuf {
    let works = |python: &Path| {
        Command::new(python)
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    let system = PathBuf::from("python3");
    if works(&system) {
        return system;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("target/py/bin/python3"))
        .find(|python| works(python))
        .expect("no Python with aiosmtpd: run `bash .ci/setup` (it creates target/py)")
}

pub struct SmtpSink {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    /// A server that takes mail from anyone.
    pub fn start() -> SmtpSink {
        SmtpSink::spawn(None)
    }

    /// A server that takes mail only after AUTH as `user` with `password`.
    pub fn with_login(user: &str, password: &str) -> SmtpSink {
        SmtpSink::spawn(Some(format!("{user}:{password}")))
    }

    fn spawn(login: Option<String>) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("sink.py");
        std::fs::write(&script, SMTP_SINK).unwrap();
        let mailbox = dir.path().join("mail");
        std::fs::create_dir(&mailbox).unwrap();
        let port = free_port();
        let mut child = Command::new(python_with_aiosmtpd())
            .arg(&script)
            .arg(port.to_string())
            .arg(&mailbox)
            .args(login)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        SmtpSink { child, port, dir }
    }

    /// Every message received, oldest first.
    pub fn messages(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("mail"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort_by_key(|path| {
            path.file_stem()
                .and_then(|stem| stem.to_str()?.parse::<u32>().ok())
        });
        files
            .iter()
            .map(|path| serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
