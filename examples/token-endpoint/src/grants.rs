//! What the endpoints do, on the generated operations: each grant in one
//! transaction of the request's database, whatever its dialect.

use serde::Serialize;

use crate::db::{self, CodeTake, RefreshConsume, RefreshInsert, ReplayCheck};
use crate::dpop::{IAT_WINDOW, Proof};
use crate::tokens::{self, Claims};
use crate::{Config, State};

/// Why a request is refused (RFC 6749 §5.2, RFC 9449 §7.1), or failed.
#[derive(Debug)]
pub enum GrantError {
    /// A parameter is missing or malformed.
    InvalidRequest(String),
    /// The client is unknown, or not the one the grant was issued to.
    InvalidClient,
    /// The code or refresh token is invalid, expired, revoked or reused.
    InvalidGrant(&'static str),
    /// A grant type this server does not do.
    UnsupportedGrantType,
    /// The DPoP proof is refused: malformed, or replayed.
    InvalidDpopProof(&'static str),
    /// The server failed (the database, the random source).
    Server(String),
}

impl From<sqlx::Error> for GrantError {
    fn from(e: sqlx::Error) -> GrantError {
        GrantError::Server(e.to_string())
    }
}

impl From<db::TimestampError> for GrantError {
    fn from(e: db::TimestampError) -> GrantError {
        GrantError::Server(e.to_string())
    }
}

impl From<getrandom::Error> for GrantError {
    fn from(e: getrandom::Error) -> GrantError {
        GrantError::Server(e.to_string())
    }
}

/// A successful token response (RFC 6749 §5.1).
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    refresh_token: String,
    scope: String,
}

/// What an authorization request asks (RFC 6749 §4.1.1, RFC 7636 §4.3).
pub struct AuthorizationRequest<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scope: &'a str,
    pub code_challenge: &'a str,
    pub nonce: Option<&'a str>,
    pub subject: &'a str,
}

/// A code for an authorization request that checked out: stored by its
/// digest, with its PKCE challenge and a new token family; the code
/// itself is returned, once.
pub async fn issue_code(
    state: &State,
    request: AuthorizationRequest<'_>,
) -> Result<String, GrantError> {
    let now = db::Timestamp::now();
    let code = tokens::secret()?;
    let expires_at = later(now, state.config.code_ttl)?;
    let row = db::AuthorizationCodeRow {
        scope: scopes(request.scope),
        code_challenge: Some(request.code_challenge.to_owned()),
        code_challenge_method: Some("S256".to_owned()),
        nonce: request.nonce.map(str::to_owned),
        family_id: Some(uuid::Uuid::new_v4().to_string()),
        ..db::AuthorizationCodeRow::new(db::NewAuthorizationCode {
            code_hash: tokens::digest(&code),
            client_id: request.client_id.to_owned(),
            subject: request.subject.to_owned(),
            redirect_uri: request.redirect_uri.to_owned(),
            expires_at,
            inserted_at: now,
        })
    };
    row.put(&state.pool).await?;
    Ok(code)
}

/// The `authorization_code` grant (RFC 6749 §4.1.3), in one transaction:
/// the proof's replay check, the code taken, its PKCE verifier checked, a
/// refresh token of the code's family stored, the access token recorded.
/// A code presented again revokes the family and the access tokens issued
/// from it.
pub async fn exchange_code(
    state: &State,
    client_id: &str,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
    proof: Option<Proof>,
) -> Result<TokenResponse, GrantError> {
    let config = &state.config;
    if config.client(client_id).is_none() {
        return Err(GrantError::InvalidClient);
    }
    let now = db::Timestamp::now();
    let mut tx = state.pool.begin().await?;
    check_replay(&mut tx, proof.as_ref(), now).await?;
    let code = match db::AuthorizationCodeRow::take(&mut tx, &tokens::digest(code), &now).await? {
        CodeTake::Taken(code) => code,
        CodeTake::Consumed(code) => {
            // A replay (RFC 6749 §4.1.2): what was issued from it goes. The
            // transaction ends first: a take that lost may hold the code's
            // row until its transaction ends (InnoDB's `REPEATABLE READ`
            // keeps the lock of a row an `UPDATE` read), and replays racing
            // each other must not wait on one another's revocations.
            tx.commit().await?;
            let family = code.family_id.unwrap_or_default();
            revoke(state, &family, now).await?;
            tracing::warn!(
                client_id,
                "an authorization code was presented again: its tokens are revoked"
            );
            return Err(GrantError::InvalidGrant(
                "the code was redeemed already; the tokens issued from it are revoked",
            ));
        }
        CodeTake::Expired(_) => {
            tx.commit().await?;
            return Err(GrantError::InvalidGrant("the code has expired"));
        }
        CodeTake::Missing => {
            tx.commit().await?;
            return Err(GrantError::InvalidGrant("no such code"));
        }
    };
    // The code is spent from here on, whatever the checks say.
    let pkce = code.code_challenge_method.as_deref() == Some("S256")
        && code.code_challenge.as_deref() == Some(tokens::s256(verifier).as_str());
    if code.client_id != client_id || code.redirect_uri != redirect_uri || !pkce {
        tx.commit().await?;
        return Err(GrantError::InvalidGrant(
            "the code was issued to another client or redirect URI, or the code verifier does not match",
        ));
    }
    db::AuthorizationCodeRow::mark_consumed(&mut tx, &code.code_hash).await?;
    let family = code.family_id.clone().unwrap_or_default();
    let jkt = proof.map(|p| p.jkt);
    let issued = Issue {
        family: &family,
        subject: &code.subject,
        client_id,
        scope: &code.scope,
        generation: 0,
        parent: None,
        jkt: jkt.as_deref(),
    };
    let response = issue(&mut tx, config, issued, now).await?;
    tx.commit().await?;
    Ok(response)
}

