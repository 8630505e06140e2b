//! MariaDB: the load, the workloads (generated and hand-written), the
//! sweep under load and the rotations' errors.

use std::time::{Duration, Instant};

use sqlx::{Executor, MySqlPool, Row};

use crate::my::*;
use crate::{CONNECTIONS, Extra, Line, Options, is_deadlock, key, volume};

/// The load, by MariaDB's sequence engine: what is loaded is not what is
/// measured.
async fn load(pool: &MySqlPool, scale: f64, now: chrono::NaiveDateTime) -> Result<(), sqlx::Error> {
    let codes = volume(scale, 1_000_000);
    let tokens = volume(scale, 1_000_000);
    let replays = volume(scale, 1_000_000);
    let sessions = volume(scale, 200_000);
    let sids = volume(scale, 50_000);
    let nonces = volume(scale, 100_000);
    let uuid = "UNHEX(REPLACE(UUID(), '-', ''))";
    let statements = [
        format!(
            "INSERT INTO b_attesto_authorization_codes (code_hash, client_id, subject, redirect_uri, expires_at, inserted_at) \
             SELECT CONCAT('load-', seq), 'client-1', 'alice', 'https://rp.example/cb', \
             IF(seq % 2 = 0, ? - INTERVAL 1 DAY, ? + INTERVAL 1 DAY), ? - INTERVAL 2 DAY FROM seq_1_to_{codes}"
        ),
        format!(
            "INSERT INTO b_attesto_refresh_tokens (id, token_hash, family_id, generation, subject, expires_at, inserted_at) \
             SELECT {uuid}, CONCAT('load-', seq), CONCAT('lf-', seq DIV 5), seq % 5, 'alice', ? + INTERVAL 30 DAY, ? \
             FROM seq_1_to_{tokens}"
        ),
        format!(
            "INSERT INTO b_dpop_replays (jti, expires_at, inserted_at) \
             SELECT CONCAT('load-', seq), IF(seq % 5 = 0, ? + INTERVAL 1 DAY, ? - INTERVAL 1 DAY), ? FROM seq_1_to_{replays}"
        ),
        format!(
            "INSERT INTO b_dpop_nonces (id, nonce, issued_at, expires_at) \
             SELECT {uuid}, CONCAT('load-', seq), ?, ? + INTERVAL 5 MINUTE FROM seq_1_to_{nonces}"
        ),
        format!(
            "INSERT INTO b_attesto_logout_sessions (id, sid, client_id, subject, expires_at, inserted_at) \
             SELECT {uuid}, CONCAT('ls-', seq % {sids}), CONCAT('rp-', seq DIV {sids}), 'alice', ? + INTERVAL 1 DAY, ? \
             FROM seq_1_to_{sessions}"
        ),
    ];
    for sql in statements {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
        for _ in 0..sql.matches('?').count() {
            query = query.bind(now);
        }
        query.execute(pool).await?;
    }
    for table in [
        "b_attesto_authorization_codes",
        "b_attesto_refresh_tokens",
        "b_dpop_replays",
        "b_dpop_nonces",
        "b_attesto_logout_sessions",
    ] {
        pool.execute(sqlx::AssertSqlSafe(format!("ANALYZE TABLE {table}")))
            .await?;
    }
    Ok(())
}

shared_items!(MySqlPool);

