//! `wslint server` driven over stdio with real LSP messages.
