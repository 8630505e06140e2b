//! What both servers' sides share: the rows the workloads write, the
//! generated form of each workload (the same calls on either expansion),
//! the sweep under load and the rotations' count of errors. Macros, so
//! that each side expands them over its own expansion's types.

/// The generated form of a workload, as a closure for `compare!`: `$p` the
/// pool, `$now` the expansion's `Timestamp`, `$usec` its `TimestampUsec`.
/// Names resolve where it expands (`use crate::pg::*` or `crate::my::*`).
macro_rules! generated {
    (code_put_take, $p:ident, $now:ident) => {
        move |worker, n| {
            let p = $p.clone();
            async move {
                let row = code(key("gc", worker, n), $now);
                row.put(&p).await?;
                match AuthorizationCodeRow::take(&p, &row.code_hash, &$now).await? {
                    CodeTake::Taken(_) => Ok(()),
                    other => Err(wrong(format!("take: {other:?}"))),
                }
            }
        }
    };
    (rotation, $p:ident, $now:ident) => {
        move |worker, n| {
            let p = $p.clone();
            async move {
                let family = key("gf", worker, 0);
                if n == 0 {
                    token(key("gr", worker, 0), family.clone(), $now)
                        .insert_in_family(&p)
                        .await?;
                }
                match RefreshTokenRow::consume(&p, &key("gr", worker, n), &$now).await? {
                    RefreshConsume::Consumed(_) => {}
                    other => return Err(wrong(format!("consume: {other:?}"))),
                }
                match token(key("gr", worker, n + 1), family, $now)
                    .insert_in_family(&p)
                    .await?
                {
                    RefreshInsert::Inserted => Ok(()),
                    other => Err(wrong(format!("insert: {other:?}"))),
                }
            }
        }
    };
    (dpop, $p:ident, $usec:ident) => {
        move |worker, n| {
            let p = $p.clone();
            async move {
                let row = DpopReplayRow {
                    jti: key("gj", worker, n),
                    expires_at: $usec,
                    inserted_at: $usec,
                };
                match row.check_and_record(&p).await? {
                    ReplayCheck::Recorded => Ok(()),
                    ReplayCheck::Replay => Err(wrong("replay".to_owned())),
                }
            }
        }
    };
    (nonce, $p:ident, $now:ident) => {
        move |worker, n| {
            let p = $p.clone();
            async move {
                let row = DpopNonceRow::new(NewDpopNonce {
                    id: uuid::Uuid::new_v4(),
                    nonce: key("gn", worker, n),
                    issued_at: $now,
                    expires_at: $now.checked_add_seconds(300).unwrap_or($now),
                });
                row.issue(&p).await?;
                match DpopNonceRow::accept(&p, &row.nonce, &$now, 300).await? {
                    NonceAccept::Accepted => Ok(()),
                    other => Err(wrong(format!("accept: {other:?}"))),
                }
            }
        }
    };
    (par, $p:ident, $now:ident) => {
        move |worker, n| {
            let p = $p.clone();
            async move {
                let row = par(key("gp", worker, n), $now);
                row.put(&p).await?;
                match PushedAuthorizationRequestRow::take(&p, &row.request_uri, &$now).await? {
                    ParTake::Taken(_) => Ok(()),
                    other => Err(wrong(format!("take: {other:?}"))),
                }
            }
        }
    };
    (logout, $p:ident, $now:ident) => {
        move |worker, n| {
            let p = $p.clone();
            async move {
                let row = session(key("gs", worker, n), $now);
                row.record(&p).await?;
                let taken = LogoutSessionRow::take_targets_by_sid(&p, &row.sid, &$now).await?;
                if taken.len() == 1 {
                    Ok(())
                } else {
                    Err(wrong(format!("took {}", taken.len())))
                }
            }
        }
    };
}

