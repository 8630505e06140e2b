//! PostgreSQL: the load, the workloads (generated and hand-written), the
//! sweep under load and the rotations' errors.

use std::time::{Duration, Instant};

use sqlx::{Executor, PgPool};

use crate::pg::*;

const DIALECT: &str = "PostgreSQL";
use crate::{CONNECTIONS, Extra, Line, Options, is_deadlock, key, volume};

/// The load, by the server's own `generate_series`: what is loaded is not
/// what is measured.
async fn load(pool: &PgPool, scale: f64, now: chrono::NaiveDateTime) -> Result<(), sqlx::Error> {
    let codes = volume(scale, 1_000_000) as i64;
    let tokens = volume(scale, 1_000_000) as i64;
    let replays = volume(scale, 1_000_000) as i64;
    let sessions = volume(scale, 200_000) as i64;
    let sids = volume(scale, 50_000) as i64;
    let nonces = volume(scale, 100_000) as i64;
    let statements: [(&str, i64); 5] = [
        (
            "INSERT INTO b_attesto_authorization_codes (code_hash, client_id, subject, redirect_uri, expires_at, inserted_at) \
             SELECT 'load-' || i, 'client-1', 'alice', 'https://rp.example/cb', \
             CASE WHEN i % 2 = 0 THEN $1 - interval '1 day' ELSE $1 + interval '1 day' END, $1 - interval '2 days' \
             FROM generate_series(1, $2) AS i",
            codes,
        ),
        (
            "INSERT INTO b_attesto_refresh_tokens (id, token_hash, family_id, generation, subject, expires_at, inserted_at) \
             SELECT gen_random_uuid(), 'load-' || i, 'lf-' || (i / 5), i % 5, 'alice', $1 + interval '30 days', $1 \
             FROM generate_series(1, $2) AS i",
            tokens,
        ),
        (
            "INSERT INTO b_dpop_replays (jti, expires_at, inserted_at) \
             SELECT 'load-' || i, CASE WHEN i % 5 = 0 THEN $1 + interval '1 day' ELSE $1 - interval '1 day' END, $1 \
             FROM generate_series(1, $2) AS i",
            replays,
        ),
        (
            "INSERT INTO b_dpop_nonces (id, nonce, issued_at, expires_at) \
             SELECT gen_random_uuid(), 'load-' || i, $1, $1 + interval '5 minutes' FROM generate_series(1, $2) AS i",
            nonces,
        ),
        (
            "INSERT INTO b_attesto_logout_sessions (id, sid, client_id, subject, expires_at, inserted_at) \
             SELECT gen_random_uuid(), 'ls-' || (i % $3), 'rp-' || (i / $3), 'alice', $1 + interval '1 day', $1 \
             FROM generate_series(1, $2) AS i",
            sessions,
        ),
    ];
    for (sql, count) in statements {
        let query = sqlx::query(sql).bind(now).bind(count);
        let query = if sql.contains("$3") {
            query.bind(sids)
        } else {
            query
        };
        query.execute(pool).await?;
    }
    pool.execute("ANALYZE").await?;
    Ok(())
}

shared_items!(PgPool);

/// Hand-written: one rotation's insert, under upstream's family lock.
async fn hand_insert_in_family(pool: &PgPool, row: &RefreshTokenRow) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(1096045126, hashtext($1))")
        .bind(&row.family_id)
        .execute(&mut *tx)
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO b_attesto_refresh_tokens (id, token_hash, family_id, generation, subject, expires_at, inserted_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7 WHERE NOT EXISTS \
         (SELECT 1 FROM b_attesto_refresh_tokens WHERE family_id = $8 AND family_revoked)",
    )
    .bind(row.id)
    .bind(&row.token_hash)
    .bind(&row.family_id)
    .bind(row.generation)
    .bind(&row.subject)
    .bind(row.expires_at.naive())
    .bind(row.inserted_at.naive())
    .bind(&row.family_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(inserted == 1)
}

