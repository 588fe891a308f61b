//! Hostile and odd input: the run never panics (exit code 101), names the
//! path in its messages, exits 2 when it could not check everything, and
//! modifies no file unless it was completely and validly fixed.

use crate::support::{stdout, wslint};
use std::path::Path;

/// Runs wslint in `dir` and returns (exit code, stdout + stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = wslint(dir, args, None);
    let code = out
        .status
        .code()
        .expect("wslint exits normally (no signal)");
    assert_ne!(
        code,
        101,
        "wslint panicked: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, stdout(&out) + &String::from_utf8_lossy(&out.stderr))
}

#[test]
fn odd_single_files() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: Vec<u8>| std::fs::write(dir.path().join(name), bytes).unwrap();
    write("empty.conf", Vec::new());
    write("binary.conf", (0..=255u8).cycle().take(64 * 1024).collect());
    // NUL is an ordinary word byte to nginx, so `\0}` is one word and the
    // block is never closed; in a comment it is harmless.
    write("nul-in-word.conf", b"server {\0 listen 80;\0}\n".to_vec());
    write(
        "nul-in-comment.conf",
        b"# a \0 b\nserver { listen 80; }\n".to_vec(),
    );
    write(
        "latin1.conf",
        b"# caf\xe9\nserver { return 200 \"d\xe9j\xe0\"; }\n".to_vec(),
    );
    write(
        "unterminated.conf",
        b"server { return 200 \"never closed".to_vec(),
    );
    let mut long_line = b"map $uri $x { ".to_vec();
    while long_line.len() < 1024 * 1024 {
        long_line.extend_from_slice(b"/some/long/path/segment 1; ");
    }
    long_line.extend_from_slice(b"}\n");
    write("long-line.conf", long_line);
    let expected = [
        ("empty.conf", 0),
        ("binary.conf", 2),
        ("nul-in-word.conf", 2),
        ("nul-in-comment.conf", 0),
        ("latin1.conf", 0),
        ("unterminated.conf", 2),
        ("long-line.conf", 0),
    ];
    for (name, code) in expected {
        let (got, text) = run(dir.path(), &["--color", "never", name]);
        assert_eq!(got, code, "{name}: {text}");
        if code == 2 {
            assert!(
                text.contains(name),
                "{name}: the message names the file: {text}"
            );
        }
    }
}

#[test]
fn huge_inputs_stay_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // 100 MB: comments and a few directives.
    let mut big = Vec::with_capacity(100 * 1024 * 1024 + 100);
    big.extend_from_slice(b"events {}\n");
    while big.len() < 100 * 1024 * 1024 {
        big.extend_from_slice(
            b"# a comment line that is here only to make the file large enough for the test\n",
        );
    }
    big.extend_from_slice(b"http { server { listen 80; } }\n");
    std::fs::write(dir.path().join("big.conf"), &big).unwrap();
    drop(big);
    let (code, text) = run(dir.path(), &["big.conf"]);
    assert_eq!(code, 0, "{text}");

    // 1,000,000 directives in one block.
    let mut many = b"http {\n".to_vec();
    for _ in 0..1_000_000 {
        many.extend_from_slice(b"  sendfile on;\n");
    }
    many.extend_from_slice(b"}\n");
    std::fs::write(dir.path().join("many.conf"), &many).unwrap();
    let (code, text) = run(dir.path(), &["many.conf"]);
    assert_eq!(code, 0, "{text}");

    // 100,000 nested blocks: an error, not a stack overflow.
    std::fs::write(dir.path().join("deep.conf"), "location / {".repeat(100_000)).unwrap();
    let (code, text) = run(dir.path(), &["--color", "never", "deep.conf"]);
    assert_eq!(code, 2);
    assert!(
        text.contains("deep.conf") && text.contains("nested more than"),
        "{text}"
    );
}

