//! The semantic model on fixture trees: include resolution (globs, nesting,
//! relative paths from a sub-directory, cycles, missing files, a Debian
//! layout, a snippet included twice), context inference, and effective
//! values under nginx's inheritance rules.

use crate::support::fixtures;
use wslint::diagnostic::{Diagnostic, Severity};
use wslint::load::{Input, Loaded, load};
use wslint::semantic::{Model, ScopeId};
use wslint::syntax::Context;

fn load_tree(name: &str) -> Loaded {
    load(&[Input::Path(fixtures().join("trees").join(name))])
}

fn load_file(rel: &str) -> Loaded {
    load(&[Input::Path(fixtures().join(rel))])
}

/// (file name relative to fixtures/, line, code) of each diagnostic.
fn places(model: &Model, diagnostics: &[Diagnostic]) -> Vec<(String, usize, &'static str)> {
    diagnostics
        .iter()
        .map(|d| {
            let file = model.files.get(d.location.file);
            let name = file
                .path
                .strip_prefix(fixtures())
                .unwrap_or(&file.path)
                .display()
                .to_string();
            (name, file.line_col(d.location.span.start).0, d.code)
        })
        .collect()
}

/// The location scope whose pattern is exactly `pattern`.
fn location(model: &Model, pattern: &str) -> ScopeId {
    model
        .locations()
        .find(|&s| {
            model
                .scope(s)
                .opener
                .and_then(|o| o.view.location_match())
                .is_some_and(|m| m.pattern == pattern)
        })
        .unwrap_or_else(|| panic!("no location {pattern}"))
}

/// Where a setting is written: file name and line.
fn written_at(model: &Model, setting: &wslint::semantic::Setting) -> (String, usize) {
    let file = model.files.get(setting.node.file);
    let name = file
        .path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    (name, file.line_col(setting.node.view.span().start).0)
}

fn header_names(model: &Model, scope: ScopeId) -> Vec<String> {
    model
        .proxy_headers(scope)
        .into_iter()
        .map(|h| h.name.into_owned())
        .collect()
}

#[test]
fn globs_nested_includes_and_prefix_relative_paths() {
    let loaded = load_tree("globs");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let model = Model::build(&loaded.files, &loaded.entries);
    assert!(model.diagnostics.is_empty(), "{:?}", model.diagnostics);
    // conf.d/*.conf expands in sorted order: a-api.conf's server first.
    let servers: Vec<String> = model
        .scopes_of(Context::Server)
        .map(|s| {
            model
                .scalar(s, "server_name")
                .unwrap()
                .node
                .args()
                .join(" ")
        })
        .collect();
    assert_eq!(servers, ["a.example.test", "b.example.test"]);
    // snippets/websocket.conf is resolved against the prefix (the folder of
    // nginx.conf), not conf.d/ where the including file lives.
    let ws = location(&model, "/ws/");
    let version = model.scalar(ws, "proxy_http_version").unwrap();
    assert_eq!(version.node.args(), ["1.1"]);
    let file = &model.files.get(version.node.file).path;
    assert!(
        file.ends_with("globs/snippets/websocket.conf"),
        "{}",
        file.display()
    );
    assert_eq!(header_names(&model, ws), ["Upgrade", "Connection"]);
    // The map in nginx.conf defines $connection_upgrade for every file.
    let entry = model.scope(ws).entry;
    assert!(
        model
            .defined_variables(entry)
            .iter()
            .any(|(v, _)| v == "connection_upgrade")
    );
    // proxy_pass names an upstream defined in another file, with keepalive.
    let root = location(&model, "/");
    let target = model.proxy_pass(root).unwrap();
    let upstream = target.upstream.expect("api_backend upstream");
    assert_eq!(
        model.own(upstream, "keepalive").next().unwrap().node.args(),
        ["8"]
    );
}

#[test]
fn include_cycle_is_reported_once_and_does_not_hang() {
    let loaded = load_tree("cycle");
    let model = Model::build(&loaded.files, &loaded.entries);
    assert_eq!(
        places(&model, &model.diagnostics),
        [("trees/cycle/b.conf".to_string(), 2, "E002")]
    );
}

#[test]
fn missing_plain_include_is_reported_at_the_include_but_empty_glob_is_fine() {
    let loaded = load_tree("missing");
    let model = Model::build(&loaded.files, &loaded.entries);
    assert_eq!(
        places(&model, &model.diagnostics),
        [("trees/missing/nginx.conf".to_string(), 4, "E001")]
    );
    assert_eq!(model.diagnostics[0].severity, Severity::Warning);
    assert!(model.diagnostics[0].message.contains("does-not-exist.conf"));
}

