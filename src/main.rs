fn main() -> std::process::ExitCode {
    otpdeck::cli::main()
}
