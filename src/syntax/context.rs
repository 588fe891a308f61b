//! Configuration contexts: where a directive stands (main, http, server,
//! location, `if` inside a location, …), and which context a block opens.

/// A configuration context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Context {
    Main,
    Events,
    Http,
    Server,
    Location,
    IfInServer,
    IfInLocation,
    LimitExcept,
    Upstream,
    Stream,
    StreamServer,
    StreamUpstream,
    Mail,
    MailServer,
    /// The body of a block whose entries are data, not directives (`map`,
    /// `geo`, `types`, `split_clients`, `charset_map`, Lua blocks).
    Data,
    /// Inside a block nginx's standard modules do not define, or a snippet
    /// whose context could not be inferred: nothing is checked here.
    Unknown,
}

impl Context {
    /// The context named as in grammar/directives.tsv.
    pub fn from_table_name(name: &str) -> Option<Context> {
        Some(match name {
            "main" => Context::Main,
            "events" => Context::Events,
            "http" => Context::Http,
            "server" => Context::Server,
            "location" => Context::Location,
            "if-in-server" => Context::IfInServer,
            "if-in-location" => Context::IfInLocation,
            "limit_except" => Context::LimitExcept,
            "upstream" => Context::Upstream,
            "stream" => Context::Stream,
            "stream-server" => Context::StreamServer,
            "stream-upstream" => Context::StreamUpstream,
            "mail" => Context::Mail,
            "mail-server" => Context::MailServer,
            _ => return None,
        })
    }

    /// How users write the context (in messages and `# wslint: context=`).
    pub fn describe(self) -> &'static str {
        match self {
            Context::Main => "main",
            Context::Events => "events",
            Context::Http => "http",
            Context::Server => "server",
            Context::Location => "location",
            Context::IfInServer => "`if` in a server",
            Context::IfInLocation => "`if` in a location",
            Context::LimitExcept => "limit_except",
            Context::Upstream => "upstream",
            Context::Stream => "stream",
            Context::StreamServer => "stream server",
            Context::StreamUpstream => "stream upstream",
            Context::Mail => "mail",
            Context::MailServer => "mail server",
            Context::Data => "data block",
            Context::Unknown => "unknown",
        }
    }

    /// Parses the value of a `# wslint: context=` comment.
    pub fn from_user_name(name: &str) -> Option<Context> {
        match name {
            "if" => Some(Context::IfInLocation),
            other => Context::from_table_name(other),
        }
    }

    /// Whether directives here are checked against the directive table.
    pub fn is_checked(self) -> bool {
        !matches!(self, Context::Data | Context::Unknown)
    }

    /// Whether this is an HTTP configuration level that directives inherit
    /// through (http, server, location, `if`, limit_except).
    pub fn is_http_level(self) -> bool {
        matches!(
            self,
            Context::Http
                | Context::Server
                | Context::Location
                | Context::IfInServer
                | Context::IfInLocation
                | Context::LimitExcept
        )
    }

    /// The context a block directive `name` opens inside `self`.
    pub fn child(self, name: &str) -> Context {
        use Context::*;
        if name.ends_with("_by_lua_block") {
            return Data;
        }
        match (self, name) {
            (Main, "events") => Events,
            (Main, "http") => Http,
            (Main, "stream") => Stream,
            (Main, "mail") => Mail,
            (Http, "server") => Server,
            (Http, "upstream") => Upstream,
            (Server | Location, "location") => Location,
            (Server, "if") => IfInServer,
            (Location, "if") => IfInLocation,
            (Location, "limit_except") => LimitExcept,
            (Stream, "server") => StreamServer,
            (Stream, "upstream") => StreamUpstream,
            (Mail, "server") => MailServer,
            (
                Http | Stream,
                "map" | "geo" | "split_clients" | "charset_map" | "types" | "match",
            ) => Data,
            (Server | Location, "types") => Data,
            _ => Unknown,
        }
    }
}

/// The context of a file analysed on its own: a `# wslint: context=NAME`
/// comment before its first directive, else what its top level suggests
/// (`http`/`events` → main, `server`/`upstream`/`map` → http, `location`/
/// `listen`/`server_name` → server, known directives that are all allowed
/// in a location → location), else unknown (only argument counts are
/// checked; also when the top level mixes http-level and server-level
/// directives).
pub fn context_of(tree: &super::SyntaxTree) -> Context {
    for item in tree.items(&tree.root) {
        match item {
            super::Item::Comment(t) => {
                let text = String::from_utf8_lossy(tree.token_text(*t));
                if let Some(ctx) = context_comment(&text) {
                    return ctx;
                }
            }
            _ => break,
        }
    }
    const MAIN: &[&str] = &[
        "http",
        "events",
        "stream",
        "mail",
        "worker_processes",
        "user",
        "pid",
        "load_module",
    ];
    const HTTP: &[&str] = &[
        "server",
        "upstream",
        "map",
        "geo",
        "log_format",
        "limit_req_zone",
        "proxy_cache_path",
    ];
    const SERVER: &[&str] = &["location", "listen", "server_name"];
    // One pass over the top-level directives; a file of 20,000 servers
    // would otherwise copy 20,000 names into a set.
    let (mut main, mut http, mut server) = (false, false, false);
    for d in tree.directives() {
        let name = d.name();
        main |= MAIN.contains(&name.as_ref());
        http |= HTTP.contains(&name.as_ref());
        server |= SERVER.contains(&name.as_ref());
    }
    match (main, http, server) {
        (true, _, _) => Context::Main,
        // Both http-level and server-level directives at the top: no
        // context accepts that file whole, so nothing is assumed.
        (false, true, true) => Context::Unknown,
        (false, true, false) => Context::Http,
        (false, false, true) => Context::Server,
        (false, false, false) if is_location_body(tree) => Context::Location,
        (false, false, false) => Context::Unknown,
    }
}

/// Whether a file's top level reads as the body of a location: directives
/// the directive table knows, every one of them allowed in a location (a
/// snippet of bare `proxy_*` lines, say). Directives the table does not
/// know (third-party modules), and ones allowed anywhere (`include`),
/// neither decide nor prevent it.
fn is_location_body(tree: &super::SyntaxTree) -> bool {
    let mut known = false;
    for d in tree.directives() {
        let specs = super::directives::table().lookup(&d.name());
        // `include` and the like are allowed anywhere: they tell nothing.
        if specs.iter().all(|s| s.contexts.is_none()) {
            continue;
        }
        if !specs.iter().any(|s| s.allowed_in(Context::Location)) {
            return false;
        }
        known = true;
    }
    known
}

/// Parses `# wslint: context=server`.
fn context_comment(text: &str) -> Option<Context> {
    let rest = text.trim_start_matches('#').trim();
    let rest = rest.strip_prefix("wslint:")?.trim();
    let value = rest.strip_prefix("context=")?;
    Context::from_user_name(value.split_whitespace().next()?)
}
