// The base derives, named again by any path, are not derived twice.
mod db {
    attesto_macros::attesto_migration!(
        prefix = "",
        derive(::core::fmt::Debug, std::clone::Clone, core::cmp::PartialEq, Debug),
    );
}

fn main() {
    let replay = db::DpopReplayRow {
        jti: "j".to_owned(),
        expires_at: std::time::SystemTime::UNIX_EPOCH,
        inserted_at: std::time::SystemTime::UNIX_EPOCH,
    };
    assert_eq!(replay.clone(), replay);
}
