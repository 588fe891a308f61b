#!/usr/bin/env python3
"""Builds grammar/directives.tsv, wslint's directive table.

Input: the raw facts extracted from nginx's source (one row per directive and
module: contexts, argument count, block flag, handler), by default
../shared/design/nginx-directives.tsv, plus grammar/third-party.tsv (written
by hand). Output: grammar/directives.tsv with one row per (directive, module)
and an `inherit` column:

  array   the values of a level replace the parent's only when the level has
          at least one of its own (nginx merges these arrays all or nothing)
  scalar  a level without the directive inherits the parent's value
  none    not inherited: block directives, directives allowed in one context
          only, and the rewrite module's per-level code (if, set, return, ...)

Usage: python3 scripts/build-directives.py [RAW_TSV]
"""
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/design/nginx-directives.tsv"

# Handlers whose configuration value is an array merged all-or-nothing
# (ngx_conf_merge_ptr_value on an array, or a custom merge that does the same).
ARRAY_HANDLERS = {
    "ngx_conf_set_keyval_slot",
    "ngx_conf_set_str_array_slot",
    "ngx_http_headers_add",
    "ngx_http_upstream_param_set_slot",
    "ngx_http_access_rule",
    "ngx_stream_access_rule",
    "ngx_http_log_set_log",
    "ngx_stream_log_set_log",
    "ngx_http_core_error_page",
    "ngx_http_file_cache_valid_set_slot",
    "ngx_http_set_predicate_slot",
    "ngx_http_xslt_param",
    "ngx_http_limit_req",
    "ngx_http_limit_conn",
    "ngx_stream_limit_conn",
    "ngx_http_index_set_index",
}
# The rewrite module's directives run as code compiled per level; a level
# does not inherit its parent's (server-level ones run in their own phase).
REWRITE_CODE = {"if", "set", "return", "rewrite", "break"}
LEVELS = {"http", "server", "location", "stream", "stream-server", "mail", "mail-server"}


def inherit(row):
    contexts = set(row["contexts"].split(","))
    if row["block"] == "block" or (
        row["module"] == "ngx_http_rewrite_module" and row["directive"] in REWRITE_CODE
    ):
        return "none"
    if len(contexts & LEVELS) < 2 and "any" not in contexts:
        return "none"
    if row["handler"] in ARRAY_HANDLERS:
        return "array"
    return "scalar"


def main():
    out_rows = []
    with open(RAW, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            out_rows.append([row["directive"], row["module"], row["contexts"], row["args"],
                             row["block"] or "-", inherit(row)])
    with open(ROOT / "grammar/third-party.tsv", newline="") as f:
        lines = [l for l in f if not l.startswith("#")]
        for row in csv.DictReader(lines, delimiter="\t"):
            out_rows.append([row["directive"], row["module"], row["contexts"], row["args"],
                             row["block"], row["inherit"]])
    out_rows.sort(key=lambda r: (r[0], r[1]))
    with open(ROOT / "grammar/directives.tsv", "w") as f:
        f.write("directive\tmodule\tcontexts\targs\tblock\tinherit\n")
        for r in out_rows:
            f.write("\t".join(r) + "\n")


main()
