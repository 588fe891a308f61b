//! The context a file's top level suggests, for a file analysed on its
//! own (a snippet, a site file checked without its nginx.conf).

use super::context::Context;
use super::directives::table;
use super::{Item, SyntaxTree};

/// The context of a file analysed on its own: a `# wslint: context=NAME`
/// comment before its first directive, else what its top level suggests
/// (`http`/`events` → main, `server`/`upstream`/`map` → http, `location`/
/// `listen`/`server_name` → server, known directives that are all allowed
/// in a location → location), else unknown (only argument counts are
/// checked; also when the top level mixes http-level and server-level
/// directives).
pub fn context_of(tree: &SyntaxTree) -> Context {
    for item in tree.items(&tree.root) {
        match item {
            Item::Comment(t) => {
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
fn is_location_body(tree: &SyntaxTree) -> bool {
    let mut known = false;
    for d in tree.directives() {
        let specs = table().lookup(&d.name());
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