#[test]
fn snippet_included_twice_is_analysed_in_both_places_reported_once() {
    let loaded = load_tree("shared-snippet");
    let model = Model::build(&loaded.files, &loaded.entries);
    assert_eq!(
        places(&model, &model.diagnostics),
        [(
            "trees/shared-snippet/snippets/proxy.conf".to_string(),
            2,
            "E004"
        )]
    );
    for pattern in ["/one/", "/two/"] {
        let target = model.proxy_pass(location(&model, pattern)).unwrap();
        assert_eq!(
            written_at(&model, &target.setting),
            ("proxy.conf".to_string(), 1)
        );
    }
}

#[test]
fn debian_layout_with_absolute_includes_symlinks_and_unenabled_sites() {
    let loaded = load_tree("debian");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let model = Model::build(&loaded.files, &loaded.entries);
    // /etc/nginx/sites-enabled/* is read from the checked tree; the symlink
    // leads to sites-available/chat.
    let socket = location(&model, "/socket/");
    assert_eq!(header_names(&model, socket), ["Upgrade", "Connection"]);
    assert_eq!(model.scope(socket).entry, 0, "reached from nginx.conf");
    // sites-available/old.conf is not enabled: analysed on its own, as an
    // http-level file, where `listen` inside a location is an error.
    assert_eq!(
        places(&model, &model.diagnostics),
        [(
            "trees/debian/sites-available/old.conf".to_string(),
            7,
            "E003"
        )]
    );
    let old = model
        .entries
        .iter()
        .find(|e| model.files.get(e.point.file).path.ends_with("old.conf"))
        .unwrap();
    assert_eq!(old.context, Context::Http);
    assert!(!old.point.primary);
}

#[test]
fn context_comment_sets_a_snippets_context() {
    let loaded = load_file("inherit/context-comment.conf");
    let model = Model::build(&loaded.files, &loaded.entries);
    assert_eq!(model.entries[0].context, Context::Location);
    assert_eq!(
        places(&model, &model.diagnostics),
        [("inherit/context-comment.conf".to_string(), 5, "E003")]
    );
}

#[test]
fn a_file_of_bare_directives_is_read_as_a_location_body() {
    use wslint::syntax::top_level::context_of;
    let context = |text: &str| context_of(&wslint::syntax::parse(text.as_bytes().to_vec()));
    assert_eq!(
        context("proxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\n"),
        Context::Location
    );
    // Third-party directives and `include` neither decide nor prevent it.
    assert_eq!(
        context("more_set_headers 'X: y';\ninclude x.conf;\nproxy_read_timeout 1h;\n"),
        Context::Location
    );
    assert_eq!(context("include sites/*.conf;\n"), Context::Unknown);
    // A directive a location does not allow: not a location body.
    assert_eq!(
        context("proxy_set_header Host $host;\nssl_protocols TLSv1.3;\n"),
        Context::Unknown
    );
    assert_eq!(context("location / { }\n"), Context::Server);
    assert_eq!(context("server { }\n"), Context::Http);
}

#[test]
fn inheritance_http_server_location_nested_if() {
    let loaded = load_file("inherit/chain.conf");
    let model = Model::build(&loaded.files, &loaded.entries);
    assert!(model.diagnostics.is_empty(), "{:?}", model.diagnostics);

    let plain = location(&model, "/plain/");
    assert_eq!(header_names(&model, plain), ["Host", "X-Real-IP"]);
    let timeout = model.scalar(plain, "proxy_read_timeout").unwrap();
    assert_eq!(
        (timeout.node.args(), written_at(&model, &timeout).1),
        (vec!["45s".to_string()], 12)
    );

    // One proxy_set_header of its own hides both inherited ones.
    let ws = location(&model, "/ws/");
    assert_eq!(header_names(&model, ws), ["Upgrade"]);
    let hidden: Vec<String> = model
        .array(ws, "proxy_set_header")
        .hidden
        .iter()
        .map(|s| s.node.args()[0].clone())
        .collect();
    assert_eq!(hidden, ["Host", "X-Real-IP"]);

    // A nested location inherits the enclosing location's list and values.
    let nested = location(&model, "/ws/nested/");
    assert_eq!(header_names(&model, nested), ["Upgrade"]);
    assert_eq!(
        model
            .scalar(nested, "proxy_read_timeout")
            .unwrap()
            .node
            .args(),
        ["1h"]
    );
    // A nested location does not inherit the content handler: nginx
    // serves files there; the outer location's proxy_pass is still known.
    assert!(model.proxy_pass(nested).is_none());
    assert_eq!(
        model.outer_proxy_pass(nested).unwrap().node.args(),
        ["http://127.0.0.1:19001"]
    );

    // `if` blocks are levels of their own inside the nested location.
    let ifs: Vec<ScopeId> = model.children(nested).to_vec();
    assert_eq!(ifs.len(), 2);
    assert!(
        ifs.iter()
            .all(|&s| model.scope(s).context == Context::IfInLocation)
    );
    assert_eq!(
        model.proxy_pass(ifs[0]).unwrap().url,
        "http://127.0.0.1:19002"
    );
    assert_eq!(
        model
            .scalar(ifs[0], "proxy_http_version")
            .unwrap()
            .node
            .args(),
        ["1.1"]
    );
    assert_eq!(header_names(&model, ifs[0]), ["Upgrade"]);
    let add = |s| -> Vec<String> {
        model
            .array(s, "add_header")
            .entries
            .iter()
            .map(|e| e.node.args()[0].clone())
            .collect()
    };
    assert_eq!(add(ifs[0]), ["X-Frame-Options"]);
    assert_eq!(add(ifs[1]), ["X-Trace"]);
}

