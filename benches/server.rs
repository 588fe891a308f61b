//! The editor server measured over stdio (filled in below).
fn main() {}
