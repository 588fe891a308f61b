//! A small Language Server Protocol client for the tests and the benchmark
//! of `wslint server`: it starts the server, frames messages with
//! `lsp-server`'s reader and writer, and waits for answers with a timeout.

use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use std::io::BufReader;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long any one answer may take.
const PATIENCE: Duration = Duration::from_secs(20);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Message>,
    next_id: i32,
}

/// A file URI for a path.
pub fn uri(path: &Path) -> String {
    lsp_types::Url::from_file_path(path).unwrap().to_string()
}

impl Client {
    /// Starts `binary server ARGS…` and initializes it with `root` as the
    /// workspace folder, for a client with no optional capabilities.
    pub fn start(binary: &Path, args: &[&str], root: &Path) -> Client {
        Client::start_with(binary, args, root, json!({}))
    }

    /// [`Client::start`] for a client with these capabilities.
    pub fn start_with(binary: &Path, args: &[&str], root: &Path, capabilities: Value) -> Client {
        let mut child = Command::new(binary)
            .arg("server")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("wslint server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Ok(Some(message)) = Message::read(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 0,
        };
        let folder = json!([{"uri": uri(root), "name": "root"}]);
        client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "workspaceFolders": folder,
                   "capabilities": capabilities}),
        );
        client.notify("initialized", json!({}));
        client
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let message = Message::Notification(Notification::new(method.to_string(), params));
        message.write(&mut self.stdin).expect("the server reads");
    }

    /// Sends a request and waits for its result (notifications that come
    /// first are dropped). Panics on an error answer.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let message = Message::Request(Request::new(id.clone(), method.to_string(), params));
        message.write(&mut self.stdin).expect("the server reads");
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.next_message(deadline) {
                Message::Response(r) if r.id == id => {
                    if let Some(e) = r.error {
                        panic!("{method} failed: {}", e.message);
                    }
                    return r.result.unwrap_or(Value::Null);
                }
                _ => {}
            }
        }
    }

    fn next_message(&mut self, deadline: Instant) -> Message {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(left) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => panic!("wslint server did not answer in time"),
            Err(RecvTimeoutError::Disconnected) => panic!("wslint server stopped"),
        }
    }

    /// Waits for the next diagnostics published for `uri`.
    pub fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Message::Notification(n) = self.next_message(deadline)
                && n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri
            {
                return n.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }

    pub fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "nginx", "version": 1,
                                    "text": text}}),
        );
    }

    pub fn change(&mut self, path: &Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }

    /// Asks the server to shut down and exit; the exit code.
    pub fn stop(mut self) -> Option<i32> {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        None
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
