//! What wslint knows of the software behind a WebSocket route:
//! grammar/websocket-apps.tsv compiled into the binary (see
//! grammar/websocket-apps.md for the columns and where each fact comes
//! from), and how a location is matched to a row: by the path of a known
//! endpoint, or, more weakly, by the host or port it proxies to.

use std::sync::OnceLock;

const TABLE: &str = include_str!("../../grammar/websocket-apps.tsv");

/// What a protocol sends on an otherwise idle connection by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Heartbeat {
    /// Not known (no source says).
    Unknown,
    /// Nothing: the connection is silent while idle.
    Silent,
    /// A ping or message every this many seconds, from `side` (`server`,
    /// `client` or `both`).
    Every { seconds: u64, side: &'static str },
}

/// Whether the server checks a handshake's `Origin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OriginCheck {
    /// It refuses an `Origin` whose host is not the request's `Host`: a
    /// proxy that does not pass `Host` breaks every handshake.
    Host,
    /// It compares `Origin` with a configured list or URL, not with `Host`.
    Allowlist,
    /// It does not check by default.
    None,
}

/// One row of the table.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    /// Default endpoint paths: `*` is one segment, a trailing `/` a prefix.
    pub(crate) paths: Vec<&'static str>,
    /// Whether the endpoint carries only WebSockets (`None`: not known).
    pub(crate) websocket_only: Option<bool>,
    pub(crate) heartbeat: Heartbeat,
    /// `None`: not known.
    pub(crate) origin_check: Option<OriginCheck>,
    /// Service and host names it usually runs under.
    pub(crate) hosts: Vec<&'static str>,
    /// Its own default listening ports.
    pub(crate) ports: Vec<u16>,
    /// A framework or protocol (apps are built on them), not an app: the
    /// rows above the table's `# --- applications ---` line.
    pub(crate) framework: bool,
    /// Where each fact comes from (a documentation page or source file),
    /// empty where the fact is: paths (and `websocket_only`), heartbeat,
    /// Origin check, ports (and hosts).
    pub(crate) sources: Sources,
}

/// The source of each of a row's facts.
#[derive(Debug)]
pub(crate) struct Sources {
    pub(crate) paths: &'static str,
    pub(crate) heartbeat: &'static str,
    pub(crate) origin: &'static str,
    pub(crate) ports: &'static str,
}

/// Every row, in the table's order (frameworks first).
pub(crate) fn apps() -> &'static [App] {
    static APPS: OnceLock<Vec<App>> = OnceLock::new();
    APPS.get_or_init(|| parse(TABLE).unwrap_or_else(|e| panic!("grammar/websocket-apps.tsv: {e}")))
}

/// The row with this id.
pub(crate) fn find(id: &str) -> Option<&'static App> {
    apps().iter().find(|a| a.id.eq_ignore_ascii_case(id))
}

