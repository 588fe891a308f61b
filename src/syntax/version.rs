//! nginx versions. Several facts depend on the version a configuration is
//! for (the default `proxy_http_version` became 1.1 in 1.29.7); which one
//! that is, the application layer decides (`app::config`).

use std::fmt;

/// A version `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NginxVersion {
    pub(crate) major: u32,
    pub(crate) minor: u32,
    pub(crate) patch: u32,
}

impl NginxVersion {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        NginxVersion {
            major,
            minor,
            patch,
        }
    }

    /// What is assumed when nothing says otherwise: the stable branch before
    /// 1.29.7, where `proxy_http_version` still defaults to 1.0.
    pub(crate) const ASSUMED: NginxVersion = NginxVersion::new(1, 28, 0);

    /// The first version whose `proxy_http_version` default is 1.1.
    pub(crate) const HTTP11_DEFAULT_SINCE: NginxVersion = NginxVersion::new(1, 29, 7);

    /// Whether `proxy_http_version` defaults to 1.1 in this version.
    pub fn defaults_to_http11(self) -> bool {
        self >= Self::HTTP11_DEFAULT_SINCE
    }

    /// Parses `1.29.7` (a missing patch is 0).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(NginxVersion::new(major, minor, patch))
    }

    /// Reads `nginx version: nginx/1.22.1` (what `nginx -v` prints).
    pub(crate) fn from_nginx_v_output(text: &str) -> Option<Self> {
        let after = text.split("nginx/").nth(1)?;
        let version: String = after
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        Self::parse(&version)
    }
}

impl fmt::Display for NginxVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!(
            NginxVersion::parse("1.29.7"),
            Some(NginxVersion::new(1, 29, 7))
        );
        assert_eq!(
            NginxVersion::parse("1.30"),
            Some(NginxVersion::new(1, 30, 0))
        );
        assert_eq!(NginxVersion::parse("1.x"), None);
        assert_eq!(
            NginxVersion::from_nginx_v_output("nginx version: nginx/1.22.1\n"),
            Some(NginxVersion::new(1, 22, 1))
        );
        assert!(NginxVersion::new(1, 28, 0) < NginxVersion::new(1, 29, 7));
    }
}
