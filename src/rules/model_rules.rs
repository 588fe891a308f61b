//! The catalogue entries of the configuration checks the model makes while
//! it is built (src/semantic/model.rs): missing includes, include cycles,
//! directives in the wrong place, wrong argument counts and blocks where
//! nginx wants a `;`. They have codes like the rules, so `wslint rule E004`
//! explains one and `--ignore E001` drops one.

use super::{FixAvailability, RuleMeta};
use crate::diagnostic::Severity;

pub(crate) static E001: RuleMeta = RuleMeta {
    code: "E001",
    name: "missing-include",
    severity: Severity::Warning,
    fix: FixAvailability::Never,
    default_enabled: true,
    summary: "an `include` names a file that cannot be read",
    explanation: "\
## What it does
Reports an `include` whose file cannot be read: a plain path that does not
exist, a glob whose folder the checked tree does not hold, or an absolute path
outside the checked tree (which is read as itself, never from this machine).
Files nginx installs beside nginx.conf (`mime.types`, `fastcgi_params`, …) are
not reported when a repository does not carry them.

## Why is this bad
nginx refuses to start when a plain include is missing. And what the file
would set is unseen: findings on the routes behind it say they assumed it sets
nothing.

## Example
```nginx
http {
    include /etc/nginx/sites-enabled/*;   # the repository holds no sites-enabled/
}
```

## Use instead
Check the tree that holds the included files, or add them to it.

## Fix safety
No fix: only the author knows where the file is.

## References
- docs/nginx-facts.md F26: `include` paths start from the configuration prefix; a glob may match nothing
- nginx docs: `include` (relative paths are taken from the prefix, the folder of nginx.conf)
",
};

pub(crate) static E002: RuleMeta = RuleMeta {
    code: "E002",
    name: "include-cycle",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    default_enabled: true,
    summary: "a file includes itself, directly or through others",
    explanation: "\
## What it does
Reports an `include` that leads back to a file already being read (or nests
more than 64 levels deep).

## Why is this bad
nginx follows includes without a limit of its own: a cycle makes it fail or
exhaust its resources at startup.

## Example
```nginx
# a.conf
include b.conf;
# b.conf
include a.conf;
```

## Use instead
Include each file from one place.

## Fix safety
No fix.

## References
- docs/nginx-facts.md F27: nginx does not detect include cycles
- nginx docs: `include`
",
};

pub(crate) static E003: RuleMeta = RuleMeta {
    code: "E003",
    name: "directive-not-allowed-here",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    default_enabled: true,
    summary: "a directive in a context nginx rejects, or one the target nginx does not have",
    explanation: "\
## What it does
Checks every directive the directive table knows against the contexts nginx
accepts it in (grammar/directives.tsv), and against the release that added it
(grammar/versions.tsv) when the target nginx is older.

## Why is this bad
`nginx -t` fails: \"directive is not allowed here\", or \"unknown directive\"
on a release that does not have it.

## Example
```nginx
location /ws/ {
    if ($http_upgrade) {
        proxy_set_header Upgrade $http_upgrade;   # not allowed inside if
    }
}
```

## Use instead
Move the directive to a level that allows it, or use a `map`.

## Fix safety
No fix.

## References
- docs/nginx-facts.md F28: each directive has fixed contexts and argument counts
- docs/nginx-facts.md F29: what a later release added is rejected by an older nginx
- tests/it/nginx_behaviour.rs `what_a_later_nginx_added_fails_on_an_older_one`
- nginx docs: each directive's Context line; nginx CHANGES for when directives appeared
",
};

pub(crate) static E004: RuleMeta = RuleMeta {
    code: "E004",
    name: "wrong-argument-count",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    default_enabled: true,
    summary: "a directive or a map/geo entry with a number of words nginx rejects",
    explanation: "\
## What it does
Checks the number of arguments of every directive the table knows, wherever it
stands (a snippet checked alone included), the entries of `map` and `geo`
blocks (a key and a value), and parameters a later nginx added (`keepalive 32
local` needs 1.29.7).

## Why is this bad
`nginx -t` fails: \"invalid number of arguments\". A `;` forgotten between two
`proxy_set_header` lines merges them into one directive with five arguments.

## Example
```nginx
proxy_set_header Upgrade $http_upgrade
proxy_set_header Connection \"upgrade\";
```

## Use instead
```nginx
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection \"upgrade\";
```

## Fix safety
No fix: where the `;` belongs is a guess.

## References
- docs/nginx-facts.md F28: each directive has fixed contexts and argument counts
- docs/nginx-facts.md F29: what a later release added is rejected by an older nginx
- tests/it/nginx_behaviour.rs `what_a_later_nginx_added_fails_on_an_older_one`
- nginx docs: each directive's Syntax line; ngx_http_map_module, ngx_http_geo_module
",
};

pub(crate) static E005: RuleMeta = RuleMeta {
    code: "E005",
    name: "block-mismatch",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    default_enabled: true,
    summary: "a `{` where nginx wants a `;`, or the other way round (a syntax error)",
    explanation: "\
## What it does
Reports a block after a directive that takes none (a `;` is missing before a
`{`), a `;` after one that needs a block, and a block inside a `map` or `geo`.
It is a syntax error: the run exits with 2, and it cannot be ignored.

## Why is this bad
nginx cannot parse the file.

## Example
```nginx
root /srv/www
location / {
```

## Use instead
```nginx
root /srv/www;
location / {
```

## Fix safety
No fix.

## References
- docs/nginx-facts.md F30: a `;` or a `{` ends every directive
- nginx's tokenizer (src/core/ngx_conf_file.c)
",
};

/// The model's checks, by code.
pub(crate) static ALL: [&RuleMeta; 5] = [&E001, &E002, &E003, &E004, &E005];
