//! The `attesto` command: writes and checks migration files of the attesto
//! schema. See `attesto --help`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let code = attesto_cli::run(
        &args,
        &cwd,
        attesto_schema::UtcTime::now(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    std::process::exit(code);
}