/// Parses the table; an error names the line.
pub(crate) fn parse(text: &'static str) -> Result<Vec<App>, String> {
    let mut rows = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
    let (_, header) = rows.next().ok_or("no header row")?;
    let columns: Vec<&str> = header.split('\t').collect();
    let column = |name: &str| {
        columns
            .iter()
            .position(|c| *c == name)
            .ok_or_else(|| format!("no `{name}` column"))
    };
    let [id, name, paths, only, heartbeat, origin, hosts, ports] = [
        "app",
        "name",
        "paths",
        "websocket_only",
        "heartbeat",
        "origin_check",
        "hosts",
        "ports",
    ]
    .map(column);
    let (id, name, paths, only, heartbeat, origin, hosts, ports) = (
        id?, name?, paths?, only?, heartbeat?, origin?, hosts?, ports?,
    );
    let [paths_source, heartbeat_source, origin_source, ports_source] = [
        "paths_source",
        "heartbeat_source",
        "origin_source",
        "ports_source",
    ]
    .map(column);
    let (paths_source, heartbeat_source, origin_source, ports_source) = (
        paths_source?,
        heartbeat_source?,
        origin_source?,
        ports_source?,
    );
    let list = |cell: &'static str| -> Vec<&'static str> {
        cell.split('|').filter(|s| !s.is_empty()).collect()
    };
    let applications_start = text
        .lines()
        .position(|l| l.starts_with("# --- applications"))
        .unwrap_or(usize::MAX);
    let mut apps = Vec::new();
    for (n, line) in rows {
        let at = |message: String| format!("line {}: {message}", n + 1);
        let cells: Vec<&'static str> = line.split('\t').collect();
        if cells.len() != columns.len() {
            return Err(at(format!(
                "{} cells, the header has {}",
                cells.len(),
                columns.len()
            )));
        }
        let heartbeat = match cells[heartbeat] {
            "" => Heartbeat::Unknown,
            "none" => Heartbeat::Silent,
            text => {
                let (interval, side) = text
                    .split_once(' ')
                    .ok_or_else(|| at(format!("heartbeat `{text}`")))?;
                let seconds = interval
                    .strip_suffix('s')
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| at(format!("heartbeat `{text}`")))?;
                if !["server", "client", "both"].contains(&side) {
                    return Err(at(format!("heartbeat side `{side}`")));
                }
                Heartbeat::Every { seconds, side }
            }
        };
        let origin_check = match cells[origin] {
            "" => None,
            "host" => Some(OriginCheck::Host),
            "allowlist" => Some(OriginCheck::Allowlist),
            "none" => Some(OriginCheck::None),
            other => return Err(at(format!("origin_check `{other}`"))),
        };
        let websocket_only = match cells[only] {
            "" => None,
            "yes" => Some(true),
            "no" => Some(false),
            other => return Err(at(format!("websocket_only `{other}`"))),
        };
        let ports = list(cells[ports])
            .into_iter()
            .map(|p| p.parse().map_err(|_| at(format!("port `{p}`"))))
            .collect::<Result<Vec<u16>, String>>()?;
        let paths = list(cells[paths]);
        if let Some(bad) = paths.iter().find(|p| !p.starts_with('/')) {
            return Err(at(format!("path `{bad}` does not start with /")));
        }
        apps.push(App {
            id: cells[id],
            name: cells[name],
            paths,
            websocket_only,
            heartbeat,
            origin_check,
            hosts: list(cells[hosts]),
            ports,
            framework: n < applications_start,
            sources: Sources {
                paths: cells[paths_source],
                heartbeat: cells[heartbeat_source],
                origin: cells[origin_source],
                ports: cells[ports_source],
            },
        });
    }
    Ok(apps)
}

/// Ports many programs listen on: never enough to name an app. Besides the
/// web defaults, the ones development servers and frameworks pick (3001
/// beside 3000, Phoenix's 4000), and 9000/9090, which PHP-FPM, MinIO,
/// SonarQube and Prometheus also use.
const GENERIC_PORTS: &[u16] = &[
    80, 443, 3000, 3001, 4000, 5000, 8000, 8080, 8081, 8082, 8443, 9000, 9090,
];

/// Host names too common to name an app.
const GENERIC_HOSTS: &[&str] = &[
    "web",
    "app",
    "api",
    "backend",
    "frontend",
    "server",
    "streaming",
    "webserver",
    "localhost",
];

/// Path words too common to name an app by themselves (`/api`, `/ws`,
/// `/stream`): a path made only of these (and `*`) does not identify one.
const GENERIC_WORDS: &[&str] = &[
    "api",
    "ws",
    "wss",
    "websocket",
    "websockets",
    "socket",
    "stream",
    "streaming",
    "echo",
    "push",
    "realtime",
    "events",
    "live",
    "hub",
    "app",
    "graphql",
    "portfolio",
    "v1",
    "v2",
    "v3",
    "v4",
    "json",
    "signalr",
    "messages",
    "negotiate",
    "connection",
];

