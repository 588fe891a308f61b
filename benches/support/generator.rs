//! A generator of large, realistic nginx configuration trees for benchmarks:
//! an nginx.conf with maps and upstreams that includes `sites/*.conf`, and
//! server blocks spread over those files with a mix of static locations,
//! plain proxies, correct and broken WebSocket locations, regex locations
//! with quoted braces, `if` blocks and comments. Deterministic: the same
//! sizes give the same bytes.

use std::fmt::Write;

/// A generated tree: (relative path, contents) pairs, nginx.conf first.
pub struct GeneratedTree {
    pub files: Vec<(String, String)>,
}

impl GeneratedTree {
    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|(_, c)| c.len()).sum()
    }

    /// Writes the tree below `dir`.
    #[allow(dead_code)]
    pub fn write_to(&self, dir: &std::path::Path) -> std::io::Result<()> {
        for (path, contents) in &self.files {
            let full = dir.join(path);
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(full, contents)?;
        }
        Ok(())
    }
}

/// A small deterministic pseudo-random sequence (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `servers` server blocks over `files` site files.
pub fn generate(servers: usize, files: usize) -> GeneratedTree {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let upstreams = 50;
    let mut main = String::from(
        "user www-data;\nworker_processes auto;\npid /run/nginx.pid;\n\nevents {\n    worker_connections 4096;\n}\n\nhttp {\n    include mime.types;\n    default_type application/octet-stream;\n    sendfile on;\n    keepalive_timeout 65;\n\n    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        ''      close;\n    }\n\n",
    );
    for u in 0..upstreams {
        let _ = write!(
            main,
            "    upstream backend_{u} {{\n        server 127.0.0.1:{};\n        server 127.0.0.1:{};\n        keepalive 16;\n    }}\n\n",
            8000 + u,
            9000 + u
        );
    }
    main.push_str("    include sites/*.conf;\n}\n");
    let mut out = vec![("nginx.conf".to_string(), main)];
    let per_file = servers.div_ceil(files.max(1));
    let mut n = 0;
    for f in 0..files {
        let mut text = format!("# sites/site{f:04}.conf: generated virtual hosts\n\n");
        for _ in 0..per_file {
            if n == servers {
                break;
            }
            server_block(&mut text, n, &mut rng, upstreams);
            n += 1;
        }
        out.push((format!("sites/site{f:04}.conf"), text));
    }
    GeneratedTree { files: out }
}

fn server_block(out: &mut String, n: usize, rng: &mut Rng, upstreams: usize) {
    let up = rng.below(upstreams as u64);
    let _ = write!(
        out,
        "server {{\n    listen 443 ssl;\n    listen [::]:443 ssl;\n    server_name app{n}.example.com www.app{n}.example.com;\n\n    ssl_certificate /etc/ssl/certs/app{n}.pem;\n    ssl_certificate_key /etc/ssl/private/app{n}.key;\n    access_log /var/log/nginx/app{n}.access.log combined;\n\n    proxy_set_header Host $host;\n    proxy_set_header X-Real-IP $remote_addr;\n    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\n    location / {{\n        proxy_pass http://backend_{up};\n    }}\n\n    location /static/ {{\n        alias /srv/app{n}/static/;\n        expires 7d;\n        add_header Cache-Control \"public, max-age=604800\";\n    }}\n\n"
    );
    match rng.below(4) {
        0 => {
            let _ = write!(
                out,
                "    # realtime updates\n    location /ws/ {{\n        proxy_pass http://backend_{up};\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n        proxy_read_timeout 3600s;\n    }}\n\n"
            );
        }
        1 => {
            let _ = write!(
                out,
                "    location /socket.io/ {{\n        proxy_pass http://backend_{up};\n        proxy_set_header Host $host;\n    }}\n\n"
            );
        }
        2 => {
            let _ = write!(
                out,
                "    location /cable {{\n        proxy_pass ws://127.0.0.1:{};\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n    }}\n\n",
                3000 + n % 1000
            );
        }
        _ => {}
    }
    let _ = write!(
        out,
        "    location ~ \"^/api/v\\d{{1,3}}/\" {{\n        if ($request_method = OPTIONS) {{\n            return 204;\n        }}\n        proxy_pass http://backend_{up};\n    }}\n}}\n\n"
    );
}
