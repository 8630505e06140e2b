//! DPoP proofs (RFC 9449 §4.3): a JWT signed with the client's key, whose
//! header carries the public key. The server checks the proof's type,
//! algorithm (ES256), signature, method and URL, and age; the store
//! (`DpopReplayRow::check_and_record`) refuses a proof seen before.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// How far a proof's `iat` may be from the server's clock, in seconds.
pub const IAT_WINDOW: i64 = 60;

/// A proof that checked out: its `jti` (for the replay check), its key's
/// thumbprint (RFC 7638) and its `iat`.
#[derive(Debug, Clone)]
pub struct Proof {
    /// The proof's unique id.
    pub jti: String,
    /// The SHA-256 thumbprint of its public key, base64url.
    pub jkt: String,
    /// When it was made, in seconds since the epoch.
    pub iat: i64,
}

#[derive(Deserialize)]
struct Header {
    typ: String,
    alg: String,
    jwk: Jwk,
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    crv: String,
    x: String,
    y: String,
    d: Option<String>,
}

#[derive(Deserialize)]
struct Payload {
    jti: String,
    htm: String,
    htu: String,
    iat: i64,
}

/// The RFC 7638 thumbprint of a P-256 key: SHA-256 of its required members
/// in lexicographic order, base64url.
pub fn thumbprint(x: &str, y: &str) -> String {
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// The proof `jwt` for a request of `method` to `url`, at `now` (seconds
/// since the epoch), or why it is refused.
pub fn check(jwt: &str, method: &str, url: &str, now: i64) -> Result<Proof, &'static str> {
    let mut parts = jwt.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the DPoP proof is not a JWS in compact form");
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| "the DPoP proof is not base64url")
    };
    let header: Header = serde_json::from_slice(&decode(header)?)
        .map_err(|_| "the DPoP proof's header is not a DPoP header")?;
    if header.typ != "dpop+jwt" {
        return Err("the DPoP proof's typ is not dpop+jwt");
    }
    if header.alg != "ES256" {
        return Err("the DPoP proof's alg is not ES256, the one this server takes");
    }
    let jwk = header.jwk;
    if jwk.kty != "EC" || jwk.crv != "P-256" || jwk.d.is_some() {
        return Err("the DPoP proof's jwk is not a public P-256 key");
    }
    let (x, y) = (decode(&jwk.x)?, decode(&jwk.y)?);
    if x.len() != 32 || y.len() != 32 {
        return Err("the DPoP proof's jwk coordinates are not 32 bytes");
    }
    // SEC 1's uncompressed encoding: 0x04, then x, then y.
    let sec1: Vec<u8> = [&[4u8][..], &x, &y].concat();
    let key = VerifyingKey::from_sec1_bytes(&sec1)
        .map_err(|_| "the DPoP proof's jwk is not a point of P-256")?;
    let signature = Signature::from_slice(&decode(signature)?)
        .map_err(|_| "the DPoP proof's signature is malformed")?;
    let signed = &jwt[..jwt.rfind('.').unwrap_or(0)];
    key.verify(signed.as_bytes(), &signature)
        .map_err(|_| "the DPoP proof's signature does not verify")?;
    let payload: Payload = serde_json::from_slice(&decode(payload)?)
        .map_err(|_| "the DPoP proof's payload lacks jti, htm, htu or iat")?;
    if payload.htm != method {
        return Err("the DPoP proof's htm is not this request's method");
    }
    let htu = payload.htu.split(['?', '#']).next().unwrap_or_default();
    if htu != url {
        return Err("the DPoP proof's htu is not this endpoint");
    }
    if (payload.iat - now).abs() > IAT_WINDOW {
        return Err("the DPoP proof's iat is too far from now");
    }
    if payload.jti.is_empty() || payload.jti.len() > 255 {
        return Err("the DPoP proof's jti is empty or longer than 255 bytes");
    }
    Ok(Proof {
        jti: payload.jti,
        jkt: thumbprint(&jwk.x, &jwk.y),
        iat: payload.iat,
    })
}