/// The table arranged for lookups made for every location of a large
/// configuration: most locations share no word with any endpoint and are
/// dismissed by one set lookup per path segment.
struct Index {
    /// The last literal segment, in lower case, of each path that
    /// identifies an app, to those paths (places in `identifying`): a
    /// location that matches such a path has that segment.
    by_word: rustc_hash::FxHashMap<String, Vec<usize>>,
    /// (row, path, its segments) for every path that identifies an app.
    identifying: Vec<(usize, &'static str, Vec<&'static str>)>,
    /// Service names and ids, squeezed (`homeassistant`), to the first row
    /// that has them.
    names: rustc_hash::FxHashMap<String, usize>,
    /// Default ports to the rows that listen on them.
    ports: rustc_hash::FxHashMap<u16, Vec<usize>>,
}

/// `home-assistant`, `home_assistant` and `HomeAssistant` are one name.
fn squeeze(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = Index {
            by_word: Default::default(),
            identifying: Vec::new(),
            names: Default::default(),
            ports: Default::default(),
        };
        for (row, app) in apps().iter().enumerate() {
            for path in app.paths.iter().copied().filter(|p| identifies(p)) {
                let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
                if let Some(last) = segments.iter().rev().find(|s| **s != "*") {
                    let place = index.identifying.len();
                    index
                        .by_word
                        .entry(last.to_ascii_lowercase())
                        .or_default()
                        .push(place);
                }
                index.identifying.push((row, path, segments));
            }
            for name in app.hosts.iter().copied().chain([app.id]) {
                index.names.entry(squeeze(name)).or_insert(row);
            }
            for port in &app.ports {
                index.ports.entry(*port).or_default().push(row);
            }
        }
        index
    })
}

/// How a location was matched to an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Evidence {
    /// The location's path is the app's endpoint path.
    Path(&'static str),
    /// It proxies to a host named like the app's service.
    Host(String),
    /// It proxies to the app's default port.
    Port(u16),
    /// The user declared it (`--websocket-path GLOB=APP`).
    Declared(String),
    /// Its path has a segment only that framework uses (`sockjs-node`).
    Segment(String),
}

/// A location's app and how it was recognised.
#[derive(Debug, Clone)]
pub(crate) struct Recognised {
    pub(crate) app: &'static App,
    pub(crate) evidence: Evidence,
}

impl Recognised {
    /// "Home Assistant's WebSocket endpoint", "probably Streamlit (proxied
    /// to port 8501, its default)".
    pub(crate) fn describe(&self) -> String {
        let name = self.app.name;
        match &self.evidence {
            Evidence::Path(path) => format!("{name}'s WebSocket endpoint `{path}`"),
            Evidence::Host(host) => format!("probably {name}: proxied to `{host}`"),
            Evidence::Port(port) => format!("probably {name}: proxied to port {port}, its default"),
            Evidence::Declared(glob) => format!("{name}, as configured for `{glob}`"),
            Evidence::Segment(segment) => format!("a {name} endpoint (`{segment}`)"),
        }
    }

    /// The app's name for a finding's place, with the inference when
    /// only where it proxies tells: "Socket.IO", "probably Streamlit:
    /// proxied to port 8501, its default".
    pub(crate) fn label(&self) -> String {
        match &self.evidence {
            Evidence::Host(_) | Evidence::Port(_) => self.describe(),
            _ => self.app.name.to_string(),
        }
    }

    /// Whether it was recognised by the path (not only by where it
    /// proxies).
    pub(crate) fn by_path(&self) -> bool {
        !matches!(self.evidence, Evidence::Host(_) | Evidence::Port(_))
    }
}

