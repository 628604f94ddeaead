use clap::Parser;

fn main() {
    let cli = pbpk::cli::Cli::parse();
    if let Err(e) = pbpk::cli::main_with(cli) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
