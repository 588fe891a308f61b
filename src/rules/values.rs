//! Values the rules need to read: nginx time values, built-in variables, and
//! an index of the variables each entry point defines.

use crate::semantic::{Model, Node};
use rustc_hash::FxHashMap as HashMap;

/// Parses an nginx time value (`30`, `30s`, `1m`, `1h30m`, `500ms`, `1d`)
/// into milliseconds. No unit means seconds.
pub(crate) fn parse_time_ms(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<u64>().ok()?.checked_mul(1000);
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let ms = match unit {
            "ms" => 1,
            "s" | "" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 604_800_000,
            "M" => 2_592_000_000,
            "y" => 31_536_000_000,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(ms)?)?;
    }
    Some(total)
}

/// Whether nginx itself defines `$name` (core and common module variables,
/// and the families `$http_*`, `$arg_*`, `$cookie_*`, `$sent_http_*`, …).
pub(crate) fn is_builtin_variable(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "http_",
        "arg_",
        "cookie_",
        "sent_http_",
        "sent_trailer_",
        "upstream_http_",
        "upstream_trailer_",
        "upstream_cookie_",
    ];
    const NAMES: &[&str] = &[
        "args",
        "binary_remote_addr",
        "body_bytes_sent",
        "bytes_sent",
        "connection",
        "connection_requests",
        "connection_time",
        "content_length",
        "content_type",
        "document_root",
        "document_uri",
        "host",
        "hostname",
        "https",
        "is_args",
        "limit_rate",
        "msec",
        "nginx_version",
        "pid",
        "pipe",
        "proxy_protocol_addr",
        "proxy_protocol_port",
        "proxy_protocol_server_addr",
        "proxy_protocol_server_port",
        "query_string",
        "realpath_root",
        "remote_addr",
        "remote_port",
        "remote_user",
        "request",
        "request_body",
        "request_body_file",
        "request_completion",
        "request_filename",
        "request_id",
        "request_length",
        "request_method",
        "request_time",
        "request_uri",
        "scheme",
        "server_addr",
        "server_name",
        "server_port",
        "server_protocol",
        "status",
        "time_iso8601",
        "time_local",
        "uri",
        "proxy_host",
        "proxy_port",
        "proxy_add_x_forwarded_for",
        "realip_remote_addr",
        "realip_remote_port",
        "upstream_addr",
        "upstream_status",
        "upstream_response_time",
        "upstream_connect_time",
        "upstream_header_time",
        "ssl_protocol",
        "ssl_cipher",
        "ssl_server_name",
        "ssl_client_verify",
        "ssl_client_s_dn",
        "ssl_client_cert",
        "ssl_session_id",
        "ssl_early_data",
        "http2",
        "http3",
        "date_gmt",
        "date_local",
        "gzip_ratio",
        "geoip_country_code",
        "tcpinfo_rtt",
        "invalid_referer",
        "secure_link",
        "uid_got",
        "uid_set",
        "upstream_cache_status",
        "server_protocol",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p))
        || NAMES.contains(&name)
        || name.chars().all(|c| c.is_ascii_digit())
}

/// The variables each entry point defines, by lowercase name.
pub struct VariableIndex<'a> {
    by_entry: Vec<HashMap<String, Vec<Node<'a>>>>,
}

impl<'a> VariableIndex<'a> {
    pub fn build(model: &Model<'a>) -> Self {
        let mut by_entry: Vec<HashMap<String, Vec<Node<'a>>>> =
            vec![HashMap::default(); model.entries.len()];
        for (entry, name, node) in model.variable_definitions() {
            if let Some(map) = by_entry.get_mut(entry) {
                map.entry(name.to_ascii_lowercase()).or_default().push(node);
            }
        }
        VariableIndex { by_entry }
    }

    /// The directives that define `$name` in an entry point.
    pub(crate) fn definitions(&self, entry: usize, name: &str) -> &[Node<'a>] {
        self.by_entry
            .get(entry)
            .and_then(|m| m.get(lowercase(name).as_ref()))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether `$name` exists for an entry point: built in, or defined.
    pub(crate) fn is_defined(&self, entry: usize, name: &str) -> bool {
        is_builtin_variable(&lowercase(name)) || !self.definitions(entry, name).is_empty()
    }
}

/// A variable name in lowercase, as the index keys it; borrowed when it
/// already is (almost always).
fn lowercase(name: &str) -> std::borrow::Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(name.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_values() {
        assert_eq!(parse_time_ms("60"), Some(60_000));
        assert_eq!(parse_time_ms("60s"), Some(60_000));
        assert_eq!(parse_time_ms("1h30m"), Some(5_400_000));
        assert_eq!(parse_time_ms("500ms"), Some(500));
        assert_eq!(parse_time_ms("1d"), Some(86_400_000));
        assert_eq!(parse_time_ms("${TIMEOUT}s"), None);
        assert_eq!(parse_time_ms("10x"), None);
    }

    #[test]
    fn builtins() {
        assert!(is_builtin_variable("http_upgrade"));
        assert!(is_builtin_variable("host"));
        assert!(!is_builtin_variable("connection_upgrade"));
    }
}