#[test]
fn odd_includes_and_directory_walks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("many")).unwrap();
    for i in 0..3000 {
        std::fs::write(
            root.join(format!("many/site{i:04}.conf")),
            format!("server {{ listen {}; }}\n", 10000 + i),
        )
        .unwrap();
    }
    std::fs::create_dir_all(root.join("adir")).unwrap();
    std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(root.join("fifo"))
        .status()
        .unwrap();
    assert!(fifo.success());
    std::fs::write(
        root.join("nginx.conf"),
        "events {}\nhttp {\n    include many/*.conf;\n    include /dev/zero;\n    include adir;\n    include fifo;\n}\n",
    )
    .unwrap();
    let (code, text) = run(root, &["--color", "never", "--format", "concise", "."]);
    assert_ne!(code, 0, "{text}");
    assert!(
        text.contains("Checked 3001 files"),
        "every globbed file is read once: {text}"
    );
    assert!(
        text.contains("/dev/zero") && text.contains("outside the checked tree"),
        "an absolute include outside the tree is not read: {text}"
    );
    assert!(
        text.contains("fifo") && text.contains("not a regular file"),
        "{text}"
    );
    assert!(
        text.contains("adir") && text.contains("is a directory"),
        "{text}"
    );
    assert!(
        text.contains("loop") && text.contains("symbolic link loop"),
        "{text}"
    );
}

#[test]
fn fixing_broken_or_odd_files_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("site.conf");
    // A fixable route, and a syntax error further down: nothing is written.
    let text = "server {\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9000;\n    }\n}\nserver {\n    listen 81\n";
    std::fs::write(&conf, text).unwrap();
    let (code, out) = run(dir.path(), &["--fix", "--unsafe-fixes", "site.conf"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(std::fs::read_to_string(&conf).unwrap(), text);
    // An nginx -T dump cannot be fixed in place.
    let dump = "# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    server {\n        location /ws/ { proxy_pass http://127.0.0.1:9000; }\n    }\n}\n\n";
    std::fs::write(dir.path().join("dump.txt"), dump).unwrap();
    let (code, out) = run(dir.path(), &["--fix", "dump.txt"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("cannot be fixed in place"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("dump.txt")).unwrap(),
        dump
    );
}

#[test]
fn a_read_only_file_is_not_fixed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("site.conf");
    let text =
        "server {\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9000;\n    }\n}\n";
    std::fs::write(&conf, text).unwrap();
    std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o444)).unwrap();
    let (code, out) = run(dir.path(), &["--fix", "--unsafe-fixes", "site.conf"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("site.conf") && out.contains("read-only"),
        "the message names the file and why: {out}"
    );
    assert_eq!(std::fs::read_to_string(&conf).unwrap(), text);
    assert_eq!(
        std::fs::metadata(&conf).unwrap().permissions().mode() & 0o777,
        0o444
    );
}

/// A fix that spans two files (the map goes into nginx.conf, the header
/// into the site) is written whole or not at all.
#[test]
fn a_fix_across_files_is_not_half_written() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let main = "events {}\nhttp {\n    include sites/*.conf;\n}\n";
    let site = "server {\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9000;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n    }\n}\n";
    std::fs::create_dir(dir.path().join("sites")).unwrap();
    std::fs::write(dir.path().join("nginx.conf"), main).unwrap();
    std::fs::write(dir.path().join("sites/app.conf"), site).unwrap();
    let (code, out) = run(dir.path(), &["--diff", "."]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("nginx.conf") && out.contains("app.conf"),
        "the fix touches both files: {out}"
    );
    std::fs::set_permissions(
        dir.path().join("nginx.conf"),
        std::fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    let (code, out) = run(dir.path(), &["--fix", "."]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("read-only") && out.contains("no file was written"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sites/app.conf")).unwrap(),
        site,
        "the site must not get a header whose map could not be added"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("nginx.conf")).unwrap(),
        main
    );
}

