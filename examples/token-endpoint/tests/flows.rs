//! The reference token endpoint, driven by the `oauth2` crate as a client
//! (a client this project did not write), on SQLite, PostgreSQL and
//! MariaDB: the whole flow, a code redeemed twice, a refresh token
//! replayed, sixteen concurrent exchanges of one code, DPoP, the sweeper.
//! PostgreSQL and MariaDB are the servers `scripts/test-endpoint.sh`
//! starts.

use std::time::Duration;

use attesto_token_endpoint::{Config, State, db, router, start};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth2::basic::{BasicClient, BasicErrorResponseType, BasicTokenType};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, EndpointNotSet, EndpointSet, HttpRequest,
    HttpResponse, IntrospectionUrl, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, TokenIntrospectionResponse, TokenResponse, TokenUrl,
};
use p256::ecdsa::SigningKey;
use p256::ecdsa::signature::Signer as _;

/// The client the tests drive: the `oauth2` crate's, with the
/// authorization, token and introspection endpoints of the server.
type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointSet, EndpointNotSet, EndpointSet>;

const REDIRECT: &str = "http://127.0.0.1/callback";

/// A server on a loopback port, on the database `url`.
struct Server {
    issuer: String,
    state: State,
}

async fn server(url: &str, configure: impl FnOnce(&mut Config)) -> Server {
    // The server's log, shown for a failing test.
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let issuer = format!("http://{}", listener.local_addr().expect("address"));
    let mut config = Config::new(&issuer).expect("a key");
    configure(&mut config);
    let state = start(url, config, Duration::from_millis(200))
        .await
        .expect("the server starts");
    let app = router(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Server { issuer, state }
}

fn client(server: &Server) -> Client {
    BasicClient::new(ClientId::new("demo".to_owned()))
        .set_auth_uri(AuthUrl::new(format!("{}/authorize", server.issuer)).expect("url"))
        .set_token_uri(TokenUrl::new(format!("{}/token", server.issuer)).expect("url"))
        .set_introspection_url(
            IntrospectionUrl::new(format!("{}/introspect", server.issuer)).expect("url"),
        )
        .set_redirect_uri(RedirectUrl::new(REDIRECT.to_owned()).expect("url"))
}

/// The HTTP client the `oauth2` crate sends through: reqwest, with a DPoP
/// proof of `key` on every request when there is one (or always the same
/// proof, `fixed`, to replay it).
#[derive(Clone)]
struct Http {
    client: reqwest::Client,
    key: Option<SigningKey>,
    fixed: Option<String>,
}

#[derive(Debug)]
struct HttpError(String);

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HttpError {}

impl Http {
    fn plain() -> Http {
        Http {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a client"),
            key: None,
            fixed: None,
        }
    }

    fn with_dpop(key: SigningKey) -> Http {
        Http {
            key: Some(key),
            ..Http::plain()
        }
    }

    async fn send(self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let mut request = request;
        let proof = match (&self.fixed, &self.key) {
            (Some(fixed), _) => Some(fixed.clone()),
            (None, Some(key)) => Some(proof(
                key,
                request.method().as_str(),
                &request.uri().to_string(),
            )),
            (None, None) => None,
        };
        if let Some(proof) = proof {
            request.headers_mut().insert(
                "dpop",
                proof
                    .parse()
                    .map_err(|_| HttpError("a header".to_owned()))?,
            );
        }
        let request = reqwest::Request::try_from(request).map_err(|e| HttpError(e.to_string()))?;
        let response = self
            .client
            .execute(request)
            .await
            .map_err(|e| HttpError(e.to_string()))?;
        let mut builder = http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| HttpError(e.to_string()))?;
        builder
            .body(body.to_vec())
            .map_err(|e| HttpError(e.to_string()))
    }

    /// The closure the `oauth2` crate calls.
    fn into_client(
        self,
    ) -> impl Fn(
        HttpRequest,
    )
        -> std::pin::Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send>>
    + Clone {
        move |request| Box::pin(self.clone().send(request))
    }
}

/// A P-256 key for DPoP.
fn key() -> SigningKey {
    loop {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("random bytes");
        if let Ok(key) = SigningKey::from_slice(&bytes) {
            return key;
        }
    }
}

