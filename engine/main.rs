use clap::Parser;

fn main() {
    // `pbpk run ... | head`: a closed pipe ends the program quietly, as it does for other
    // command-line tools, instead of a panic from the next println!.
    #[cfg(unix)]
    // SAFETY: restoring the default action of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = pbpk::cli::Cli::parse();
    if let Err(e) = pbpk::cli::main_with(cli) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
