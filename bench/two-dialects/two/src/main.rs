//! Design B: one invocation per dialect, and the adapter a service writes
//! over them: a pool enum, neutral types, and a `macro_rules!` dispatcher
//! that writes each function's body once for both modules. The same
//! program as design A (`../one`), line for line where it can be.

mod pg {
    attesto::attesto_migration!(dialect = "postgres", integrations(sqlx));
}
mod lite {
    attesto::attesto_migration!(dialect = "sqlite", integrations(sqlx));
}

use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

/// The pool of either database.
#[derive(Clone)]
enum Pool {
    Postgres(sqlx::PgPool),
    Sqlite(sqlx::SqlitePool),
}

/// A code to store, in neutral types (each module has its own
/// `Timestamp` and rows).
struct NewCode {
    code_hash: String,
    family_id: String,
    client_id: String,
    subject: String,
    redirect_uri: String,
    /// Unix seconds.
    expires_at: i64,
    inserted_at: i64,
}

/// Runs `$body` with `$db` the module of the pool's dialect and `$pool` its
/// pool.
macro_rules! on_dialect {
    ($self:expr, |$db:ident, $pool:ident| $body:expr) => {
        match $self {
            Pool::Postgres($pool) => {
                use crate::pg as $db;
                $body
            }
            Pool::Sqlite($pool) => {
                use crate::lite as $db;
                $body
            }
        }
    };
}

/// A Unix time in `$db`'s timestamp type.
macro_rules! at {
    ($db:ident, $seconds:expr) => {
        $db::Timestamp::from_unix($seconds).map_err(|e| sqlx::Error::Protocol(e.to_string()))
    };
}

impl Pool {
    async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        if url.starts_with("sqlite:") {
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
            Ok(Pool::Sqlite(sqlx::SqlitePool::connect_with(options).await?))
        } else {
            Ok(Pool::Postgres(sqlx::PgPool::connect(url).await?))
        }
    }

    fn dialect(&self) -> &'static str {
        match self {
            Pool::Postgres(_) => "postgres",
            Pool::Sqlite(_) => "sqlite",
        }
    }

    async fn ensure(&self) -> Result<(), attesto::schema::VerifyError<sqlx::Error>> {
        on_dialect!(self, |db, pool| db::ensure(pool).await.map(drop))
    }

    fn spawn_sweeper(&self, interval: Duration) {
        on_dialect!(self, |db, pool| {
            tokio::spawn(db::sweep_every(pool.clone(), interval, tokio::time::sleep, |round| {
                if let Err(e) = round {
                    eprintln!("sweep: {e}");
                }
            }));
        })
    }

    async fn put_code(&self, new: NewCode) -> Result<(), sqlx::Error> {
        on_dialect!(self, |db, pool| {
            let code = db::AuthorizationCodeRow {
                family_id: Some(new.family_id),
                ..db::AuthorizationCodeRow::new(db::NewAuthorizationCode {
                    code_hash: new.code_hash,
                    client_id: new.client_id,
                    subject: new.subject,
                    redirect_uri: new.redirect_uri,
                    expires_at: at!(db, new.expires_at)?,
                    inserted_at: at!(db, new.inserted_at)?,
                })
            };
            code.put(pool).await
        })
    }

    /// A code exchange in one transaction: the body is written once, in
    /// the dispatcher, and compiled for each module.
    async fn exchange(&self, code_hash: &str) -> Result<bool, sqlx::Error> {
        on_dialect!(self, |db, pool| {
            let now = db::Timestamp::now();
            let mut tx = pool.begin().await?;
            match db::AuthorizationCodeRow::take(&mut tx, code_hash, &now).await? {
                db::CodeTake::Taken(code) => {
                    db::AuthorizationCodeRow::mark_consumed(&mut tx, code_hash).await?;
                    let family = code.family_id.unwrap_or_default();
                    let refresh = db::RefreshTokenRow::new(db::NewRefreshToken {
                        id: uuid::Uuid::new_v4(),
                        token_hash: uuid::Uuid::new_v4().to_string(),
                        family_id: family.clone(),
                        subject: code.subject,
                        expires_at: now.checked_add_seconds(86_400).unwrap_or(now),
                        inserted_at: now,
                    });
                    refresh.insert_in_family(&mut tx).await?;
                    let access_expires = now.checked_add_seconds(3_600).unwrap_or(now);
                    db::AuthorizationCodeRow::record_access_token(&mut tx, &family, "jti-1", &access_expires)
                        .await?;
                    tx.commit().await?;
                    Ok(true)
                }
                db::CodeTake::Consumed(code) => {
                    tx.commit().await?;
                    let family = code.family_id.unwrap_or_default();
                    let mut tx = pool.begin().await?;
                    db::RefreshTokenRow::revoke_family(&mut tx, &family).await?;
                    db::AuthorizationCodeRow::revoke_family_access_tokens(&mut tx, &family, &now).await?;
                    tx.commit().await?;
                    Ok(false)
                }
                db::CodeTake::Expired(_) | db::CodeTake::Missing => Ok(false),
            }
        })
    }

    async fn access_token_revoked(&self, jti: &str, now: i64) -> Result<bool, sqlx::Error> {
        on_dialect!(self, |db, pool| {
            db::AuthorizationCodeRow::access_token_revoked(pool, jti, &at!(db, now)?).await
        })
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    // postgres://... or sqlite://...: the same code on either.
    let pool = Pool::connect(&std::env::var("DATABASE_URL")?).await?;
    pool.ensure().await?;
    pool.spawn_sweeper(Duration::from_secs(60));

    let now = chrono::Utc::now().timestamp();
    let code_hash = uuid::Uuid::new_v4().to_string();
    pool.put_code(NewCode {
        code_hash: code_hash.clone(),
        family_id: uuid::Uuid::new_v4().to_string(),
        client_id: "client-1".to_owned(),
        subject: "user-1".to_owned(),
        redirect_uri: "https://client.example/cb".to_owned(),
        expires_at: now + 60,
        inserted_at: now,
    })
    .await?;
    // As a handler would: in a task of its own.
    let (first, second) = (pool.clone(), pool.clone());
    let hash = code_hash.clone();
    let won = tokio::spawn(async move { first.exchange(&hash).await }).await??;
    let again = tokio::spawn(async move { second.exchange(&code_hash).await }).await??;
    assert!(won && !again, "exactly one exchange");
    assert!(pool.access_token_revoked("jti-1", now).await?);
    println!("{}: exchanged once, the replay revoked what it issued", pool.dialect());
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Every error's `Display` is the sentence to read.
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