/// A location pattern's path segments, for matching: a prefix location's
/// `/a/b/` is `[a, b]`; in a regex location a segment with regex syntax
/// in it stands for any segment (`None`).
fn location_segments(pattern: &str, regex: bool) -> Vec<Option<String>> {
    let text = if regex {
        // A character class (`[^/]+`) may hold a `/`: it stands for one
        // segment's worth of anything.
        let mut out = String::new();
        let mut chars = pattern
            .trim_start_matches('^')
            .trim_end_matches('$')
            .chars();
        while let Some(c) = chars.next() {
            match c {
                '[' => {
                    out.push('@');
                    while let Some(inner) = chars.next() {
                        match inner {
                            '\\' => {
                                chars.next();
                            }
                            ']' => break,
                            _ => {}
                        }
                    }
                }
                '\\' => match chars.next() {
                    Some(escaped @ ('.' | '/' | '-')) => out.push(escaped),
                    Some(other) => {
                        out.push('\\');
                        out.push(other);
                    }
                    None => {}
                },
                c => out.push(c),
            }
        }
        out
    } else {
        pattern.to_string()
    };
    text.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let plain = s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
            (!regex || plain).then(|| s.to_ascii_lowercase())
        })
        .collect()
}

/// Whether a table path is specific enough to name an app: two literal
/// segments or more (`/api/websocket`), or one that is not a common word
/// (`/comms`, `/_stcore/stream`).
fn identifies(path: &str) -> bool {
    let literal: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != "*")
        .collect();
    literal.len() >= 2
        || literal
            .iter()
            .any(|s| !GENERIC_WORDS.contains(&s.to_ascii_lowercase().as_str()))
}

/// How well table path `path` matches a location's segments, if at all:
/// 2 when they are the same path, 1 when the location's path ends with it
/// (`/chat/socket.io/` for `/socket.io/`), or, for a prefix path (a trailing
/// `/`), when the location lies under it; a location holding a path that is
/// not a prefix in its middle does not match.
fn path_match(path: &str, location: &[Option<String>]) -> Option<u8> {
    let wanted: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    segments_match(path, &wanted, location)
}

/// [`path_match`] with the table path already cut into `wanted` segments.
fn segments_match(path: &str, wanted: &[&str], location: &[Option<String>]) -> Option<u8> {
    if wanted.is_empty() || wanted.len() > location.len() {
        return None;
    }
    let at = |start: usize| {
        let mut literal = false;
        // A regex segment (`v[0-9]+`) matches only a `*` of the table:
        // what it stands for is not known, and a wrong app is worse than
        // none.
        let all = wanted
            .iter()
            .zip(&location[start..])
            .all(|(w, l)| match (*w, l) {
                ("*", _) => true,
                (_, None) => false,
                (w, Some(l)) => {
                    literal = true;
                    w.eq_ignore_ascii_case(l)
                }
            });
        all && literal
    };
    let last = location.len() - wanted.len();
    if at(last) {
        return Some(if last == 0 { 2 } else { 1 });
    }
    (path.ends_with('/') && (0..last).any(at)).then_some(1)
}

/// The app whose endpoint the location's path is, by a specific path. A
/// path several rows share (`/socket.io/` is Socket.IO's, and Uptime
/// Kuma's, and HedgeDoc's) names the one framework among them, whose
/// protocol they all speak; with none or several, it names nothing: a
/// wrong name is worse than none.
pub(crate) fn by_path(pattern: &str, regex: bool) -> Option<Recognised> {
    let index = index();
    let paths_ending_in = |segment: &str| {
        if segment.bytes().any(|b| b.is_ascii_uppercase()) {
            index.by_word.get(&segment.to_ascii_lowercase())
        } else {
            index.by_word.get(segment)
        }
    };
    // Most locations have no segment any endpoint ends with.
    if !regex && !pattern.split('/').any(|s| paths_ending_in(s).is_some()) {
        return None;
    }
    let segments = location_segments(pattern, regex);
    let mut candidates: Vec<usize> = segments
        .iter()
        .flatten()
        .filter_map(|s| index.by_word.get(s.as_str()))
        .flatten()
        .copied()
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let mut ranked: Vec<(u8, &'static App, &'static str)> = Vec::new();
    for (row, path, wanted) in candidates.into_iter().map(|c| &index.identifying[c]) {
        let (row, path) = (*row, *path);
        // Written exactly as the table writes it (trailing slash
        // included) beats the same segments.
        let exact = !regex && pattern.eq_ignore_ascii_case(path);
        let Some(rank) = segments_match(path, wanted, &segments).map(|r| r + u8::from(exact))
        else {
            continue;
        };
        let app = &apps()[row];
        match ranked.iter_mut().find(|(_, a, _)| std::ptr::eq(*a, app)) {
            Some(best) if best.0 >= rank => {}
            Some(best) => *best = (rank, app, path),
            None => ranked.push((rank, app, path)),
        }
    }
    let best = ranked.iter().map(|(rank, _, _)| *rank).max().unwrap_or(0);
    let matches: Vec<(&'static App, &'static str)> = ranked
        .into_iter()
        .filter(|(rank, _, _)| *rank == best)
        .map(|(_, app, path)| (app, path))
        .collect();
    let chosen = match matches.as_slice() {
        [] => None,
        [one] => Some(*one),
        several => {
            let mut frameworks = several.iter().filter(|(app, _)| app.framework);
            match (frameworks.next(), frameworks.next()) {
                (Some(one), None) => Some(*one),
                _ => None,
            }
        }
    };
    chosen.map(|(app, path)| Recognised {
        app,
        evidence: Evidence::Path(path),
    })
}

