//! The `wslint` binary: the application layer ([`wslint::app`]) runs the
//! command line and says how the process ends.

fn main() -> std::process::ExitCode {
    wslint::app::main()
}
