//! MariaDB: the load, the workloads (generated and hand-written), the
//! sweep under load and the rotations' errors.

use std::time::{Duration, Instant};

use sqlx::{Executor, MySqlPool, Row};

use crate::my::*;

const DIALECT: &str = "MariaDB";
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

/// Hand-written: a code's put.
async fn hand_code_put(pool: &MySqlPool, hash: &str, now: Timestamp) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO b_attesto_authorization_codes (code_hash, client_id, subject, redirect_uri, expires_at, inserted_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(hash)
    .bind("client-1")
    .bind("alice")
    .bind("https://rp.example/cb")
    .bind(now.checked_add_seconds(600).unwrap_or(now).naive())
    .bind(now.naive())
    .execute(pool)
    .await?;
    Ok(())
}

/// Hand-written: an expert's take, the autocommit conditional `UPDATE`
/// whose count decides the winner, then the row.
async fn hand_take(pool: &MySqlPool, hash: &str, now: Timestamp) -> Result<(), sqlx::Error> {
    let claimed = sqlx::query(
        "UPDATE b_attesto_authorization_codes SET consumed_at = ? WHERE code_hash = ? AND consumed_at IS NULL",
    )
    .bind(now.naive())
    .bind(hash)
    .execute(pool)
    .await?;
    if claimed.rows_affected() != 1 {
        return Err(wrong("hand take missed".to_owned()));
    }
    let row = sqlx::query("SELECT * FROM b_attesto_authorization_codes WHERE code_hash = ?")
        .bind(hash)
        .fetch_one(pool)
        .await?;
    let _: AuthorizationCodeRow = decode(&row)?;
    Ok(())
}

/// Hand-written: a pushed request's put.
async fn hand_par_put(pool: &MySqlPool, uri: &str, now: Timestamp) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO b_attesto_pushed_authorization_requests (request_uri, params, expires_at, inserted_at) \
         VALUES (?, ?, ?, ?)",
    )
    .bind(uri)
    .bind(sqlx::types::Json(serde_json::json!({"client_id": "client-1", "scope": "openid"})))
    .bind(now.checked_add_seconds(90).unwrap_or(now).naive())
    .bind(now.naive())
    .execute(pool)
    .await?;
    Ok(())
}

/// Hand-written: a pushed request's take, read then deleted under the
/// filter (its count decides), or `DELETE ... RETURNING` (`returning`).
async fn hand_par_take(
    pool: &MySqlPool,
    uri: &str,
    now: Timestamp,
    returning: bool,
) -> Result<(), sqlx::Error> {
    if returning {
        let taken = sqlx::query(
            "DELETE FROM b_attesto_pushed_authorization_requests WHERE request_uri = ? AND expires_at > ? RETURNING *",
        )
        .bind(uri)
        .bind(now.naive())
        .fetch_optional(pool)
        .await?;
        return match taken {
            Some(row) => {
                let _: PushedAuthorizationRequestRow = decode(&row)?;
                Ok(())
            }
            None => Err(wrong("hand take missed".to_owned())),
        };
    }
    let row =
        sqlx::query("SELECT * FROM b_attesto_pushed_authorization_requests WHERE request_uri = ?")
            .bind(uri)
            .fetch_optional(pool)
            .await?
            .ok_or_else(|| wrong("hand take missed".to_owned()))?;
    let _: PushedAuthorizationRequestRow = decode(&row)?;
    let deleted = sqlx::query(
        "DELETE FROM b_attesto_pushed_authorization_requests WHERE request_uri = ? AND expires_at > ?",
    )
    .bind(uri)
    .bind(now.naive())
    .execute(pool)
    .await?;
    if deleted.rows_affected() == 1 {
        Ok(())
    } else {
        Err(wrong("hand take missed".to_owned()))
    }
}

/// The statements the server counted (`Questions`, which counts every
/// query and prepared-statement execution a client sends, `BEGIN` and
/// `COMMIT` included) per run of `op`, on one connection of its own, after
/// a first run that prepares its statements.
async fn statements_per_op<F, Fut>(url: &str, runs: u64, op: F) -> f64
where
    F: Fn(MySqlPool, u64) -> Fut,
    Fut: std::future::Future<Output = Result<(), sqlx::Error>>,
{
    let pool = match sqlx::mysql::MySqlPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
    {
        Ok(pool) => pool,
        Err(_) => return f64::NAN,
    };
    let questions = || async {
        let row = sqlx::query("SHOW SESSION STATUS LIKE 'Questions'")
            .fetch_one(&pool)
            .await
            .ok()?;
        let value: String = row.try_get(1).ok()?;
        value.parse::<u64>().ok()
    };
    crate::RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if op(pool.clone(), u64::MAX).await.is_err() {
        return f64::NAN;
    }
    let (Some(before), mut failed) = (questions().await, false) else {
        return f64::NAN;
    };
    for n in 0..runs {
        failed |= op(pool.clone(), n).await.is_err();
    }
    let Some(after) = questions().await else {
        return f64::NAN;
    };
    if failed {
        return f64::NAN;
    }
    // The `SHOW` of `before` counts itself once.
    (after.saturating_sub(before + 1)) as f64 / runs as f64
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
                hand_code_put(&q, &hash, now).await?;
                hand_take(&q, &hash, now).await
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
                // The autocommit conditional `UPDATE`, then the row.
                let consumed = sqlx::query(
                    "UPDATE b_attesto_refresh_tokens SET consumed = TRUE, consumed_at = ? \
                     WHERE token_hash = ? AND NOT consumed AND NOT family_revoked",
                )
                .bind(now.naive())
                .bind(&hash)
                .execute(&q)
                .await?;
                if consumed.rows_affected() != 1 {
                    return Err(wrong("hand consume missed".to_owned()));
                }
                let row =
                    sqlx::query("SELECT * FROM b_attesto_refresh_tokens WHERE token_hash = ?")
                        .bind(&hash)
                        .fetch_one(&q)
                        .await?;
                let _: RefreshTokenRow = decode(&row)?;
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

    // PAR put + take: the cheapest hand-written form with the generated
    // take's guarantees (the row read and decoded, then one autocommit
    // `DELETE` under the filter, whose count decides), then the one
    // statement an expert may write instead, `DELETE ... RETURNING`, which
    // spends a row that does not decode.
    for (workload, returning) in [
        ("PAR put + take", false),
        ("PAR put + take (vs DELETE ... RETURNING)", true),
    ] {
        let (p, q) = (pool.clone(), pool.clone());
        compare!(
            lines,
            "MariaDB",
            workload,
            seconds,
            generated!(par, p, now),
            move |worker, n| {
                let q = q.clone();
                async move {
                    let uri = key("hp", worker, n);
                    hand_par_put(&q, &uri, now).await?;
                    hand_par_take(&q, &uri, now, returning).await
                }
            }
        );
    }

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
    let statements = statement_counts(&url, now).await;
    let (swept, sweep, worst_take, takes, take_errors) = sweep_under_load(&pool, now).await;
    let rotations = rotations(&pool, now).await;
    Extra {
        statements,
        dialect: "MariaDB",
        swept,
        sweep,
        worst_take,
        takes,
        take_errors,
        rotations,
    }
}

