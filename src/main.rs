//! The `stamp` binary: the command line lives in the library (`stamp::run`).

fn main() -> std::process::ExitCode {
    stamp::run(std::env::args_os())
}
