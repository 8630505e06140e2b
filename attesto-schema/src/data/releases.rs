//! The schema releases and the published versions of attesto_phoenix.
//!
//! A version's schema is the migration template in the commit that released
//! it (the commit that set `@version` in `mix.exs`; the tags agree where
//! there are tags). The versions are those of upstream's `CHANGELOG.md`;
//! 2.0.3 was renamed 2.1.0 before it was published and is not one of them.

use crate::model::Release;

/// 0.6.0 to 0.6.6: authorization codes, refresh tokens, DPoP nonces and
/// replays.
pub(crate) const V0_6_0: Release = Release::new(0, "0.6.0");
/// 0.6.7 to 0.7.7: five columns and two indexes on authorization codes, for
/// revoking what a replayed code issued.
pub(crate) const V0_6_7: Release = Release::new(1, "0.6.7");
/// 0.8.0: pushed authorization requests.
pub(crate) const V0_8_0: Release = Release::new(2, "0.8.0");
/// 0.9.0 to 0.11.0: the Client ID Metadata Document cache.
pub(crate) const V0_9_0: Release = Release::new(3, "0.9.0");
/// 0.12.0 to 0.14.2: consent grants.
pub(crate) const V0_12_0: Release = Release::new(4, "0.12.0");
/// 0.15.0: RFC 8707 `resource` on authorization codes and refresh tokens.
pub(crate) const V0_15_0: Release = Release::new(5, "0.15.0");
/// 0.16.0: RFC 9470 `acr` and `auth_time` on refresh tokens.
pub(crate) const V0_16_0: Release = Release::new(6, "0.16.0");
/// 0.17.0: device codes.
pub(crate) const V0_17_0: Release = Release::new(7, "0.17.0");
/// 0.18.0 to 1.0.0: back-channel logout sessions.
pub(crate) const V0_18_0: Release = Release::new(8, "0.18.0");
/// 1.1.0: front-channel logout; `backchannel_logout_uri` becomes nullable.
pub(crate) const V1_1_0: Release = Release::new(9, "1.1.0");
/// 1.2.0 to 2.13.0: CIBA requests.
pub(crate) const V1_2_0: Release = Release::new(10, "1.2.0");

/// Every schema release, oldest first; each one's position is its ordinal.
pub(crate) static RELEASES: &[Release] = &[
    V0_6_0, V0_6_7, V0_8_0, V0_9_0, V0_12_0, V0_15_0, V0_16_0, V0_17_0, V0_18_0, V1_1_0, V1_2_0,
];

/// Every published version of attesto_phoenix, oldest first. A version
/// installs the latest release named by a version at or before it.
pub(crate) static PUBLISHED: &[&str] = &[
    "0.6.0", "0.6.1", "0.6.2", "0.6.3", "0.6.4", "0.6.5", "0.6.6", "0.6.7", "0.6.8", "0.6.9",
    "0.6.10", "0.6.11", "0.6.12", "0.6.13", "0.6.14", "0.6.15", "0.6.16", "0.6.17", "0.6.18",
    "0.6.19", "0.6.20", "0.6.21", "0.6.22", "0.6.23", "0.7.0", "0.7.1", "0.7.2", "0.7.3", "0.7.4",
    "0.7.5", "0.7.6", "0.7.7", "0.8.0", "0.9.0", "0.9.1", "0.9.2", "0.9.3", "0.9.4", "0.9.5",
    "0.10.0", "0.11.0", "0.12.0", "0.13.0", "0.13.1", "0.13.2", "0.13.3", "0.13.4", "0.13.5",
    "0.14.0", "0.14.1", "0.14.2", "0.15.0", "0.16.0", "0.17.0", "0.18.0", "0.19.0", "0.19.1",
    "0.20.0", "1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0", "2.0.0", "2.0.1", "2.0.2", "2.1.0",
    "2.2.0", "2.3.0", "2.4.0", "2.5.0", "2.6.0", "2.7.0", "2.8.0", "2.9.0", "2.10.0", "2.11.0",
    "2.12.0", "2.13.0",
];