/// The rows the workloads write, the semantic failure as an error, the
/// sweep under load and the rotations at 32 connections, for one side's
/// pool type `$Pool`.
macro_rules! shared_items {
    ($Pool:ty) => {
        fn code(hash: String, now: Timestamp) -> AuthorizationCodeRow {
            AuthorizationCodeRow::new(NewAuthorizationCode {
                code_hash: hash,
                client_id: "client-1".to_owned(),
                subject: "alice".to_owned(),
                redirect_uri: "https://rp.example/cb".to_owned(),
                expires_at: now.checked_add_seconds(600).unwrap_or(now),
                inserted_at: now,
            })
        }

        fn token(hash: String, family: String, now: Timestamp) -> RefreshTokenRow {
            RefreshTokenRow::new(NewRefreshToken {
                id: uuid::Uuid::new_v4(),
                token_hash: hash,
                family_id: family,
                subject: "alice".to_owned(),
                expires_at: now.checked_add_seconds(86_400).unwrap_or(now),
                inserted_at: now,
            })
        }

        fn session(sid: String, now: Timestamp) -> LogoutSessionRow {
            LogoutSessionRow::new(NewLogoutSession {
                id: uuid::Uuid::new_v4(),
                sid,
                subject: "alice".to_owned(),
                client_id: "rp-1".to_owned(),
                expires_at: now.checked_add_seconds(3600).unwrap_or(now),
                inserted_at: now,
            })
        }

        /// A pushed request: the PAR workload, which MariaDB's side runs.
        #[allow(dead_code)]
        fn par(uri: String, now: Timestamp) -> PushedAuthorizationRequestRow {
            PushedAuthorizationRequestRow::new(NewPushedAuthorizationRequest {
                request_uri: uri,
                params: serde_json::json!({"client_id": "client-1", "scope": "openid"}),
                expires_at: now.checked_add_seconds(90).unwrap_or(now),
                inserted_at: now,
            })
        }

        /// `row` decoded as `T`: what a claim or a take hands its caller, so
        /// the hand-written forms decode it too.
        fn decode<R: sqlx::Row, T: for<'r> sqlx::FromRow<'r, R>>(row: &R) -> Result<T, sqlx::Error> {
            T::from_row(row)
        }

        /// A failure of the operation's semantics, as an error.
        fn wrong(what: String) -> sqlx::Error {
            sqlx::Error::Protocol(what)
        }

        /// The codes' sweep (half the loaded codes expired), while one caller
        /// takes live codes one after the other: how long the sweep ran, the
        /// worst wait of a take during it.
        async fn sweep_under_load(
            pool: &$Pool,
            now: Timestamp,
        ) -> (u64, Duration, Duration, u64, u64) {
            let sweeper = {
                let pool = pool.clone();
                tokio::spawn(async move {
                    let started = Instant::now();
                    let swept = AuthorizationCodeRow::sweep(&pool, &now, SWEEP_BATCH).await;
                    (swept, started.elapsed())
                })
            };
            let (mut worst, mut takes, mut errors) = (Duration::ZERO, 0, 0);
            let mut i: u64 = 1;
            while !sweeper.is_finished() {
                let at = Instant::now();
                match AuthorizationCodeRow::take(pool, &format!("load-{i}"), &now).await {
                    Ok(CodeTake::Taken(_)) => takes += 1,
                    Ok(_) | Err(_) => errors += 1,
                }
                worst = worst.max(at.elapsed());
                i += 2;
            }
            let (swept, took) = sweeper.await.expect("sweeper");
            (swept.expect("sweep"), took, worst, takes, errors)
        }

        /// 32 connections rotating families, 2,016 rotations each way: random
        /// family ids, and ids adjacent in the `family_id` index.
        async fn rotations(pool: &$Pool, now: Timestamp) -> Vec<(&'static str, u64, u64, u64)> {
            let mut out = Vec::new();
            for (label, adjacent) in [("random family ids", false), ("adjacent family ids", true)] {
                crate::RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let connections = CONNECTIONS[2];
                let per = 63;
                let mut tasks = tokio::task::JoinSet::new();
                for worker in 0..connections {
                    let pool = pool.clone();
                    tasks.spawn(async move {
                        let family = if adjacent {
                            key("adj", 0, worker as u64)
                        } else {
                            uuid::Uuid::new_v4().to_string()
                        };
                        let (mut done, mut errors, mut deadlocks) = (0, 0, 0);
                        let first = token(key("rt", worker, 0), family.clone(), now);
                        if first.insert_in_family(&pool).await.is_err() {
                            return (0, 1, 0);
                        }
                        for n in 0..per {
                            let step = async {
                                RefreshTokenRow::consume(&pool, &key("rt", worker, n), &now)
                                    .await?;
                                token(key("rt", worker, n + 1), family.clone(), now)
                                    .insert_in_family(&pool)
                                    .await
                            };
                            match step.await {
                                Ok(RefreshInsert::Inserted) => done += 1,
                                Ok(_) => errors += 1,
                                Err(e) if is_deadlock(&e) => deadlocks += 1,
                                Err(_) => errors += 1,
                            }
                        }
                        (done, errors, deadlocks)
                    });
                }
                let (mut done, mut errors, mut deadlocks) = (0, 0, 0);
                while let Some(result) = tasks.join_next().await {
                    if let Ok((d, e, l)) = result {
                        done += d;
                        errors += e;
                        deadlocks += l;
                    }
                }
                out.push((label, done, errors, deadlocks));
            }
            out
        }
    };
}
