//! The secrets the server hands out: authorization codes and refresh
//! tokens (random, stored as their SHA-256 digest, never themselves), and
//! access tokens (self-contained, signed with HMAC-SHA-256, revocable
//! through the row of the code they were issued from).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A new secret: 32 random bytes, base64url.
pub fn secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The digest stored for a secret: SHA-256, hex (64 characters).
pub fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `BASE64URL(SHA256(verifier))`: PKCE's S256 challenge of a verifier.
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// Its id: what the code's row records, and revokes.
    pub jti: String,
    /// The user.
    pub sub: String,
    /// The client it was issued to.
    pub client_id: String,
    /// The scope granted.
    pub scope: String,
    /// When it expires, in seconds since the epoch.
    pub exp: i64,
    /// The thumbprint of the DPoP key it is bound to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jkt: Option<String>,
}

type HmacSha256 = Hmac<Sha256>;

/// The access token of `claims`, signed with `key`:
/// `BASE64URL(claims) "." BASE64URL(HMAC)`; `None` only if the claims do
/// not serialise or the key is refused, neither of which happens.
pub fn sign(claims: &Claims, key: &[u8; 32]) -> Option<String> {
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).ok()?);
    let mut mac = HmacSha256::new_from_slice(key).ok()?;
    mac.update(payload.as_bytes());
    Some(format!(
        "{payload}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    ))
}

/// The claims of `token` when `key` signed it; `None` for anything else.
pub fn verify(token: &str, key: &[u8; 32]) -> Option<Claims> {
    let (payload, signature) = token.split_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let mut mac = HmacSha256::new_from_slice(key).ok()?;
    mac.update(payload.as_bytes());
    mac.verify_slice(&signature).ok()?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}