/// A DPoP proof of `key` for `method` `url`, now (RFC 9449 §4.2).
fn proof(key: &SigningKey, method: &str, url: &str) -> String {
    let point = key.verifying_key().to_encoded_point(false);
    let (Some(x), Some(y)) = (point.x(), point.y()) else {
        panic!("an uncompressed point");
    };
    let header = serde_json::json!({
        "typ": "dpop+jwt",
        "alg": "ES256",
        "jwk": { "kty": "EC", "crv": "P-256", "x": URL_SAFE_NO_PAD.encode(x), "y": URL_SAFE_NO_PAD.encode(y) },
    });
    let payload = serde_json::json!({
        "jti": uuid::Uuid::new_v4().to_string(),
        "htm": method,
        "htu": url,
        "iat": chrono::Utc::now().timestamp(),
    });
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let signature: p256::ecdsa::Signature = key.sign(signed.as_bytes());
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

/// The user's trip through the authorization endpoint: a code and its
/// PKCE verifier.
async fn authorize(client: &Client) -> (String, PkceCodeVerifier) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("openid".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    let response = Http::plain()
        .client
        .get(url.as_str())
        .send()
        .await
        .expect("authorize");
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .and_then(|l| reqwest::Url::parse(l).ok())
        .expect("a redirect to the client");
    assert!(location.as_str().starts_with(REDIRECT), "{location}");
    let query: std::collections::HashMap<String, String> =
        location.query_pairs().into_owned().collect();
    assert_eq!(query.get("state"), Some(csrf.secret()));
    (query.get("code").expect("a code").clone(), verifier)
}

/// The error of a refused token request.
fn refused<T: std::fmt::Debug, RE: std::error::Error + 'static>(
    result: Result<T, RequestTokenError<RE, oauth2::StandardErrorResponse<BasicErrorResponseType>>>,
) -> BasicErrorResponseType {
    match result {
        Err(RequestTokenError::ServerResponse(e)) => e.error().clone(),
        other => panic!("expected the server to refuse: {other:?}"),
    }
}

/// Whether the server introspects `token` as active.
async fn active(client: &Client, token: &oauth2::AccessToken) -> bool {
    client
        .introspect(token)
        .request_async(&Http::plain().into_client())
        .await
        .expect("introspect")
        .active()
}

async fn whole_flow(url: &str) {
    let server = server(url, |_| {}).await;
    let client = client(&server);
    let http = Http::plain().into_client();
    let (code, verifier) = authorize(&client).await;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("the code exchanged");
    assert_eq!(*tokens.token_type(), BasicTokenType::Bearer);
    assert!(active(&client, tokens.access_token()).await);
    let first = tokens.refresh_token().expect("a refresh token").clone();
    // Rotation: a new refresh token, a new access token.
    let rotated = client
        .exchange_refresh_token(&first)
        .request_async(&http)
        .await
        .expect("refreshed");
    let second = rotated.refresh_token().expect("a refresh token").clone();
    assert_ne!(first.secret(), second.secret());
    assert!(active(&client, rotated.access_token()).await);
    // The first refresh token again: reuse, and the family goes.
    assert_eq!(
        refused(
            client
                .exchange_refresh_token(&first)
                .request_async(&http)
                .await
        ),
        BasicErrorResponseType::InvalidGrant
    );
    assert_eq!(
        refused(
            client
                .exchange_refresh_token(&second)
                .request_async(&http)
                .await
        ),
        BasicErrorResponseType::InvalidGrant,
        "the whole family is revoked"
    );
    assert!(
        !active(&client, rotated.access_token()).await,
        "and the access token last issued in it"
    );
    // A wrong verifier spends the code all the same.
    let (code, _) = authorize(&client).await;
    assert_eq!(
        refused(
            client
                .exchange_code(AuthorizationCode::new(code.clone()))
                .set_pkce_verifier(PkceCodeVerifier::new("x".repeat(64)))
                .request_async(&http)
                .await
        ),
        BasicErrorResponseType::InvalidGrant
    );
    server.state.pool.close().await;
}

async fn code_redeemed_twice(url: &str) {
    let server = server(url, |_| {}).await;
    let client = client(&server);
    let http = Http::plain().into_client();
    let (code, verifier) = authorize(&client).await;
    let verifier_again = PkceCodeVerifier::new(verifier.secret().clone());
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("the code exchanged");
    assert!(active(&client, tokens.access_token()).await);
    assert_eq!(
        refused(
            client
                .exchange_code(AuthorizationCode::new(code))
                .set_pkce_verifier(verifier_again)
                .request_async(&http)
                .await
        ),
        BasicErrorResponseType::InvalidGrant
    );
    // RFC 6749 §4.1.2: what the code issued is revoked.
    assert!(!active(&client, tokens.access_token()).await);
    assert_eq!(
        refused(
            client
                .exchange_refresh_token(tokens.refresh_token().expect("a refresh token"))
                .request_async(&http)
                .await
        ),
        BasicErrorResponseType::InvalidGrant
    );
    server.state.pool.close().await;
}