/// The endpoint path of `app` that a location pattern is, however common
/// its words (`/socket` for Jellyfin): for a location already known to
/// proxy to that app.
pub(crate) fn endpoint_of(app: &'static App, pattern: &str, regex: bool) -> Option<&'static str> {
    let segments = location_segments(pattern, regex);
    app.paths
        .iter()
        .copied()
        .find(|p| path_match(p, &segments) == Some(2))
}

/// The app a `proxy_pass` host and port point at: a service name the app
/// runs under (its compose service, or its id: `homeassistant`,
/// `uptime_kuma`), else its own default port (never a generic one).
pub(crate) fn by_target(host: &str, port: Option<u16>) -> Option<Recognised> {
    let index = index();
    let name = host.split('.').next().unwrap_or(host);
    // An address (`127.0.0.1`, `[::1]`) is nobody's name.
    let address = name.starts_with(|c: char| c.is_ascii_digit() || c == '[');
    if !address
        && !GENERIC_HOSTS.iter().any(|g| g.eq_ignore_ascii_case(name))
        && let Some(&row) = index.names.get(&squeeze(name))
    {
        return Some(Recognised {
            app: &apps()[row],
            evidence: Evidence::Host(host.to_ascii_lowercase()),
        });
    }
    let port = port.filter(|p| !GENERIC_PORTS.contains(p))?;
    // A port two apps share names neither.
    match index.ports.get(&port)?.as_slice() {
        [row] => Some(Recognised {
            app: &apps()[*row],
            evidence: Evidence::Port(port),
        }),
        _ => None,
    }
}

/// The app's endpoints a prefix location `pattern` holds (`location /`
/// holds them all): a location proxied to the app carries the WebSockets
/// of those no other location takes. An app whose endpoints are not known
/// (code-server opens them anywhere) has `/` for one.
pub(crate) fn endpoints_held<'p>(app: &'p App, pattern: &str) -> impl Iterator<Item = &'p str> {
    let paths: &[&str] = if app.paths.is_empty() {
        &["/"]
    } else {
        &app.paths
    };
    let pattern = pattern.to_string();
    paths.iter().copied().filter(move |p| {
        let fixed = p.split('*').next().unwrap_or(p);
        fixed.starts_with(pattern.as_str())
            || pattern.trim_end_matches('/') == p.trim_end_matches('/')
    })
}

