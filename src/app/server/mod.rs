//! `wslint server`: a language server over standard input and output for
//! editors. The protocol (framing, JSON-RPC, the message types) comes from
//! the `lsp-server` and `lsp-types` crates; this module answers:
//!
//! - diagnostics for every open file on open, change and save, computed in
//!   the configuration the file belongs to ([`analysis`]);
//! - code actions: each finding's fix, "fix all safe problems in this
//!   file" and a suppression comment ([`actions`]);
//! - hover: what nginx does at a location, a directive's facts, a rule's
//!   summary ([`hover`]);
//! - go to definition and the document outline ([`navigate`]).
//!
//! Everything is computed again from the files and buffers when asked:
//! analysing even a 2,000-server configuration takes a few tens of
//! milliseconds, so there is no cache of results to keep in step.

mod actions;
mod analysis;
mod convert;
mod hover;
mod navigate;
mod positions;

use crate::diagnostic::Diagnostic;
use crate::load::files::FileSet;
use analysis::{Analysis, Workspace};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Runs the server until the client asks it to exit; the exit code.
pub(crate) fn run(settings: &crate::app::cli::Settings) -> u8 {
    let (connection, io_threads) = Connection::stdio();
    let code = match serve(&connection, settings) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("wslint server: {e}");
            2
        }
    };
    drop(connection);
    let _ = io_threads.join();
    code
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QUICKFIX,
                    actions::FIX_ALL.clone(),
                ]),
                resolve_provider: Some(true),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

fn serve(connection: &Connection, settings: &crate::app::cli::Settings) -> Result<(), Failure> {
    let (id, params) = connection.initialize_start()?;
    let params: lsp::InitializeParams = serde_json::from_value(params)?;
    let result = lsp::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(lsp::ServerInfo {
            name: "wslint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;
    // Whether the client can ask for an action's edit once it is picked.
    let lazy_edits = params
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.code_action.as_ref())
        .and_then(|c| c.resolve_support.as_ref())
        .is_some_and(|r| r.properties.iter().any(|p| p == "edit"));
    let mut server = Server {
        connection,
        lazy_edits,
        workspace: Workspace::new(settings.clone(), workspace_folders(&params)),
        open: BTreeSet::new(),
        published: std::collections::HashMap::new(),
    };
    loop {
        let Ok(message) = connection.receiver.recv() else {
            return Ok(());
        };
        let mut changed = Publish::Nothing;
        let mut next = Some(message);
        // Take every message already waiting before analysing: a burst of
        // keystrokes is analysed once.
        while let Some(message) = next {
            match message {
                Message::Request(request) => {
                    if connection.handle_shutdown(&request)? {
                        return Ok(());
                    }
                    if changed != Publish::Nothing {
                        server.publish(changed)?;
                        changed = Publish::Nothing;
                    }
                    server.answer(request)?;
                }
                Message::Notification(notification) => {
                    changed = changed.max(server.notice(notification));
                }
                Message::Response(_) => {}
            }
            next = connection.receiver.try_recv().ok();
        }
        if changed != Publish::Nothing {
            server.publish(changed)?;
        }
    }
}

fn workspace_folders(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().ok())
        .collect();
    #[allow(deprecated)] // Older clients send only the root.
    if let Some(root) = params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()) {
        folders.push(root);
    }
    folders
}

/// Which diagnostics a notification makes stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Publish {
    Nothing,
    /// The open files' (an edit: what the user looks at, at typing speed).
    OpenFiles,
    /// Every file of their configurations (on open, save and close).
    AllFiles,
}

struct Server<'c> {
    connection: &'c Connection,
    /// The client resolves code actions: "fix all" is offered without its
    /// edit, computed when picked.
    lazy_edits: bool,
    workspace: Workspace,
    /// The open files, by path.
    open: BTreeSet<PathBuf>,
    /// The files given diagnostics at the last publication, by the
    /// configuration they belong to.
    published: std::collections::HashMap<PathBuf, BTreeSet<lsp::Url>>,
}

