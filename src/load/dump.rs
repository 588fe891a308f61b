//! `nginx -T` output: the whole configuration with a line
//! `# configuration file PATH:` before each file's contents. A dump is split
//! into virtual files that keep their original paths, so findings name the
//! real file and the line within it, not the dump's line.

/// The marker nginx prints before each file.
const MARKER: &[u8] = b"# configuration file ";

/// Whether the bytes look like an `nginx -T` dump: the first line that is
/// not nginx's own "syntax is ok" chatter is a file marker.
pub(crate) fn is_dump(bytes: &[u8]) -> bool {
    bytes
        .split(|&b| b == b'\n')
        .find(|line| {
            let l = line.trim_ascii();
            !l.is_empty() && !l.starts_with(b"nginx: ")
        })
        .is_some_and(|line| line.starts_with(MARKER) && line.trim_ascii_end().ends_with(b":"))
}

/// Splits a dump into (path, contents) pairs, in dump order. Each file's
/// contents are its exact bytes: nginx prints the marker line, the file, and
/// one newline of its own.
pub(crate) fn split(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut markers = Vec::new();
    let mut offset = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(MARKER) && line.trim_ascii_end().ends_with(b":") {
            let text = line.trim_ascii_end();
            let path = &text[MARKER.len()..text.len() - 1];
            markers.push((
                offset,
                offset + line.len(),
                String::from_utf8_lossy(path).into_owned(),
            ));
        }
        offset += line.len();
    }
    let mut files = Vec::new();
    for (i, (_, body_start, path)) in markers.iter().enumerate() {
        let body_end = markers.get(i + 1).map_or(bytes.len(), |m| m.0);
        let body = &bytes[*body_start..body_end];
        // nginx prints one newline of its own after each file.
        let body = body.strip_suffix(b"\n").unwrap_or(body);
        files.push((path.clone(), body.to_vec()));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_markers() {
        let dump = b"# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp { include conf.d/*.conf; }\n\n# configuration file /etc/nginx/conf.d/a.conf:\nserver { listen 80; }\n";
        assert!(is_dump(dump));
        let files = split(dump);
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].0, "/etc/nginx/nginx.conf");
        assert_eq!(files[0].1, b"events {}\nhttp { include conf.d/*.conf; }\n");
        assert_eq!(files[1].1, b"server { listen 80; }");
        assert!(!is_dump(b"events {}\n"));
    }
}