pub async fn run(options: &Options, lines: &mut Vec<Line>) -> Extra {
    let url = attesto_test_support::fresh_postgres("bench_ops");
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(40)
        .connect(&url)
        .await
        .expect("connect to PostgreSQL");
    sqlx::raw_sql(UP_SQL).execute(&pool).await.expect("up");
    let now = Timestamp::now();
    let loading = Instant::now();
    load(&pool, options.scale, now.naive()).await.expect("load");
    eprintln!(
        "PostgreSQL: loaded in {:.1} s",
        loading.elapsed().as_secs_f64()
    );
    let seconds = options.seconds;

    // Code put + take.
    let (p, q) = (pool.clone(), pool.clone());
    compare!(
        lines,
        "PostgreSQL",
        "code put + take",
        seconds,
        generated!(code_put_take, p, now),
        move |worker, n| {
            let q = q.clone();
            async move {
                let hash = key("hc", worker, n);
                sqlx::query(
                    "INSERT INTO b_attesto_authorization_codes (code_hash, client_id, subject, redirect_uri, expires_at, inserted_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&hash)
                .bind("client-1")
                .bind("alice")
                .bind("https://rp.example/cb")
                .bind(now.checked_add_seconds(600).unwrap_or(now).naive())
                .bind(now.naive())
                .execute(&q)
                .await?;
                // In a transaction, as the generated take: a row that does
                // not decode is rolled back, not spent.
                let mut tx = q.begin().await?;
                let taken = sqlx::query(
                    "UPDATE b_attesto_authorization_codes SET consumed_at = $1 WHERE code_hash = $2 AND consumed_at IS NULL RETURNING *",
                )
                .bind(now.naive())
                .bind(&hash)
                .fetch_optional(&mut *tx)
                .await?;
                match taken {
                    Some(row) => {
                        let _: AuthorizationCodeRow = decode(&row)?;
                        tx.commit().await?;
                        Ok(())
                    }
                    None => Err(wrong("hand take missed".to_owned())),
                }
            }
        }
    );

    // Rotation: consume the worker's current token, insert the next.
    let (p, q) = (pool.clone(), pool.clone());
    compare!(
        lines,
        "PostgreSQL",
        "rotation (consume + insert_in_family)",
        seconds,
        generated!(rotation, p, now),
        move |worker, n| {
            let q = q.clone();
            async move {
                let family = key("hf", worker, 0);
                if n == 0 {
                    hand_insert_in_family(&q, &token(key("hr", worker, 0), family.clone(), now))
                        .await?;
                }
                let mut tx = q.begin().await?;
                let consumed = sqlx::query(
                    "UPDATE b_attesto_refresh_tokens SET consumed = TRUE, consumed_at = $1 \
                     WHERE token_hash = $2 AND NOT consumed AND NOT family_revoked RETURNING *",
                )
                .bind(now.naive())
                .bind(key("hr", worker, n))
                .fetch_optional(&mut *tx)
                .await?;
                let Some(consumed) = consumed else {
                    return Err(wrong("hand consume missed".to_owned()));
                };
                let _: RefreshTokenRow = decode(&consumed)?;
                tx.commit().await?;
                if hand_insert_in_family(&q, &token(key("hr", worker, n + 1), family, now)).await? {
                    Ok(())
                } else {
                    Err(wrong("hand insert refused".to_owned()))
                }
            }
        }
    );

    // DPoP replay check.
    let (p, q) = (pool.clone(), pool.clone());
    let usec: TimestampUsec = now.into();
    compare!(
        lines,
        "PostgreSQL",
        "DPoP check_and_record",
        seconds,
        generated!(dpop, p, usec),
        move |worker, n| {
            let q = q.clone();
            async move {
                let done = sqlx::query(
                    "INSERT INTO b_dpop_replays (jti, expires_at, inserted_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING",
                )
                .bind(key("hj", worker, n))
                .bind(usec.naive())
                .bind(usec.naive())
                .execute(&q)
                .await?;
                if done.rows_affected() == 1 {
                    Ok(())
                } else {
                    Err(wrong("hand replay".to_owned()))
                }
            }
        }
    );

    // Nonce issue + accept.
    let (p, q) = (pool.clone(), pool.clone());
    compare!(
        lines,
        "PostgreSQL",
        "nonce issue + accept",
        seconds,
        generated!(nonce, p, now),
        move |worker, n| {
            let q = q.clone();
            async move {
                let nonce = key("hn", worker, n);
                sqlx::query("INSERT INTO b_dpop_nonces (id, nonce, issued_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(uuid::Uuid::new_v4())
                    .bind(&nonce)
                    .bind(now.naive())
                    .bind(now.checked_add_seconds(300).unwrap_or(now).naive())
                    .execute(&q)
                    .await?;
                let accepted = sqlx::query(
                    "UPDATE b_dpop_nonces SET used_at = $1 WHERE nonce = $2 AND used_at IS NULL AND issued_at >= $3",
                )
                .bind(now.naive())
                .bind(&nonce)
                .bind(now.checked_add_seconds(-300).unwrap_or(now).naive())
                .execute(&q)
                .await?;
                if accepted.rows_affected() == 1 {
                    Ok(())
                } else {
                    Err(wrong("hand accept missed".to_owned()))
                }
            }
        }
    );

    // Logout record + take_targets_by_sid.
    let (p, q) = (pool.clone(), pool.clone());
    compare!(
        lines,
        "PostgreSQL",
        "logout record + take_targets_by_sid",
        seconds,
        generated!(logout, p, now),
        move |worker, n| {
            let q = q.clone();
            async move {
                let sid = key("hs", worker, n);
                sqlx::query(
                    "INSERT INTO b_attesto_logout_sessions (id, sid, subject, client_id, expires_at, inserted_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sid, client_id) DO UPDATE SET \
                     subject = excluded.subject, expires_at = excluded.expires_at",
                )
                .bind(uuid::Uuid::new_v4())
                .bind(&sid)
                .bind("alice")
                .bind("rp-1")
                .bind(now.checked_add_seconds(3600).unwrap_or(now).naive())
                .bind(now.naive())
                .execute(&q)
                .await?;
                let mut tx = q.begin().await?;
                let taken = sqlx::query(
                    "DELETE FROM b_attesto_logout_sessions WHERE sid = $1 AND expires_at > $2 RETURNING *",
                )
                .bind(&sid)
                .bind(now.naive())
                .fetch_all(&mut *tx)
                .await?;
                for row in &taken {
                    let _: LogoutSessionRow = decode(row)?;
                }
                tx.commit().await?;
                if taken.len() == 1 {
                    Ok(())
                } else {
                    Err(wrong(format!("hand took {}", taken.len())))
                }
            }
        }
    );

    if !crate::everything() {
        return Extra::skipped(DIALECT);
    }
    let (swept, sweep, worst_take, takes, take_errors) = sweep_under_load(&pool, now).await;
    let rotations = rotations(&pool, now).await;
    Extra {
        statements: Vec::new(),
        dialect: "PostgreSQL",
        swept,
        sweep,
        worst_take,
        takes,
        take_errors,
        rotations,
    }
}