/// Whether a request for table path `path` (`*` standing for any segment)
/// would go to the location `pattern` rather than to the one under
/// examination, whose prefix is `than`: an exact match of it, a longer
/// prefix of it, or a regex that may match it. A regex is judged by its
/// literal segments, leaning towards "it may": then the location under
/// examination is not taken for the endpoint's, which only costs a
/// finding, where the other way would name a route that is not one.
pub(crate) fn location_takes(
    modifier: Option<crate::syntax::LocationModifier>,
    pattern: &str,
    than: &str,
    path: &str,
) -> bool {
    use crate::syntax::LocationModifier;
    let concrete = path.replace('*', "x");
    match modifier {
        Some(LocationModifier::Exact) => pattern == concrete,
        None | Some(LocationModifier::PrefixNoRegex) => {
            pattern.len() > than.len() && concrete.starts_with(pattern)
        }
        Some(LocationModifier::Regex | LocationModifier::RegexCaseless) => {
            let regex = location_segments(pattern, true);
            let request: Vec<String> = concrete
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_ascii_lowercase)
                .collect();
            if regex.is_empty() || regex.len() > request.len() {
                return regex.is_empty();
            }
            let starts: Vec<usize> = if pattern.starts_with('^') {
                vec![0]
            } else {
                (0..=request.len() - regex.len()).collect()
            };
            starts.into_iter().any(|start| {
                regex
                    .iter()
                    .zip(&request[start..])
                    .all(|(r, q)| r.as_ref().is_none_or(|r| r == q))
            })
        }
        Some(_) => false,
    }
}

/// The app whose endpoint a request path (`wslint probe`'s URL) is.
pub(crate) fn by_request_path(path: &str) -> Option<&'static App> {
    let request: Vec<Option<String>> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| Some(s.to_ascii_lowercase()))
        .collect();
    apps().iter().find(|app| {
        app.paths.iter().any(|p| {
            // The endpoint's segments are the request's first ones.
            let wanted = p.split('/').filter(|s| !s.is_empty()).count();
            identifies(p) && request.len() >= wanted && path_match(p, &request[..wanted]) == Some(2)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_with_forty_rows_or_more_and_unique_ids() {
        let apps = apps();
        assert!(apps.len() >= 40, "{} rows", apps.len());
        let mut ids: Vec<&str> = apps.iter().map(|a| a.id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "duplicate ids");
        assert!(
            apps.iter()
                .all(|a| !a.paths.is_empty() || !a.ports.is_empty() || !a.hosts.is_empty())
        );
    }

    #[test]
    fn paths_name_apps_and_common_words_do_not() {
        let id = |pattern: &str, regex: bool| by_path(pattern, regex).map(|r| r.app.id);
        assert_eq!(id("/api/websocket", false), Some("home-assistant"));
        assert_eq!(
            id("/socket.io/", false),
            Some("socket.io"),
            "the framework of a shared path"
        );
        assert_eq!(id("/pad/socket.io/", false), Some("socket.io"));
        assert_eq!(id("/api/kernels/abc/channels", false), Some("jupyter"));
        assert_eq!(id("^/api/kernels/[^/]+/channels", true), Some("jupyter"));
        assert_eq!(id("/comms", false), Some("node-red"));
        assert_eq!(id("/_stcore/stream", false), Some("streamlit"));
        assert_eq!(id("/api/", false), None);
        assert_eq!(id("/ws/", false), None);
        assert_eq!(id("/stream", false), None);
        assert_eq!(id("/", false), None);
    }

    #[test]
    fn targets_name_apps_but_generic_ports_and_hosts_do_not() {
        assert_eq!(
            by_target("streamlit", Some(8501)).unwrap().app.id,
            "streamlit"
        );
        assert_eq!(
            by_target("127.0.0.1", Some(8123)).unwrap().app.id,
            "home-assistant"
        );
        assert_eq!(
            by_target("uptime-kuma", Some(3001)).unwrap().evidence,
            Evidence::Host("uptime-kuma".into())
        );
        assert!(by_target("127.0.0.1", Some(8080)).is_none());
        assert!(by_target("127.0.0.1", Some(3000)).is_none());
        assert!(by_target("web", Some(80)).is_none());
        assert_eq!(endpoints_held(find("streamlit").unwrap(), "/").count(), 1);
        assert_eq!(
            endpoints_held(find("streamlit").unwrap(), "/static/").count(),
            0
        );
    }
}
