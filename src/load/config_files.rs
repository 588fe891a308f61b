//! Which files of a directory nginx would read as configuration.
//!
//! A directory without `nginx.conf` (a `sites-enabled/` folder, a repository
//! of `conf.d/` files) is checked file by file, and nginx itself does not go
//! by suffixes: Debian's `sites-enabled/app`, `*.vhost`, `*.nginx` and
//! `*.conf.template` are configuration, while a README, an image or an
//! editor's backup beside them is not. Names decide what clearly is not
//! configuration; the content decides the rest: a text file whose first
//! directive is one nginx knows is configuration.

use crate::load::source::SourceFile;
use crate::syntax::directives::table;
use std::path::Path;

/// Why a file found in a directory is not checked, when it is not.
pub(crate) type SkipReason = &'static str;

/// Whether a file's name alone says it is not configuration (checked
/// before it is read).
pub(crate) fn skipped_by_name(path: &Path) -> Option<SkipReason> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.starts_with('.') {
        return Some("a hidden file");
    }
    const BACKUPS: &[&str] = &[
        "~",
        ".bak",
        ".old",
        ".orig",
        ".rej",
        ".swp",
        ".swo",
        ".tmp",
        ".save",
        ".dpkg-old",
        ".dpkg-dist",
        ".dpkg-new",
        ".dpkg-bak",
        ".ucf-old",
        ".ucf-dist",
        ".ucf-new",
        ".rpmnew",
        ".rpmsave",
    ];
    if BACKUPS.iter().any(|s| name.ends_with(s)) || name.starts_with('#') {
        return Some("a backup or editor file");
    }
    const DOCUMENTS: &[&str] = &[
        "readme",
        "license",
        "licence",
        "copying",
        "changelog",
        "changes",
        "authors",
        "notice",
        "makefile",
        "dockerfile",
        "procfile",
        "vagrantfile",
    ];
    let stem = name.split('.').next().unwrap_or_default();
    if DOCUMENTS.contains(&stem) {
        return Some("documentation or a build file");
    }
    const NOT_NGINX: &[&str] = &[
        "md", "markdown", "txt", "rst", "adoc", "html", "htm", "css", "js", "mjs", "ts", "json",
        "yml", "yaml", "toml", "ini", "xml", "csv", "png", "jpg", "jpeg", "gif", "svg", "ico",
        "webp", "bmp", "pdf", "zip", "gz", "tgz", "bz2", "xz", "zst", "tar", "sh", "bash", "ps1",
        "py", "rb", "pl", "go", "rs", "c", "h", "php", "lua", "pem", "crt", "cer", "key", "csr",
        "der", "p12", "pfx", "log", "pid", "sock", "lock", "j2", "jinja", "jinja2", "tpl", "tmpl",
        "gotmpl", "erb", "mustache", "hbs", "ejs", "service", "socket", "timer",
    ];
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if extension.is_some_and(|e| NOT_NGINX.contains(&e.as_str())) {
        return Some("its suffix names another kind of file");
    }
    None
}

/// Whether a file read from a directory is configuration, judged by its
/// content. A `*.conf` file is, unless it is binary or an INI file (a
/// `supervisord.conf` beside the nginx files); another file is when its
/// first directive is one nginx knows.
pub(crate) fn skipped_by_content(file: &SourceFile) -> Option<SkipReason> {
    let source = &file.tree.source;
    let head = &source[..source.len().min(8192)];
    if head.contains(&0) {
        return Some("binary content");
    }
    let named_conf = file
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("conf"));
    let Some(first) = file.tree.directives().next() else {
        // Empty, or only comments: nginx reads it, and it sets nothing.
        return None;
    };
    let name = first.name();
    if name.starts_with('[') {
        return Some("an INI file, not nginx configuration");
    }
    if named_conf || !table().lookup(&name).is_empty() {
        None
    } else {
        Some("its first word is not an nginx directive")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_content(name: &str, text: &[u8]) -> Option<SkipReason> {
        skipped_by_content(&SourceFile::from_bytes(name, text.to_vec()))
    }

    #[test]
    fn names_that_are_not_configuration() {
        for name in [
            "README.md",
            "readme",
            "LICENSE",
            ".htpasswd",
            "site.conf~",
            "site.conf.bak",
            "app.dpkg-old",
            "#app#",
            "logo.png",
            "nginx.conf.j2",
            "deploy.sh",
        ] {
            assert!(skipped_by_name(Path::new(name)).is_some(), "{name}");
        }
        for name in [
            "app",
            "site.vhost",
            "site.nginx",
            "default.conf.template",
            "mime.types",
        ] {
            assert_eq!(skipped_by_name(Path::new(name)), None, "{name}");
        }
    }

    #[test]
    fn content_decides_the_rest() {
        assert_eq!(by_content("app", b"server {\n    listen 80;\n}\n"), None);
        assert_eq!(
            by_content("mime.types", b"types {\n    text/html html;\n}\n"),
            None
        );
        assert_eq!(by_content("empty", b""), None);
        assert_eq!(by_content("commented", b"# nothing yet\n"), None);
        assert!(by_content("notes", b"Deploy with care.\n").is_some());
        assert!(by_content("app.vhost", b"\x89PNG\r\n\x1a\n\x00\x00").is_some());
        // A *.conf file is configuration unless it is plainly something else.
        assert_eq!(by_content("odd.conf", b"sever {\n}\n"), None);
        assert!(by_content("supervisord.conf", b"[program:app]\ncommand=run\n").is_some());
    }
}
