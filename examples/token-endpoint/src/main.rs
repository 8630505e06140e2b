//! The reference token endpoint as a program: `DATABASE_URL` names the
//! database (SQLite by default: `sqlite://token-endpoint.db?mode=rwc`),
//! `LISTEN` the address (`127.0.0.1:3000`), `ISSUER` the URL clients reach
//! it by (`http://{LISTEN}`). It makes sure the schema is in place,
//! spawns the sweeper, and serves until interrupted.

use std::process::ExitCode;
use std::time::Duration;

use attesto_token_endpoint::{Config, router, start};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt().with_target(false).init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The errors' `Display` says what went wrong and what fixes it.
            eprintln!("token-endpoint: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "sqlite://token-endpoint.db?mode=rwc".to_owned());
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let issuer = std::env::var("ISSUER").unwrap_or_else(|_| format!("http://{listen}"));
    let state = start(&url, Config::new(&issuer)?, Duration::from_secs(60)).await?;
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    tracing::info!(%issuer, dialect = state.pool.dialect(), "serving");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