/// A configuration written on one line: a whole http block of servers, a
/// `geo` of many entries. Linting (text, JSON) and `wslint parse` take time
/// in proportion to the input (eight times the statements on the line take
/// about eight times as long, not sixty-four), and the text report cuts the
/// line around each finding instead of failing past column 65,535.
#[test]
fn one_line_configurations_cost_time_in_proportion() {
    let servers = |n: usize| {
        let body: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "server {{ listen {}; location /ws/ {{ proxy_pass http://127.0.0.1:9; }} }}",
                    1000 + i
                )
            })
            .collect();
        format!("events {{}}\nhttp {{ {} }}\n", body.join(" "))
    };
    let geo = |n: usize| {
        let entries: Vec<String> = (0..n)
            .map(|i| format!("10.{}.{}.0/24 v{i};", i / 256 % 256, i % 256))
            .collect();
        format!("http {{ geo $x {{ default 0; {} }} }}\n", entries.join(" "))
    };
    let dir = tempfile::tempdir().unwrap();
    let time = |text: &str, args: &[&str]| {
        let path = dir.path().join("one-line.conf");
        std::fs::write(&path, text).unwrap();
        let start = std::time::Instant::now();
        let mut all = args.to_vec();
        all.push("one-line.conf");
        let out = wslint(dir.path(), &all, None);
        assert_ne!(
            out.status.code(),
            Some(101),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (start.elapsed().as_secs_f64(), out)
    };
    for (what, make, args) in [
        (
            "json",
            &servers as &dyn Fn(usize) -> String,
            &["--format", "json"][..],
        ),
        ("parse", &servers, &["parse"][..]),
        ("parse of a geo", &geo, &["parse"][..]),
    ] {
        let (small, _) = time(&make(1000), args);
        let (large, _) = time(&make(8000), args);
        assert!(
            large < 20.0 * small.max(0.05),
            "{what}: 1,000 statements on a line took {small:.2} s, 8,000 took {large:.2} s"
        );
    }
    // The text report of a finding past column 65,535.
    let (_, out) = time(&servers(2000), &["--color", "never"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(":2:109") && text.contains('…'),
        "the line is cut around the label"
    );
    assert!(
        text.lines().all(|l| l.chars().count() < 400),
        "no line is printed whole"
    );
}

/// Input larger than any configuration is refused with a clear error
/// instead of filling the memory: standard input (`wslint - < /dev/zero`)
/// is read up to the limit only.
#[test]
fn stdin_is_bounded() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wslint"))
        .arg("-")
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("<stdin>") && text.contains("larger than 256 MiB"),
        "{text}"
    );
}

/// Terminal escape sequences in a configuration (and in its file name) are
/// shown, never sent to the reader's terminal, in every format printed for
/// people; JSON and SARIF escape them as their formats say.
#[test]
fn control_characters_from_a_config_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\u{1b}]0;owned\u{7}.conf";
    std::fs::write(
        dir.path().join(name),
        "server {\n    location /ws\u{1b}[2J\u{9b}31m/ {\n        proxy_pass http://127.0.0.1:9;\n        # \u{1b}[31m red \u{1b}[0m\n    }\n}\n",
    )
    .unwrap();
    for format in ["text", "concise", "github", "json", "sarif"] {
        let out = wslint(
            dir.path(),
            &["--color", "never", "--format", format, name],
            None,
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
        let printed = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        assert!(
            !printed.contains(&0x1b),
            "{format}: an ESC byte was printed"
        );
        assert!(!printed.contains(&0x07), "{format}: a BEL byte was printed");
        assert!(
            !printed.windows(2).any(|w| w == [0xc2, 0x9b]),
            "{format}: a C1 CSI was printed"
        );
    }
}

#[test]
fn a_file_that_is_not_text_gets_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let utf16: Vec<u8> = std::iter::once([0xFF, 0xFE])
        .chain("server { listen 80; }\n".bytes().map(|b| [b, 0]))
        .flatten()
        .collect();
    std::fs::write(dir.path().join("utf16.conf"), utf16).unwrap();
    let image: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    std::fs::write(dir.path().join("image.conf"), &image).unwrap();
    for name in ["utf16.conf", "image.conf"] {
        let (code, text) = run(dir.path(), &["--color", "never", name]);
        assert_eq!(code, 2, "{text}");
        assert_eq!(
            text,
            format!(
                "syntax-error: {name}:1:1: not an nginx configuration: binary content\n\n\
                 Checked 1 file (a file of unknown context: outer levels not seen): 1 syntax error.\n"
            )
        );
    }
    // Never fixed, and the bytes are kept.
    let (code, _) = run(dir.path(), &["--fix", "image.conf"]);
    assert_eq!(code, 2);
    assert_eq!(std::fs::read(dir.path().join("image.conf")).unwrap(), image);
}
