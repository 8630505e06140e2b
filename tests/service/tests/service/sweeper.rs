//! The sweeper as a task: `sweep_every` spawned on tokio, reporting each
//! round's counts per table to the service.

use std::time::Duration;

use attesto_service_tests::multi as db;

use crate::SqliteFile;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spawned_sweeper_reports_each_round() {
    let file = SqliteFile::new("sweeper");
    let pool = db::Pool::connect(&file.url()).await.expect("connect");
    db::ensure(&pool).await.expect("ensure");
    let now = db::Timestamp::now();
    for (jti, ttl) in [("old-1", -60), ("old-2", -60), ("live", 600)] {
        db::DpopReplayRow {
            jti: jti.to_owned(),
            expires_at: now.checked_add_seconds(ttl).expect("in range").into(),
            inserted_at: now.into(),
        }
        .check_and_record(&pool)
        .await
        .expect("record");
    }
    let (sender, mut rounds) = tokio::sync::mpsc::unbounded_channel();
    let sweeper = tokio::spawn(db::sweep_every(
        pool.clone(),
        Duration::from_millis(20),
        tokio::time::sleep,
        move |round| {
            let _ = sender.send(round);
        },
    ));
    let first = rounds.recv().await.expect("a round").expect("swept");
    assert_eq!((first.dpop_replays, first.total()), (2, 2), "{first:?}");
    let second = rounds.recv().await.expect("another round").expect("swept");
    assert_eq!(second, db::Swept::default(), "nothing more expired");
    sweeper.abort();
    let live = db::DpopReplayRow {
        jti: "live".to_owned(),
        expires_at: now.checked_add_seconds(600).expect("in range").into(),
        inserted_at: now.into(),
    };
    assert_eq!(
        live.check_and_record(&pool).await.expect("check"),
        db::ReplayCheck::Replay,
        "the live row stayed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_round_is_reported_and_the_sweeper_goes_on() {
    let file = SqliteFile::new("sweeper-fails");
    let pool = db::Pool::connect(&file.url()).await.expect("connect");
    // No tables yet: the rounds fail, and are reported.
    let (sender, mut rounds) = tokio::sync::mpsc::unbounded_channel();
    let sweeper = tokio::spawn(db::sweep_every(
        pool.clone(),
        Duration::from_millis(20),
        tokio::time::sleep,
        move |round| {
            let _ = sender.send(round);
        },
    ));
    assert!(rounds.recv().await.expect("a round").is_err());
    db::ensure(&pool).await.expect("ensure");
    loop {
        if rounds.recv().await.expect("a round").is_ok() {
            break;
        }
    }
    sweeper.abort();
}