async fn sixteen_exchanges_of_one_code(url: &str) {
    let server = server(url, |_| {}).await;
    let client = client(&server);
    for round in 0..3 {
        let (code, verifier) = authorize(&client).await;
        let mut exchanges = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let (client, code) = (client.clone(), code.clone());
            let verifier = PkceCodeVerifier::new(verifier.secret().clone());
            exchanges.spawn(async move {
                client
                    .exchange_code(AuthorizationCode::new(code))
                    .set_pkce_verifier(verifier)
                    .request_async(&Http::plain().into_client())
                    .await
            });
        }
        let (mut won, mut refused_) = (0, 0);
        while let Some(done) = exchanges.join_next().await {
            match done.expect("a task") {
                Ok(_) => won += 1,
                Err(RequestTokenError::ServerResponse(e))
                    if *e.error() == BasicErrorResponseType::InvalidGrant =>
                {
                    refused_ += 1
                }
                Err(e) => panic!("round {round}: {e:?}"),
            }
        }
        assert_eq!((won, refused_), (1, 15), "round {round}");
    }
    server.state.pool.close().await;
}

async fn dpop(url: &str) {
    let server = server(url, |_| {}).await;
    let client = client(&server);
    let key = key();
    let bound = Http::with_dpop(key.clone()).into_client();
    let (code, verifier) = authorize(&client).await;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&bound)
        .await
        .expect("the code exchanged with a proof");
    assert_eq!(
        *tokens.token_type(),
        // The oauth2 crate reads the type case-insensitively, lowercased.
        BasicTokenType::Extension("dpop".to_owned())
    );
    let refresh = tokens.refresh_token().expect("a refresh token").clone();
    // A bound refresh token with no proof, or another key's: refused.
    assert_eq!(
        refused(
            client
                .exchange_refresh_token(&refresh)
                .request_async(&Http::plain().into_client())
                .await
        ),
        BasicErrorResponseType::Extension("invalid_dpop_proof".to_owned())
    );
    // That spent it: a refresh token is single-use whatever happens next.
    let (code, verifier) = authorize(&client).await;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&bound)
        .await
        .expect("exchanged");
    let refresh = tokens.refresh_token().expect("a refresh token").clone();
    client
        .exchange_refresh_token(&refresh)
        .request_async(&bound)
        .await
        .expect("refreshed with the key's proof");
    // One proof, twice: the second is a replay.
    let (code, verifier) = authorize(&client).await;
    let replayed = Http {
        fixed: Some(proof(&key, "POST", &format!("{}/token", server.issuer))),
        ..Http::with_dpop(key.clone())
    }
    .into_client();
    client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&replayed)
        .await
        .expect("the proof's first use");
    let (code, verifier) = authorize(&client).await;
    assert_eq!(
        refused(
            client
                .exchange_code(AuthorizationCode::new(code))
                .set_pkce_verifier(verifier)
                .request_async(&replayed)
                .await
        ),
        BasicErrorResponseType::Extension("invalid_dpop_proof".to_owned())
    );
    server.state.pool.close().await;
}

async fn sweeper(url: &str) {
    let server = server(url, |config| config.code_ttl = Duration::from_secs(1)).await;
    let client = client(&server);
    let (code, _) = authorize(&client).await;
    let hash = {
        use sha2::Digest as _;
        sha2::Sha256::digest(code.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    // Expired, the code is left for the sweeper, which runs every 200 ms.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let now = db::Timestamp::now();
    assert_eq!(
        db::AuthorizationCodeRow::take(&server.state.pool, &hash, &now)
            .await
            .expect("take"),
        db::CodeTake::Missing,
        "the sweeper deleted the expired code"
    );
    server.state.pool.close().await;
}

/// A SQLite file of its own, removed after.
struct SqliteFile(std::path::PathBuf);

impl SqliteFile {
    fn new(test: &str) -> SqliteFile {
        SqliteFile(std::env::temp_dir().join(format!(
            "attesto-endpoint-{test}-{}-{}.db",
            std::process::id(),
            uuid::Uuid::new_v4()
        )))
    }

    fn url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self.0.display())
    }
}

impl Drop for SqliteFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Each scenario on each database.
macro_rules! on_every_database {
    ($($scenario:ident),*) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    let file = super::SqliteFile::new(stringify!($scenario));
                    super::$scenario(&file.url()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    super::$scenario(&attesto_test_support::fresh_postgres("endpoint")).await;
                }
            )*
        }
        mod mariadb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    super::$scenario(&attesto_test_support::fresh_mysql("endpoint")).await;
                }
            )*
        }
    };
}

on_every_database!(
    whole_flow,
    code_redeemed_twice,
    sixteen_exchanges_of_one_code,
    dpop,
    sweeper
);
