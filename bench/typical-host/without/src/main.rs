use axum::{Json, Router, extract::State, routing::post};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct TokenRequest { code: String }

#[derive(Serialize)]
struct TokenResponse { access_token: String, expires_in: u64 }

#[derive(sqlx::FromRow)]
struct Client { id: uuid::Uuid, name: String, created: chrono::NaiveDateTime }

async fn token(State(pool): State<sqlx::PgPool>, Json(req): Json<TokenRequest>) -> Json<TokenResponse> {
    let _clients: Vec<Client> = sqlx::query_as("SELECT id, name, created FROM clients").fetch_all(&pool).await.unwrap_or_default();
    Json(TokenResponse { access_token: req.code, expires_in: 3600 })
}

#[tokio::main]
async fn main() {
    let pool = sqlx::PgPool::connect_lazy("postgres://localhost/x").expect("url");
    let app: Router = Router::new().route("/token", post(token)).with_state(pool);
    let _ = app;
}
