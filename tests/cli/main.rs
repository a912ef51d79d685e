//! Integration tests: drive the real `stamp` binary in temporary directories
//! and check exit code, stdout, stderr and the written tree together.

mod answers;
mod archives;
mod authoring;
mod check;
mod config;
mod errors;
mod extensions;
mod generate;
mod hardening;
mod prompt;
mod question_types;
mod sources;
mod support;
mod tasks;
mod terminal;
mod update;
mod update_peers;
mod update_signals;
mod vars;