/// The statements per operation of each workload whose forms differ, both
/// sides, counted by the server: what each side costs in round trips.
async fn statement_counts(url: &str, now: Timestamp) -> Vec<(&'static str, f64, f64)> {
    const RUNS: u64 = 200;
    let mut out = Vec::new();
    let generated_take = statements_per_op(url, RUNS, |p, n| async move {
        let row = code(key("sc", 0, n), now);
        row.put(&p).await?;
        match AuthorizationCodeRow::take(&p, &row.code_hash, &now).await? {
            CodeTake::Taken(_) => Ok(()),
            other => Err(wrong(format!("take: {other:?}"))),
        }
    })
    .await;
    let hand_take = statements_per_op(url, RUNS, |p, n| async move {
        let hash = key("sh", 0, n);
        hand_code_put(&p, &hash, now).await?;
        self::hand_take(&p, &hash, now).await
    })
    .await;
    out.push(("code put + take", generated_take, hand_take));
    let generated_consume = statements_per_op(url, RUNS, |p, n| async move {
        let hash = key("scr", 0, n);
        token(hash.clone(), key("scf", 0, n), now)
            .insert_in_family(&p)
            .await?;
        match RefreshTokenRow::consume(&p, &hash, &now).await? {
            RefreshConsume::Consumed(_) => Ok(()),
            other => Err(wrong(format!("consume: {other:?}"))),
        }
    })
    .await;
    let hand_consume = statements_per_op(url, RUNS, |p, n| async move {
        let hash = key("shr", 0, n);
        token(hash.clone(), key("shf", 0, n), now)
            .insert_in_family(&p)
            .await?;
        let consumed = sqlx::query(
            "UPDATE b_attesto_refresh_tokens SET consumed = TRUE, consumed_at = ? \
             WHERE token_hash = ? AND NOT consumed AND NOT family_revoked",
        )
        .bind(now.naive())
        .bind(&hash)
        .execute(&p)
        .await?;
        if consumed.rows_affected() != 1 {
            return Err(wrong("hand consume missed".to_owned()));
        }
        let row = sqlx::query("SELECT * FROM b_attesto_refresh_tokens WHERE token_hash = ?")
            .bind(&hash)
            .fetch_one(&p)
            .await?;
        let _: RefreshTokenRow = decode(&row)?;
        Ok(())
    })
    .await;
    out.push((
        "refresh insert_in_family + consume",
        generated_consume,
        hand_consume,
    ));
    for (label, returning) in [
        ("PAR put + take", false),
        ("PAR put + take (vs DELETE ... RETURNING)", true),
    ] {
        let generated = statements_per_op(url, RUNS, |p, n| async move {
            let row = par(key(if returning { "spr" } else { "sp" }, 0, n), now);
            row.put(&p).await?;
            match PushedAuthorizationRequestRow::take(&p, &row.request_uri, &now).await? {
                ParTake::Taken(_) => Ok(()),
                other => Err(wrong(format!("take: {other:?}"))),
            }
        })
        .await;
        let hand = statements_per_op(url, RUNS, |p, n| async move {
            let uri = key(if returning { "shpr" } else { "shp" }, 0, n);
            hand_par_put(&p, &uri, now).await?;
            hand_par_take(&p, &uri, now, returning).await
        })
        .await;
        out.push((label, generated, hand));
    }
    let generated_logout = statements_per_op(url, RUNS, |p, n| async move {
        let row = session(key("sl", 0, n), now);
        row.record(&p).await?;
        let taken = LogoutSessionRow::take_targets_by_sid(&p, &row.sid, &now).await?;
        if taken.len() == 1 {
            Ok(())
        } else {
            Err(wrong(format!("took {}", taken.len())))
        }
    })
    .await;
    let hand_logout = statements_per_op(url, RUNS, |p, n| async move {
        let sid = key("shl", 0, n);
        session(sid.clone(), now).record(&p).await?;
        let mut tx = p.begin().await?;
        let taken = sqlx::query(
            "DELETE FROM b_attesto_logout_sessions WHERE sid = ? AND expires_at > ? RETURNING *",
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
    })
    .await;
    out.push((
        "logout record + take_targets_by_sid",
        generated_logout,
        hand_logout,
    ));
    out
}
