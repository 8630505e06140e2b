//! The HTTP surface: axum handlers that parse a request, call the grant,
//! and answer as the RFCs say.

use std::collections::HashMap;

use axum::extract::{Form, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::State;
use crate::dpop;
use crate::grants::{self, AuthorizationRequest, GrantError};

/// The server's routes on `state`.
pub fn router(state: State) -> Router {
    Router::new()
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .route("/introspect", post(introspect))
        .route("/.well-known/oauth-authorization-server", get(metadata))
        .with_state(state)
}

/// An error response of the token endpoint: RFC 6749 §5.2's JSON, with
/// `Cache-Control: no-store`.
impl IntoResponse for GrantError {
    fn into_response(self) -> Response {
        let (status, error, description) = match self {
            GrantError::InvalidRequest(d) => (StatusCode::BAD_REQUEST, "invalid_request", d),
            GrantError::InvalidClient => (
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "unknown client".to_owned(),
            ),
            GrantError::InvalidGrant(d) => (StatusCode::BAD_REQUEST, "invalid_grant", d.to_owned()),
            GrantError::UnsupportedGrantType => (
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "this server does authorization_code and refresh_token".to_owned(),
            ),
            GrantError::InvalidDpopProof(d) => {
                (StatusCode::BAD_REQUEST, "invalid_dpop_proof", d.to_owned())
            }
            GrantError::Server(e) => {
                tracing::error!(error = %e, "a grant failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "the server failed; try again".to_owned(),
                )
            }
        };
        let mut response = (
            status,
            Json(serde_json::json!({ "error": error, "error_description": description })),
        )
            .into_response();
        no_store(&mut response);
        response
    }
}

fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// The authorization endpoint (RFC 6749 §4.1.1): a redirect to the
/// client's URI with a code, or with the error once the URI is known good.
async fn authorize(
    axum::extract::State(state): axum::extract::State<State>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let param = |name: &str| query.get(name).map(String::as_str);
    let Some(client) = param("client_id").and_then(|id| state.config.client(id)) else {
        return (StatusCode::BAD_REQUEST, "unknown client_id").into_response();
    };
    let Some(redirect_uri) =
        param("redirect_uri").filter(|uri| client.redirect_uris.iter().any(|r| r == uri))
    else {
        return (
            StatusCode::BAD_REQUEST,
            "redirect_uri is not one the client registered",
        )
            .into_response();
    };
    let back = |pairs: &[(&str, &str)]| {
        let mut pairs = pairs.to_vec();
        if let Some(state) = param("state") {
            pairs.push(("state", state));
        }
        match serde_urlencoded::to_string(&pairs) {
            Ok(query) => Redirect::to(&format!("{redirect_uri}?{query}")).into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    };
    if param("response_type") != Some("code") {
        return back(&[("error", "unsupported_response_type")]);
    }
    // RFC 9700 §2.1.1: public clients use PKCE, S256.
    let (Some(challenge), Some("S256")) = (param("code_challenge"), param("code_challenge_method"))
    else {
        return back(&[
            ("error", "invalid_request"),
            (
                "error_description",
                "PKCE with code_challenge_method=S256 is required",
            ),
        ]);
    };
    let request = AuthorizationRequest {
        client_id: &client.id,
        redirect_uri,
        scope: param("scope").unwrap_or("openid"),
        code_challenge: challenge,
        nonce: param("nonce"),
        subject: param("login_hint").unwrap_or("alice"),
    };
    match grants::issue_code(&state, request).await {
        Ok(code) => back(&[("code", &code)]),
        Err(e) => {
            tracing::error!(error = ?e, "issuing a code failed");
            back(&[("error", "server_error")])
        }
    }
}

/// The token endpoint (RFC 6749 §3.2).
async fn token(
    axum::extract::State(state): axum::extract::State<State>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let result = async {
        let param = |name: &str| {
            form.get(name)
                .map(String::as_str)
                .ok_or_else(|| GrantError::InvalidRequest(format!("{name} is missing")))
        };
        let proof = match headers
            .get_all("dpop")
            .iter()
            .collect::<Vec<_>>()
            .as_slice()
        {
            [] => None,
            [one] => {
                let jwt = one
                    .to_str()
                    .map_err(|_| GrantError::InvalidDpopProof("the DPoP header is not text"))?;
                let url = format!("{}/token", state.config.issuer);
                let now = chrono::Utc::now().timestamp();
                Some(dpop::check(jwt, "POST", &url, now).map_err(GrantError::InvalidDpopProof)?)
            }
            _ => return Err(GrantError::InvalidDpopProof("more than one DPoP header")),
        };
        let client_id = param("client_id")?;
        match param("grant_type")? {
            "authorization_code" => {
                grants::exchange_code(
                    &state,
                    client_id,
                    param("code")?,
                    param("redirect_uri")?,
                    param("code_verifier")?,
                    proof,
                )
                .await
            }
            "refresh_token" => {
                grants::refresh(&state, client_id, param("refresh_token")?, proof).await
            }
            _ => Err(GrantError::UnsupportedGrantType),
        }
    }
    .await;
    match result {
        Ok(tokens) => {
            let mut response = Json(tokens).into_response();
            no_store(&mut response);
            response
        }
        Err(e) => e.into_response(),
    }
}

/// The introspection endpoint (RFC 7662), for the clients the server knows.
async fn introspect(
    axum::extract::State(state): axum::extract::State<State>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let known = form
        .get("client_id")
        .is_some_and(|id| state.config.client(id).is_some());
    if !known {
        return GrantError::InvalidClient.into_response();
    }
    let Some(token) = form.get("token") else {
        return GrantError::InvalidRequest("token is missing".to_owned()).into_response();
    };
    match grants::introspect(&state, token).await {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The server's metadata (RFC 8414).
async fn metadata(axum::extract::State(state): axum::extract::State<State>) -> Response {
    let issuer = &state.config.issuer;
    Json(serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "introspection_endpoint": format!("{issuer}/introspect"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "dpop_signing_alg_values_supported": ["ES256"],
    }))
    .into_response()
}