impl Server<'_> {
    /// Takes a notification in; which diagnostics must be published again.
    fn notice(&mut self, notification: Notification) -> Publish {
        use lsp::notification as n;
        match notification.method.as_str() {
            n::DidOpenTextDocument::METHOD => {
                let Some((p, path)) =
                    document::<lsp::DidOpenTextDocumentParams>(notification.params)
                else {
                    return Publish::Nothing;
                };
                self.workspace
                    .set_buffer(&path, p.text_document.text.into_bytes());
                self.workspace.forget_roots();
                self.open.insert(path);
                Publish::AllFiles
            }
            n::DidChangeTextDocument::METHOD => {
                let Some((p, path)) =
                    document::<lsp::DidChangeTextDocumentParams>(notification.params)
                else {
                    return Publish::Nothing;
                };
                // Full synchronisation: the last change is the whole text.
                if let Some(change) = p.content_changes.into_iter().last() {
                    self.workspace.set_buffer(&path, change.text.into_bytes());
                }
                if path.file_name().is_some_and(|n| n == "nginx.conf") {
                    self.workspace.forget_roots();
                }
                Publish::OpenFiles
            }
            n::DidSaveTextDocument::METHOD => {
                self.workspace.forget_roots();
                Publish::AllFiles
            }
            n::DidCloseTextDocument::METHOD => {
                let Some((_, path)) =
                    document::<lsp::DidCloseTextDocumentParams>(notification.params)
                else {
                    return Publish::Nothing;
                };
                self.workspace.close_buffer(&path);
                self.open.remove(&path);
                self.workspace.forget_roots();
                Publish::AllFiles
            }
            _ => Publish::Nothing,
        }
    }

    /// Publishes the diagnostics of the open files and, for
    /// [`Publish::AllFiles`], of every file of the configurations they
    /// belong to (an editor lists those of closed files in its problems
    /// view: a wrong `map` in nginx.conf concerns the site file that uses
    /// it), analysing each configuration once; files whose findings are
    /// gone get an empty list. After an edit only the open files' are sent:
    /// a large configuration's thousands of findings take longer to send
    /// and read than to find.
    fn publish(&mut self, scope: Publish) -> Result<(), Failure> {
        let open: Vec<PathBuf> = self.open.iter().cloned().collect();
        let mut by_root: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
        for path in open {
            let root = self.workspace.root_of(&path);
            match by_root.iter_mut().find(|(r, _)| *r == root) {
                Some((_, paths)) => paths.push(path),
                None => by_root.push((root, vec![path])),
            }
        }
        let mut published = std::collections::HashMap::new();
        for (root, paths) in by_root {
            let mut now: BTreeSet<lsp::Url> = BTreeSet::new();
            match self.workspace.load(&root) {
                Ok(analysis) => {
                    let files = &analysis.loaded.files;
                    let outcome = analysis.findings();
                    let mut by_file: Vec<Vec<&Diagnostic>> = vec![Vec::new(); files.files.len()];
                    for d in &outcome.diagnostics {
                        by_file[d.location.file as usize].push(d);
                    }
                    let open: BTreeSet<u32> = paths.iter().filter_map(|p| files.id_of(p)).collect();
                    for (id, findings) in by_file.iter().enumerate() {
                        let id = id as u32;
                        let Some(uri) = convert::uri_of(files, id) else {
                            continue;
                        };
                        let is_open = open.contains(&id);
                        if !is_open && scope != Publish::AllFiles {
                            if self.published.get(&root).is_some_and(|p| p.contains(&uri)) {
                                now.insert(uri);
                            }
                            continue;
                        }
                        let diagnostics = file_diagnostics(files, id, findings);
                        if !diagnostics.is_empty() || is_open {
                            now.insert(uri.clone());
                            self.send_diagnostics(uri, diagnostics)?;
                        }
                    }
                }
                Err(e) => {
                    for path in &paths {
                        if let Ok(uri) = lsp::Url::from_file_path(path) {
                            now.insert(uri.clone());
                            self.send_diagnostics(uri, vec![settings_error(&e)])?;
                        }
                    }
                }
            }
            published.insert(root, now);
        }
        let before = std::mem::take(&mut self.published);
        let still: BTreeSet<&lsp::Url> = published.values().flatten().collect();
        for uri in before.values().flatten() {
            if !still.contains(uri) {
                self.send_diagnostics(uri.clone(), Vec::new())?;
            }
        }
        self.published = published;
        Ok(())
    }

    fn send_diagnostics(
        &self,
        uri: lsp::Url,
        diagnostics: Vec<lsp::Diagnostic>,
    ) -> Result<(), Failure> {
        let params = lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        };
        let notification = Notification::new(
            lsp::notification::PublishDiagnostics::METHOD.to_string(),
            params,
        );
        self.connection
            .sender
            .send(Message::Notification(notification))?;
        Ok(())
    }

    /// Answers a request (an error response for one it does not know).
    fn answer(&mut self, request: Request) -> Result<(), Failure> {
        use lsp::request as r;
        let id = request.id.clone();
        let result = match request.method.as_str() {
            r::HoverRequest::METHOD => self.with_file(request, |a, path, p: lsp::HoverParams| {
                hover::hover(a, path, p.text_document_position_params.position)
            }),
            r::GotoDefinition::METHOD => {
                self.with_file(request, |a, path, p: lsp::GotoDefinitionParams| {
                    navigate::definition(a, path, p.text_document_position_params.position)
                })
            }
            r::DocumentSymbolRequest::METHOD => self
                .with_file(request, |a, path, _: lsp::DocumentSymbolParams| {
                    navigate::outline(a, path)
                }),
            r::CodeActionRequest::METHOD => {
                let lazy = self.lazy_edits;
                self.with_file(request, |a, path, p: lsp::CodeActionParams| {
                    actions::actions(a, path, &p, lazy)
                })
            }
            r::CodeActionResolveRequest::METHOD => self
                .with_file(request, |a, path, action: lsp::CodeAction| {
                    actions::resolve_fix_all(a, path, action)
                }),
            _ => Err(lsp_server::ResponseError {
                code: lsp_server::ErrorCode::MethodNotFound as i32,
                message: format!("wslint server does not answer {}", request.method),
                data: None,
            }),
        };
        self.respond(id, result)
    }

    /// Parses a request's parameters, analyses the configuration of the
    /// file they name, and answers with `answer`'s result.
    fn with_file<P, R>(
        &mut self,
        request: Request,
        answer: impl FnOnce(&Analysis, &std::path::Path, P) -> R,
    ) -> Result<serde_json::Value, lsp_server::ResponseError>
    where
        P: serde::de::DeserializeOwned + HasDocument,
        R: serde::Serialize,
    {
        let invalid = |message: String| lsp_server::ResponseError {
            code: lsp_server::ErrorCode::InvalidParams as i32,
            message,
            data: None,
        };
        let (params, path) = document::<P>(request.params)
            .ok_or_else(|| invalid("no file document in the parameters".into()))?;
        let root = self.workspace.root_of(&path);
        let analysis = self
            .workspace
            .load(&root)
            .map_err(|e| invalid(format!("settings: {e}")))?;
        let result = answer(&analysis, &path, params);
        serde_json::to_value(result).map_err(|e| invalid(e.to_string()))
    }

    fn respond(
        &self,
        id: RequestId,
        result: Result<serde_json::Value, lsp_server::ResponseError>,
    ) -> Result<(), Failure> {
        let response = match result {
            Ok(value) => Response {
                id,
                result: Some(value),
                error: None,
            },
            Err(error) => Response {
                id,
                result: None,
                error: Some(error),
            },
        };
        self.connection.sender.send(Message::Response(response))?;
        Ok(())
    }
}