/// Hand-written: one rotation's insert, then the family's revoked rows
/// (plain read), rolled back when there is one.
async fn hand_insert_in_family(
    pool: &MySqlPool,
    row: &RefreshTokenRow,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO b_attesto_refresh_tokens (id, token_hash, family_id, generation, subject, expires_at, inserted_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(row.id)
    .bind(&row.token_hash)
    .bind(&row.family_id)
    .bind(row.generation)
    .bind(&row.subject)
    .bind(row.expires_at.naive())
    .bind(row.inserted_at.naive())
    .execute(&mut *tx)
    .await?;
    let revoked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM b_attesto_refresh_tokens WHERE family_id = ? AND family_revoked",
    )
    .bind(&row.family_id)
    .fetch_one(&mut *tx)
    .await?;
    if revoked > 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

pub async fn run(options: &Options, lines: &mut Vec<Line>) -> Extra {
    let url = attesto_test_support::fresh_mysql("bench_ops");
    let pool = sqlx::mysql::MySqlPoolOptions::new()
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
        "MariaDB",
        "code put + take",
        seconds,
        generated!(code_put_take, p, now),
        move |worker, n| {
            let q = q.clone();
            async move {
                let hash = key("hc", worker, n);
                sqlx::query(
                    "INSERT INTO b_attesto_authorization_codes (code_hash, client_id, subject, redirect_uri, expires_at, inserted_at) \
                     VALUES (?, ?, ?, ?, ?, ?)",
                )
                .bind(&hash)
                .bind("client-1")
                .bind("alice")
                .bind("https://rp.example/cb")
                .bind(now.checked_add_seconds(600).unwrap_or(now).naive())
                .bind(now.naive())
                .execute(&q)
                .await?;
                // No `UPDATE ... RETURNING` on MariaDB: the claim, then the
                // row, in a transaction, as the generated take (a row that
                // does not decode is rolled back, not spent).
                let mut tx = q.begin().await?;
                let claimed = sqlx::query(
                    "UPDATE b_attesto_authorization_codes SET consumed_at = ? WHERE code_hash = ? AND consumed_at IS NULL",
                )
                .bind(now.naive())
                .bind(&hash)
                .execute(&mut *tx)
                .await?;
                if claimed.rows_affected() != 1 {
                    return Err(wrong("hand take missed".to_owned()));
                }
                let taken =
                    sqlx::query("SELECT * FROM b_attesto_authorization_codes WHERE code_hash = ?")
                        .bind(&hash)
                        .fetch_optional(&mut *tx)
                        .await?;
                match taken {
                    Some(row) => {
                        let _: String = row.try_get("code_hash")?;
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
        "MariaDB",
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
                let hash = key("hr", worker, n);
                let mut tx = q.begin().await?;
                let consumed = sqlx::query(
                    "UPDATE b_attesto_refresh_tokens SET consumed = TRUE, consumed_at = ? \
                     WHERE token_hash = ? AND NOT consumed AND NOT family_revoked",
                )
                .bind(now.naive())
                .bind(&hash)
                .execute(&mut *tx)
                .await?;
                if consumed.rows_affected() != 1 {
                    return Err(wrong("hand consume missed".to_owned()));
                }
                sqlx::query("SELECT * FROM b_attesto_refresh_tokens WHERE token_hash = ?")
                    .bind(&hash)
                    .fetch_one(&mut *tx)
                    .await?;
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
        "MariaDB",
        "DPoP check_and_record",
        seconds,
        generated!(dpop, p, usec),
        move |worker, n| {
            let q = q.clone();
            async move {
                let done = sqlx::query(
                    "INSERT IGNORE INTO b_dpop_replays (jti, expires_at, inserted_at) VALUES (?, ?, ?)",
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
        "MariaDB",
        "nonce issue + accept",
        seconds,
        generated!(nonce, p, now),
        move |worker, n| {
            let q = q.clone();
            async move {
                let nonce = key("hn", worker, n);
                sqlx::query("INSERT INTO b_dpop_nonces (id, nonce, issued_at, expires_at) VALUES (?, ?, ?, ?)")
                    .bind(uuid::Uuid::new_v4())
                    .bind(&nonce)
                    .bind(now.naive())
                    .bind(now.checked_add_seconds(300).unwrap_or(now).naive())
                    .execute(&q)
                    .await?;
                let accepted = sqlx::query(
                    "UPDATE b_dpop_nonces SET used_at = ? WHERE nonce = ? AND used_at IS NULL AND issued_at >= ?",
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
        "MariaDB",
        "logout record + take_targets_by_sid",
        seconds,
        generated!(logout, p, now),
        move |worker, n| {
            let q = q.clone();
            async move {
                let sid = key("hs", worker, n);
                sqlx::query(
                    "INSERT INTO b_attesto_logout_sessions (id, sid, subject, client_id, expires_at, inserted_at) \
                     VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE \
                     subject = VALUES(subject), expires_at = VALUES(expires_at)",
                )
                .bind(uuid::Uuid::new_v4())
                .bind(&sid)
                .bind("alice")
                .bind("rp-1")
                .bind(now.checked_add_seconds(3600).unwrap_or(now).naive())
                .bind(now.naive())
                .execute(&q)
                .await?;
                // MariaDB's `DELETE ... RETURNING`, which takes no index
                // hint (see BENCHMARKS.md).
                let mut tx = q.begin().await?;
                let taken = sqlx::query(
                    "DELETE FROM b_attesto_logout_sessions WHERE sid = ? AND expires_at > ? RETURNING *",
                )
                .bind(&sid)
                .bind(now.naive())
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                if taken.len() == 1 {
                    Ok(())
                } else {
                    Err(wrong(format!("hand took {}", taken.len())))
                }
            }
        }
    );

    let (swept, sweep, worst_take, takes, take_errors) = sweep_under_load(&pool, now).await;
    let rotations = rotations(&pool, now).await;
    Extra {
        dialect: "MariaDB",
        swept,
        sweep,
        worst_take,
        takes,
        take_errors,
        rotations,
    }
}
