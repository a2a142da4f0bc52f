//! The `gongkai` command: see `gongkai --help`.

fn main() -> std::process::ExitCode {
    gongkai::cli::main()
}
