//! A reference OAuth 2.0 authorization server written on attesto's
//! generated API alone: no SQL, bind or schema by hand.
//!
//! - `GET /authorize`: the authorization code grant's front channel
//!   (RFC 6749 §4.1), PKCE S256 required (RFC 7636). User authentication
//!   is out of this reference's scope: the user is `login_hint`, or
//!   `alice`, and consents to whatever is asked.
//! - `POST /token`: `authorization_code` and `refresh_token` grants, each
//!   in one transaction: a code redeemed twice revokes its refresh token
//!   family and the access tokens issued from it (RFC 6749 §4.1.2); a
//!   refresh token rotates on every use and a replayed one revokes its
//!   family (RFC 6819 §5.2.2.3); a DPoP proof (RFC 9449) binds the tokens
//!   to its key and is refused when replayed.
//! - `POST /introspect`: RFC 7662, for the access tokens it issued
//!   (self-contained and signed; revoked through the code's row).
//! - A sweeper task ([`db::sweep_every`]) deletes what expired.
//!
//! SQLite by default (`sqlite://token-endpoint.db?mode=rwc`), PostgreSQL
//! or MariaDB by URL: the one invocation in [`db`] serves the three, and
//! this crate's code does not know which it runs on.

pub mod db;
mod dpop;
mod grants;
mod http;
mod tokens;

use std::sync::Arc;
use std::time::Duration;

pub use http::router;

/// A client the server knows: a public client, which proves possession of
/// its code with PKCE.
#[derive(Debug, Clone)]
pub struct Client {
    /// Its `client_id`.
    pub id: String,
    /// The redirect URIs it registered, one of which every authorization
    /// request names exactly.
    pub redirect_uris: Vec<String>,
}

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Its issuer URL (`http://127.0.0.1:3000`): the token endpoint a DPoP
    /// proof names is `{issuer}/token`.
    pub issuer: String,
    /// The clients it knows.
    pub clients: Vec<Client>,
    /// How long an authorization code lives.
    pub code_ttl: Duration,
    /// How long an access token lives.
    pub access_ttl: Duration,
    /// How long a refresh token lives.
    pub refresh_ttl: Duration,
    /// The key that signs the access tokens (HMAC-SHA-256).
    pub token_key: [u8; 32],
}

impl Config {
    /// The defaults of a reference deployment at `issuer`, with one public
    /// client, `demo`, redirecting to `http://127.0.0.1/callback`, and a
    /// signing key drawn now.
    ///
    /// # Errors
    ///
    /// When the system's random source fails.
    pub fn new(issuer: &str) -> Result<Config, getrandom::Error> {
        let mut token_key = [0u8; 32];
        getrandom::fill(&mut token_key)?;
        Ok(Config {
            issuer: issuer.trim_end_matches('/').to_owned(),
            clients: vec![Client {
                id: "demo".to_owned(),
                redirect_uris: vec!["http://127.0.0.1/callback".to_owned()],
            }],
            code_ttl: Duration::from_secs(60),
            access_ttl: Duration::from_secs(3600),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            token_key,
        })
    }

    fn client(&self, id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.id == id)
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct State {
    /// The database, of whichever dialect its URL named.
    pub pool: db::Pool,
    /// How the server runs.
    pub config: Arc<Config>,
}

impl State {
    /// The state of a server on `pool`.
    pub fn new(pool: db::Pool, config: Config) -> State {
        State {
            pool,
            config: Arc::new(config),
        }
    }
}

/// Connects to `url`, makes sure the database holds attesto's schema
/// (installing it when none of its tables exists), and spawns the sweeper,
/// every `sweep_interval`, whose rounds are logged.
///
/// # Errors
///
/// When the database cannot be reached, or holds another schema: the
/// error's `Display` says what differs and what fixes it.
pub async fn start(
    url: &str,
    config: Config,
    sweep_interval: Duration,
) -> Result<State, Box<dyn std::error::Error + Send + Sync>> {
    let pool = db::Pool::connect(url).await?;
    let ensured = db::ensure(&pool).await?;
    tracing::info!(
        dialect = pool.dialect(),
        ?ensured,
        "attesto's schema is in place"
    );
    tokio::spawn(db::sweep_every(
        pool.clone(),
        sweep_interval,
        tokio::time::sleep,
        |round| match round {
            Ok(swept) if swept.total() > 0 => {
                tracing::info!(total = swept.total(), ?swept, "swept expired rows")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "the sweep failed; the next round tries again"),
        },
    ));
    Ok(State::new(pool, config))
}