/// The `refresh_token` grant (RFC 6749 §6), in one transaction: the
/// token consumed, a successor stored in its family, a new access token.
/// A token presented again revokes its family (RFC 6819 §5.2.2.3). A token
/// bound to a DPoP key needs a proof of that key.
pub async fn refresh(
    state: &State,
    client_id: &str,
    token: &str,
    proof: Option<Proof>,
) -> Result<TokenResponse, GrantError> {
    let config = &state.config;
    if config.client(client_id).is_none() {
        return Err(GrantError::InvalidClient);
    }
    let now = db::Timestamp::now();
    let mut tx = state.pool.begin().await?;
    check_replay(&mut tx, proof.as_ref(), now).await?;
    let consumed = match db::RefreshTokenRow::consume(&mut tx, &tokens::digest(token), &now).await?
    {
        RefreshConsume::Consumed(row) => row,
        RefreshConsume::Reused(row) => {
            // The transaction ends first, as for a replayed code.
            tx.commit().await?;
            revoke(state, &row.family_id, now).await?;
            tracing::warn!(
                client_id,
                "a refresh token was presented again: its family is revoked"
            );
            return Err(GrantError::InvalidGrant(
                "the refresh token was used already; its family is revoked",
            ));
        }
        RefreshConsume::Expired(_) => {
            tx.commit().await?;
            return Err(GrantError::InvalidGrant("the refresh token has expired"));
        }
        RefreshConsume::FamilyRevoked | RefreshConsume::Unknown => {
            tx.commit().await?;
            return Err(GrantError::InvalidGrant(
                "no such refresh token, or it is revoked",
            ));
        }
    };
    let bound = consumed
        .cnf
        .as_ref()
        .and_then(|cnf| cnf.get("jkt"))
        .and_then(|jkt| jkt.as_str())
        .map(str::to_owned);
    let jkt = proof.map(|p| p.jkt);
    if consumed.client_id.as_deref() != Some(client_id) {
        tx.commit().await?;
        return Err(GrantError::InvalidGrant(
            "the refresh token was issued to another client",
        ));
    }
    if bound.is_some() && bound != jkt {
        // RFC 9449 §5: a bound refresh token needs a proof of its key.
        tx.commit().await?;
        return Err(GrantError::InvalidDpopProof(
            "the refresh token is bound to a DPoP key, and this request proves another or none",
        ));
    }
    let issued = Issue {
        family: &consumed.family_id,
        subject: &consumed.subject,
        client_id,
        scope: &consumed.scope,
        generation: consumed.generation.saturating_add(1),
        parent: Some(&consumed.token_hash),
        jkt: jkt.as_deref(),
    };
    let response = issue(&mut tx, config, issued, now).await?;
    tx.commit().await?;
    Ok(response)
}

/// What an access token introspected says (RFC 7662 §2.2).
#[derive(Debug, Serialize)]
pub struct Introspection {
    active: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    claims: Option<IntrospectedClaims>,
}

#[derive(Debug, Serialize)]
struct IntrospectedClaims {
    sub: String,
    client_id: String,
    scope: String,
    exp: i64,
    token_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cnf: Option<serde_json::Value>,
}

/// Whether `token` is an access token this server signed, unexpired and
/// not revoked.
pub async fn introspect(state: &State, token: &str) -> Result<Introspection, GrantError> {
    let now = db::Timestamp::now();
    let inactive = Introspection {
        active: false,
        claims: None,
    };
    let Some(claims) = tokens::verify(token, &state.config.token_key) else {
        return Ok(inactive);
    };
    if claims.exp <= now.unix()
        || db::AuthorizationCodeRow::access_token_revoked(&state.pool, &claims.jti, &now).await?
    {
        return Ok(inactive);
    }
    Ok(Introspection {
        active: true,
        claims: Some(IntrospectedClaims {
            token_type: if claims.jkt.is_some() {
                "DPoP"
            } else {
                "Bearer"
            },
            cnf: claims.jkt.map(|jkt| serde_json::json!({ "jkt": jkt })),
            sub: claims.sub,
            client_id: claims.client_id,
            scope: claims.scope,
            exp: claims.exp,
        }),
    })
}