/// Parameters that name a file document.
trait HasDocument {
    fn document(&self) -> Option<PathBuf>;
}

/// A notification's or request's parameters and the path of the file
/// document they name; `None` when they do not parse or name no file.
fn document<P: serde::de::DeserializeOwned + HasDocument>(
    params: serde_json::Value,
) -> Option<(P, PathBuf)> {
    let params: P = serde_json::from_value(params).ok()?;
    let path = params.document()?;
    Some((params, path))
}

impl HasDocument for lsp::CodeAction {
    fn document(&self) -> Option<PathBuf> {
        actions::fix_all_target(self)
    }
}

impl HasDocument for lsp::DidOpenTextDocumentParams {
    fn document(&self) -> Option<PathBuf> {
        self.text_document.uri.to_file_path().ok()
    }
}

impl HasDocument for lsp::DidChangeTextDocumentParams {
    fn document(&self) -> Option<PathBuf> {
        self.text_document.uri.to_file_path().ok()
    }
}

impl HasDocument for lsp::DidCloseTextDocumentParams {
    fn document(&self) -> Option<PathBuf> {
        self.text_document.uri.to_file_path().ok()
    }
}

impl HasDocument for lsp::HoverParams {
    fn document(&self) -> Option<PathBuf> {
        self.text_document_position_params
            .text_document
            .uri
            .to_file_path()
            .ok()
    }
}

impl HasDocument for lsp::GotoDefinitionParams {
    fn document(&self) -> Option<PathBuf> {
        self.text_document_position_params
            .text_document
            .uri
            .to_file_path()
            .ok()
    }
}

impl HasDocument for lsp::DocumentSymbolParams {
    fn document(&self) -> Option<PathBuf> {
        self.text_document.uri.to_file_path().ok()
    }
}

impl HasDocument for lsp::CodeActionParams {
    fn document(&self) -> Option<PathBuf> {
        self.text_document.uri.to_file_path().ok()
    }
}

/// The findings in file `id` and its syntax errors, as the protocol shows
/// them.
fn file_diagnostics(files: &FileSet, id: u32, findings: &[&Diagnostic]) -> Vec<lsp::Diagnostic> {
    let file = files.get(id);
    let lines = positions::Lines::new(&file.tree.source);
    let syntax = file.tree.errors.iter().map(|e| lsp::Diagnostic {
        range: lines.range(&e.span),
        severity: Some(lsp::DiagnosticSeverity::ERROR),
        code: Some(lsp::NumberOrString::String("syntax-error".into())),
        source: Some("wslint".into()),
        message: e.message.clone(),
        ..Default::default()
    });
    syntax
        .chain(
            findings
                .iter()
                .map(|d| convert::diagnostic(files, &lines, d)),
        )
        .collect()
}

/// A broken `.wslint.toml`, shown at the top of the file.
fn settings_error(message: &str) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: lsp::Range::default(),
        severity: Some(lsp::DiagnosticSeverity::ERROR),
        source: Some("wslint".into()),
        message: format!("wslint settings cannot be used: {message}"),
        ..Default::default()
    }
}