#[test]
fn add_header_inherit_merge_and_off() {
    let loaded = load_file("inherit/add-header-inherit.conf");
    // The directive appeared in nginx 1.29.3: older targets reject it.
    let old = Model::build(&loaded.files, &loaded.entries);
    assert_eq!(old.diagnostics.len(), 3, "{:?}", old.diagnostics);
    assert!(old.diagnostics.iter().all(|d| d.code == "E003"));
    let version = wslint::syntax::NginxVersion::new(1, 29, 3);
    let model = Model::build_for(&loaded.files, &loaded.entries, version);
    assert!(model.diagnostics.is_empty(), "{:?}", model.diagnostics);
    let names = |pattern: &str| -> Vec<String> {
        model
            .array(location(&model, pattern), "add_header")
            .entries
            .iter()
            .map(|e| e.node.args()[0].clone())
            .collect()
    };
    assert_eq!(names("/standard/"), ["Cache-Control"]);
    assert_eq!(
        names("/merged/"),
        ["X-Frame-Options", "X-Content-Type-Options", "Cache-Control"]
    );
    assert!(names("/off/").is_empty());
    assert_eq!(
        names("/outer/inner/"),
        [
            "X-Frame-Options",
            "X-Content-Type-Options",
            "X-Outer",
            "X-Inner"
        ]
    );
    let hidden = model
        .array(location(&model, "/standard/"), "add_header")
        .hidden;
    assert_eq!(hidden.len(), 2);
}

/// Entries of `map` and `geo` blocks, each checked by the real `nginx -t`
/// and by wslint: wslint reports E004 or E005 exactly where nginx refuses
/// the configuration, at the entry's line.
#[test]
fn map_and_geo_entries_are_refused_exactly_where_nginx_refuses_them() {
    let Some(nginx) = crate::support::nginx() else {
        return;
    };
    let cases = [
        ("map $http_upgrade $c", "default upgrade;"),
        ("map $http_upgrade $c", "'' close;"),
        ("map $http_upgrade $c", "close;"),
        ("map $http_upgrade $c", "default;"),
        ("map $http_upgrade $c", "hostnames;"),
        ("map $http_upgrade $c", "volatile;"),
        ("map $http_upgrade $c", "websocket upgrade extra;"),
        ("map $http_upgrade $c", "include /dev/null;"),
        ("map $http_upgrade $c", "include;"),
        ("map $http_upgrade $c", "a { b c; }"),
        ("map $http_upgrade $c", "\"~^x\" \"y z\";"),
        ("geo $g", "10.0.0.0/8 inside;"),
        ("geo $g", "ranges;"),
        ("geo $g", "proxy_recursive;"),
        ("geo $g", "inside;"),
        ("geo $g", "10.0.0.0/8 a b;"),
        ("geo $g", "a { }"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut checked = (0, 0);
    for (block, entry) in cases {
        let text = format!("events {{}}\nhttp {{\n    {block} {{\n        {entry}\n    }}\n}}\n");
        std::fs::write(dir.path().join("nginx.conf"), &text).unwrap();
        let nginx_refuses = crate::live::nginx_t(&nginx, dir.path()).is_err();
        let out = crate::support::wslint(
            dir.path(),
            &["--format", "concise", "--color", "never", "nginx.conf"],
            None,
        );
        let text_out = crate::support::stdout(&out);
        let refused_at_entry = text_out.contains("nginx.conf:4:")
            && (text_out.contains("E004") || text_out.contains("E005"));
        assert_eq!(
            refused_at_entry, nginx_refuses,
            "{block} {{ {entry} }}: nginx refuses: {nginx_refuses}, wslint says:\n{text_out}"
        );
        if nginx_refuses {
            checked.1 += 1;
        } else {
            checked.0 += 1;
        }
    }
    assert!(checked.0 >= 7 && checked.1 >= 8, "{checked:?}");
}