/// Revokes the refresh token family `family` and the access tokens issued
/// in it, in a transaction of its own.
async fn revoke(state: &State, family: &str, now: db::Timestamp) -> Result<(), GrantError> {
    let mut tx = state.pool.begin().await?;
    db::RefreshTokenRow::revoke_family(&mut tx, family).await?;
    db::AuthorizationCodeRow::revoke_family_access_tokens(&mut tx, family, &now).await?;
    tx.commit().await?;
    Ok(())
}

/// The DPoP proof's `jti` recorded, refused when seen before (RFC 9449
/// §11.1), in the grant's transaction; kept until the proof could no longer
/// be accepted.
async fn check_replay(
    tx: &mut db::Transaction<'_>,
    proof: Option<&Proof>,
    now: db::Timestamp,
) -> Result<(), GrantError> {
    let Some(proof) = proof else {
        return Ok(());
    };
    let seen = db::DpopReplayRow {
        jti: proof.jti.clone(),
        expires_at: db::TimestampUsec::from_unix(proof.iat.saturating_add(2 * IAT_WINDOW))?,
        inserted_at: now.into(),
    };
    match seen.check_and_record(&mut *tx).await? {
        ReplayCheck::Recorded => Ok(()),
        ReplayCheck::Replay => Err(GrantError::InvalidDpopProof(
            "the DPoP proof was used already",
        )),
    }
}

/// What a grant issues from.
struct Issue<'a> {
    family: &'a str,
    subject: &'a str,
    client_id: &'a str,
    scope: &'a [String],
    generation: i32,
    parent: Option<&'a str>,
    jkt: Option<&'a str>,
}

/// A refresh token stored in the family and an access token recorded for
/// it, in `tx`: the token response.
async fn issue(
    tx: &mut db::Transaction<'_>,
    config: &Config,
    issue: Issue<'_>,
    now: db::Timestamp,
) -> Result<TokenResponse, GrantError> {
    let refresh = tokens::secret()?;
    let row = db::RefreshTokenRow {
        generation: issue.generation,
        client_id: Some(issue.client_id.to_owned()),
        scope: issue.scope.to_vec(),
        cnf: issue.jkt.map(|jkt| serde_json::json!({ "jkt": jkt })),
        parent_hash: issue.parent.map(str::to_owned),
        ..db::RefreshTokenRow::new(db::NewRefreshToken {
            id: uuid::Uuid::new_v4(),
            token_hash: tokens::digest(&refresh),
            family_id: issue.family.to_owned(),
            subject: issue.subject.to_owned(),
            expires_at: later(now, config.refresh_ttl)?,
            inserted_at: now,
        })
    };
    if row.insert_in_family(&mut *tx).await? == RefreshInsert::FamilyRevoked {
        return Err(GrantError::InvalidGrant("the grant's family is revoked"));
    }
    let expires_at = later(now, config.access_ttl)?;
    let claims = Claims {
        jti: uuid::Uuid::new_v4().to_string(),
        sub: issue.subject.to_owned(),
        client_id: issue.client_id.to_owned(),
        scope: issue.scope.join(" "),
        exp: expires_at.unix(),
        jkt: issue.jkt.map(str::to_owned),
    };
    db::AuthorizationCodeRow::record_access_token(&mut *tx, issue.family, &claims.jti, &expires_at)
        .await?;
    let access_token = tokens::sign(&claims, &config.token_key)
        .ok_or_else(|| GrantError::Server("the access token could not be signed".to_owned()))?;
    Ok(TokenResponse {
        access_token,
        token_type: if issue.jkt.is_some() {
            "DPoP"
        } else {
            "Bearer"
        },
        expires_in: config.access_ttl.as_secs(),
        refresh_token: refresh,
        scope: claims.scope,
    })
}

/// `now` plus `ttl`.
fn later(now: db::Timestamp, ttl: std::time::Duration) -> Result<db::Timestamp, GrantError> {
    i64::try_from(ttl.as_secs())
        .ok()
        .and_then(|seconds| now.checked_add_seconds(seconds))
        .ok_or_else(|| GrantError::Server("a lifetime past year 9999".to_owned()))
}

/// A space-separated scope as a list.
fn scopes(scope: &str) -> Vec<String> {
    scope.split_whitespace().map(str::to_owned).collect()
}
