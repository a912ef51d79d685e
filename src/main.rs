//! The `stamp` binary: everything lives in the library's `cli` module.

fn main() -> std::process::ExitCode {
    stamp::cli::run(std::env::args_os())
}
