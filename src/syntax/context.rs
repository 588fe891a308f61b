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
    pub(crate) fn from_table_name(name: &str) -> Option<Context> {
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
    pub(crate) fn describe(self) -> &'static str {
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
    pub(crate) fn from_user_name(name: &str) -> Option<Context> {
        match name {
            "if" => Some(Context::IfInLocation),
            other => Context::from_table_name(other),
        }
    }

    /// Whether directives here are checked against the directive table.
    pub(crate) fn is_checked(self) -> bool {
        !matches!(self, Context::Data | Context::Unknown)
    }

    /// Whether this is an HTTP configuration level that directives inherit
    /// through (http, server, location, `if`, limit_except).
    pub(crate) fn is_http_level(self) -> bool {
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
    pub(crate) fn child(self, name: &str) -> Context {
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
