//! The catalog of a database, dumped as text, and the catalogs SCHEMA.md
//! specifies for 0.19.0, written out by hand (not derived from the model,
//! so that a wrong model fails these tests; they check the transcription of
//! upstream's template in `ecto.rs` too).

/// The PostgreSQL catalog of release 0.19.0, `{p}` standing for the prefix.
pub const POSTGRES_0_19_0: &str = "\
TABLE {p}attesto_authorization_codes
  code_hash character varying(88) NOT NULL
  client_id character varying(255) NOT NULL
  subject character varying(255) NOT NULL
  scope character varying(255)[] NOT NULL DEFAULT ARRAY[]::character varying[]
  resource character varying(255)[] NOT NULL DEFAULT ARRAY[]::character varying[]
  redirect_uri text NOT NULL
  code_challenge character varying(255)
  code_challenge_method character varying(16)
  cnf jsonb
  nonce character varying(255)
  claims jsonb NOT NULL DEFAULT '{}'::jsonb
  family_id character varying(255)
  access_token_jti character varying(255)
  access_token_expires_at timestamp(0) without time zone
  access_token_revoked_at timestamp(0) without time zone
  expires_at timestamp(0) without time zone NOT NULL
  consumed_at timestamp(0) without time zone
  consumed_success boolean NOT NULL DEFAULT false
  inserted_at timestamp(0) without time zone NOT NULL
  UNIQUE INDEX {p}attesto_authorization_codes_code_hash_index (code_hash)
  INDEX {p}attesto_authorization_codes_expires_at_index (expires_at)
  INDEX {p}attesto_authorization_codes_family_id_index (family_id)
  INDEX {p}attesto_authorization_codes_access_token_jti_index (access_token_jti)
TABLE {p}attesto_refresh_tokens
  id uuid NOT NULL
  token_hash character varying(88) NOT NULL
  family_id character varying(255) NOT NULL
  generation integer NOT NULL DEFAULT 0
  client_id character varying(255)
  subject character varying(255) NOT NULL
  scope character varying(255)[] NOT NULL DEFAULT ARRAY[]::character varying[]
  resource character varying(255)[] NOT NULL DEFAULT ARRAY[]::character varying[]
  acr character varying(255)
  auth_time bigint
  cnf jsonb
  claims jsonb NOT NULL DEFAULT '{}'::jsonb
  consumed boolean NOT NULL DEFAULT false
  consumed_at timestamp(0) without time zone
  successor jsonb
  family_revoked boolean NOT NULL DEFAULT false
  expires_at timestamp(0) without time zone NOT NULL
  parent_hash character varying(88)
  inserted_at timestamp(0) without time zone NOT NULL
  CONSTRAINT {p}attesto_refresh_tokens_pkey PRIMARY KEY (id)
  UNIQUE INDEX {p}attesto_refresh_tokens_token_hash_index (token_hash)
  INDEX {p}attesto_refresh_tokens_family_id_index (family_id)
  INDEX {p}attesto_refresh_tokens_expires_at_index (expires_at)
TABLE {p}attesto_device_codes
  id uuid NOT NULL
  device_code_hash character varying(88) NOT NULL
  user_code character varying(255) NOT NULL
  client_id character varying(255) NOT NULL
  scope character varying(255)[] NOT NULL DEFAULT ARRAY[]::character varying[]
  resource character varying(255)[] NOT NULL DEFAULT ARRAY[]::character varying[]
  dpop_jkt character varying(255)
  status character varying(16) NOT NULL DEFAULT 'pending'::character varying
  subject character varying(255)
  granted_scope character varying(255)[]
  granted_claims jsonb
  last_polled_at timestamp(0) without time zone
  expires_at timestamp(0) without time zone NOT NULL
  inserted_at timestamp(0) without time zone NOT NULL
  CONSTRAINT {p}attesto_device_codes_pkey PRIMARY KEY (id)
  UNIQUE INDEX {p}attesto_device_codes_device_code_hash_index (device_code_hash)
  UNIQUE INDEX {p}attesto_device_codes_user_code_index (user_code)
  INDEX {p}attesto_device_codes_expires_at_index (expires_at)
TABLE {p}attesto_logout_sessions
  id uuid NOT NULL
  sid character varying(255) NOT NULL
  subject character varying(255) NOT NULL
  client_id character varying(255) NOT NULL
  backchannel_logout_uri text NOT NULL
  session_required boolean NOT NULL DEFAULT false
  expires_at timestamp(0) without time zone NOT NULL
  inserted_at timestamp(0) without time zone NOT NULL
  CONSTRAINT {p}attesto_logout_sessions_pkey PRIMARY KEY (id)
  UNIQUE INDEX {p}attesto_logout_sessions_sid_client_id_index (sid, client_id)
  INDEX {p}attesto_logout_sessions_subject_index (subject)
  INDEX {p}attesto_logout_sessions_expires_at_index (expires_at)
TABLE {p}dpop_nonces
  id uuid NOT NULL
  nonce character varying(255) NOT NULL
  issued_at timestamp(0) without time zone NOT NULL
  expires_at timestamp(0) without time zone NOT NULL
  used_at timestamp(0) without time zone
  CONSTRAINT {p}dpop_nonces_pkey PRIMARY KEY (id)
  UNIQUE INDEX {p}dpop_nonces_nonce_index (nonce)
  INDEX {p}dpop_nonces_unused_index (used_at) WHERE (used_at IS NULL)
TABLE {p}dpop_replays
  jti character varying(255) NOT NULL
  expires_at timestamp without time zone NOT NULL
  inserted_at timestamp without time zone NOT NULL
  CONSTRAINT {p}dpop_replays_pkey PRIMARY KEY (jti)
  INDEX {p}dpop_replays_expires_at_index (expires_at)
TABLE {p}attesto_pushed_authorization_requests
  request_uri character varying(255) NOT NULL
  params jsonb NOT NULL
  expires_at timestamp(0) without time zone NOT NULL
  inserted_at timestamp(0) without time zone NOT NULL
  CONSTRAINT {p}attesto_pushed_authorization_requests_pkey PRIMARY KEY (request_uri)
  INDEX {p}attesto_pushed_authorization_requests_expires_at_index (expires_at)
TABLE {p}attesto_client_id_metadata
  url character varying(255) NOT NULL
  metadata jsonb NOT NULL
  expires_at timestamp(0) without time zone NOT NULL
  inserted_at timestamp(0) without time zone NOT NULL
  CONSTRAINT {p}attesto_client_id_metadata_pkey PRIMARY KEY (url)
  INDEX {p}attesto_client_id_metadata_expires_at_index (expires_at)
TABLE {p}attesto_consent_grants
  token character varying(255) NOT NULL
  binding_hash character varying(88) NOT NULL
  subject character varying(255) NOT NULL
  consumed_at timestamp without time zone
  expires_at timestamp without time zone NOT NULL
  inserted_at timestamp without time zone NOT NULL
  updated_at timestamp without time zone NOT NULL
  CONSTRAINT {p}attesto_consent_grants_pkey PRIMARY KEY (token)
  INDEX {p}attesto_consent_grants_expires_at_index (expires_at)
";

/// The SQLite catalog of release 0.19.0, `{p}` standing for the prefix.
pub const SQLITE_0_19_0: &str = "\
TABLE {p}attesto_authorization_codes
  code_hash TEXT NOT NULL
  client_id TEXT NOT NULL
  subject TEXT NOT NULL
  scope TEXT NOT NULL DEFAULT '[]'
  resource TEXT NOT NULL DEFAULT '[]'
  redirect_uri TEXT NOT NULL
  code_challenge TEXT
  code_challenge_method TEXT
  cnf TEXT
  nonce TEXT
  claims TEXT NOT NULL DEFAULT '{}'
  family_id TEXT
  access_token_jti TEXT
  access_token_expires_at TEXT
  access_token_revoked_at TEXT
  expires_at TEXT NOT NULL
  consumed_at TEXT
  consumed_success BOOLEAN NOT NULL DEFAULT FALSE
  inserted_at TEXT NOT NULL
  UNIQUE INDEX {p}attesto_authorization_codes_code_hash_index (code_hash)
  INDEX {p}attesto_authorization_codes_expires_at_index (expires_at)
  INDEX {p}attesto_authorization_codes_family_id_index (family_id)
  INDEX {p}attesto_authorization_codes_access_token_jti_index (access_token_jti)
TABLE {p}attesto_refresh_tokens
  id BLOB NOT NULL PK
  token_hash TEXT NOT NULL
  family_id TEXT NOT NULL
  generation INTEGER NOT NULL DEFAULT 0
  client_id TEXT
  subject TEXT NOT NULL
  scope TEXT NOT NULL DEFAULT '[]'
  resource TEXT NOT NULL DEFAULT '[]'
  acr TEXT
  auth_time INTEGER
  cnf TEXT
  claims TEXT NOT NULL DEFAULT '{}'
  consumed BOOLEAN NOT NULL DEFAULT FALSE
  consumed_at TEXT
  successor TEXT
  family_revoked BOOLEAN NOT NULL DEFAULT FALSE
  expires_at TEXT NOT NULL
  parent_hash TEXT
  inserted_at TEXT NOT NULL
  UNIQUE INDEX {p}attesto_refresh_tokens_token_hash_index (token_hash)
  INDEX {p}attesto_refresh_tokens_family_id_index (family_id)
  INDEX {p}attesto_refresh_tokens_expires_at_index (expires_at)
TABLE {p}attesto_device_codes
  id BLOB NOT NULL PK
  device_code_hash TEXT NOT NULL
  user_code TEXT NOT NULL
  client_id TEXT NOT NULL
  scope TEXT NOT NULL DEFAULT '[]'
  resource TEXT NOT NULL DEFAULT '[]'
  dpop_jkt TEXT
  status TEXT NOT NULL DEFAULT 'pending'
  subject TEXT
  granted_scope TEXT
  granted_claims TEXT
  last_polled_at TEXT
  expires_at TEXT NOT NULL
  inserted_at TEXT NOT NULL
  UNIQUE INDEX {p}attesto_device_codes_device_code_hash_index (device_code_hash)
  UNIQUE INDEX {p}attesto_device_codes_user_code_index (user_code)
  INDEX {p}attesto_device_codes_expires_at_index (expires_at)
TABLE {p}attesto_logout_sessions
  id BLOB NOT NULL PK
  sid TEXT NOT NULL
  subject TEXT NOT NULL
  client_id TEXT NOT NULL
  backchannel_logout_uri TEXT NOT NULL
  session_required BOOLEAN NOT NULL DEFAULT FALSE
  expires_at TEXT NOT NULL
  inserted_at TEXT NOT NULL
  UNIQUE INDEX {p}attesto_logout_sessions_sid_client_id_index (sid, client_id)
  INDEX {p}attesto_logout_sessions_subject_index (subject)
  INDEX {p}attesto_logout_sessions_expires_at_index (expires_at)
TABLE {p}dpop_nonces
  id BLOB NOT NULL PK
  nonce TEXT NOT NULL
  issued_at TEXT NOT NULL
  expires_at TEXT NOT NULL
  used_at TEXT
  UNIQUE INDEX {p}dpop_nonces_nonce_index (nonce)
  INDEX {p}dpop_nonces_unused_index (used_at) WHERE \"used_at\" IS NULL
TABLE {p}dpop_replays
  jti TEXT NOT NULL PK
  expires_at TEXT NOT NULL
  inserted_at TEXT NOT NULL
  INDEX {p}dpop_replays_expires_at_index (expires_at)
TABLE {p}attesto_pushed_authorization_requests
  request_uri TEXT NOT NULL PK
  params TEXT NOT NULL
  expires_at TEXT NOT NULL
  inserted_at TEXT NOT NULL
  INDEX {p}attesto_pushed_authorization_requests_expires_at_index (expires_at)
TABLE {p}attesto_client_id_metadata
  url TEXT NOT NULL PK
  metadata TEXT NOT NULL
  expires_at TEXT NOT NULL
  inserted_at TEXT NOT NULL
  INDEX {p}attesto_client_id_metadata_expires_at_index (expires_at)
TABLE {p}attesto_consent_grants
  token TEXT NOT NULL PK
  binding_hash TEXT NOT NULL
  subject TEXT NOT NULL
  consumed_at TEXT
  expires_at TEXT NOT NULL
  inserted_at TEXT NOT NULL
  updated_at TEXT NOT NULL
  INDEX {p}attesto_consent_grants_expires_at_index (expires_at)
";

/// `expected` with its `{p}` placeholders replaced by `prefix`.
pub fn expected(expected: &str, prefix: &str) -> String {
    expected.replace("{p}", prefix)
}

/// The tables of the `public` schema in creation order, with columns,
/// constraints and indexes, in the format of [`POSTGRES_0_19_0`].
pub fn postgres(client: &mut impl postgres::GenericClient) -> String {
    let mut out = String::new();
    let tables = client
        .query(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') ORDER BY c.oid",
            &[],
        )
        .expect("list tables");
    for table in tables {
        let table: String = table.get(0);
        out.push_str(&format!("TABLE {table}\n"));
        let columns = client
            .query(
                "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
                 pg_get_expr(d.adbin, d.adrelid) \
                 FROM pg_attribute a \
                 LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
                 WHERE a.attrelid = ('public.' || $1)::regclass AND a.attnum > 0 \
                 AND NOT a.attisdropped ORDER BY a.attnum",
                &[&table],
            )
            .expect("list columns");
        for column in columns {
            let (name, ty, not_null, default): (String, String, bool, Option<String>) =
                (column.get(0), column.get(1), column.get(2), column.get(3));
            out.push_str(&format!("  {name} {ty}"));
            if not_null {
                out.push_str(" NOT NULL");
            }
            if let Some(default) = default {
                out.push_str(&format!(" DEFAULT {default}"));
            }
            out.push('\n');
        }
        let constraints = client
            .query(
                "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint \
                 WHERE conrelid = ('public.' || $1)::regclass ORDER BY oid",
                &[&table],
            )
            .expect("list constraints");
        for constraint in constraints {
            let (name, def): (String, String) = (constraint.get(0), constraint.get(1));
            out.push_str(&format!("  CONSTRAINT {name} {def}\n"));
        }
        let indexes = client
            .query(
                "SELECT i.relname::text, x.indisunique, \
                 (SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true), ', ' ORDER BY k) \
                  FROM generate_series(1, x.indnatts) k), \
                 pg_get_expr(x.indpred, x.indrelid), am.amname::text \
                 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
                 JOIN pg_am am ON am.oid = i.relam \
                 WHERE x.indrelid = ('public.' || $1)::regclass AND NOT x.indisprimary \
                 ORDER BY x.indexrelid",
                &[&table],
            )
            .expect("list indexes");
        for index in indexes {
            let name: String = index.get(0);
            let unique: bool = index.get(1);
            let columns: String = index.get(2);
            let predicate: Option<String> = index.get(3);
            let method: String = index.get(4);
            assert_eq!(method, "btree", "index {name} uses {method}");
            let unique = if unique { "UNIQUE " } else { "" };
            out.push_str(&format!("  {unique}INDEX {name} ({columns})"));
            if let Some(predicate) = predicate {
                out.push_str(&format!(" WHERE {predicate}"));
            }
            out.push('\n');
        }
    }
    out
}

/// The tables of a SQLite database in creation order, with columns and
/// indexes, in the format of [`SQLITE_0_19_0`].
pub fn sqlite(conn: &rusqlite::Connection) -> String {
    let mut out = String::new();
    let tables = strings(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY rowid",
    );
    for table in tables {
        out.push_str(&format!("TABLE {table}\n"));
        let mut stmt = conn
            .prepare(&format!("PRAGMA table_info(\"{table}\")"))
            .expect("table_info");
        let columns = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })
            .expect("query table_info");
        for column in columns {
            let (name, ty, not_null, default, pk) = column.expect("column");
            out.push_str(&format!("  {name} {ty}"));
            if not_null {
                out.push_str(" NOT NULL");
            }
            if let Some(default) = default {
                out.push_str(&format!(" DEFAULT {default}"));
            }
            if pk > 0 {
                out.push_str(" PK");
            }
            out.push('\n');
        }
        let mut stmt = conn
            .prepare(&format!(
                "SELECT l.name, l.\"unique\", l.origin, l.partial, m.sql \
                 FROM pragma_index_list('{table}') l \
                 JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name \
                 ORDER BY m.rowid"
            ))
            .expect("index_list");
        let indexes = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, bool>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })
            .expect("query index_list");
        for index in indexes {
            let (name, unique, origin, partial, sql) = index.expect("index");
            // The primary key's own index is the PK column marker above.
            if origin == "pk" {
                continue;
            }
            let columns = strings(
                conn,
                &format!("SELECT name FROM pragma_index_info('{name}') ORDER BY seqno"),
            );
            let unique = if unique { "UNIQUE " } else { "" };
            out.push_str(&format!("  {unique}INDEX {name} ({})", columns.join(", ")));
            if partial {
                let sql = sql.unwrap_or_default();
                let predicate = sql.split_once(" WHERE ").map_or("?", |(_, p)| p);
                out.push_str(&format!(" WHERE {predicate}"));
            }
            out.push('\n');
        }
    }
    out
}

fn strings(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).expect(sql);
    stmt.query_map([], |r| r.get(0))
        .expect(sql)
        .map(|r| r.expect(sql))
        .collect()
}

/// The catalog of release 0.6.1, as SCHEMA.md describes it: tables 1, 2, 5
/// and 6 of 0.19.0, less the columns and indexes 0.19.0 added.
pub fn release_0_6_1(catalog_0_19_0: &str) -> String {
    const TABLES: &[&str] = &[
        "attesto_authorization_codes",
        "attesto_refresh_tokens",
        "dpop_nonces",
        "dpop_replays",
    ];
    const CODES_ADDED: &[&str] = &[
        "resource",
        "family_id",
        "access_token_jti",
        "access_token_expires_at",
        "access_token_revoked_at",
        "consumed_success",
    ];
    const TOKENS_ADDED: &[&str] = &["resource", "acr", "auth_time"];
    let mut out = String::new();
    for block in blocks(catalog_0_19_0) {
        let table = block[0].trim_start_matches("TABLE ");
        let Some(base) = TABLES.iter().find(|t| table.ends_with(*t)) else {
            continue;
        };
        let added: &[&str] = match *base {
            "attesto_authorization_codes" => CODES_ADDED,
            "attesto_refresh_tokens" => TOKENS_ADDED,
            _ => &[],
        };
        for line in block {
            let column = line.strip_prefix("  ").and_then(|l| l.split(' ').next());
            let dropped_column = column.is_some_and(|c| added.contains(&c));
            let dropped_index = *base == "attesto_authorization_codes"
                && (line.contains("_family_id_index") || line.contains("_access_token_jti_index"));
            if !dropped_column && !dropped_index {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// The catalog with tables, and the lines within each table, sorted: equal
/// for two databases that differ only in column, index and table order.
pub fn unordered(catalog: &str) -> String {
    let mut tables: Vec<String> = blocks(catalog)
        .into_iter()
        .map(|block| {
            let mut lines = block[1..].to_vec();
            lines.sort_unstable();
            format!("{}\n{}\n", block[0], lines.join("\n"))
        })
        .collect();
    tables.sort();
    tables.concat()
}

/// The catalog with its tables sorted by name, the lines of each in order:
/// for a database whose tables were rebuilt or recreated in another order.
pub fn tables_sorted(catalog: &str) -> String {
    let mut tables: Vec<String> = blocks(catalog)
        .into_iter()
        .map(|block| format!("{}\n", block.join("\n")))
        .collect();
    tables.sort();
    tables.concat()
}

/// The catalog without the tables named `names` (a migration runner's own).
pub fn without(catalog: &str, names: &[&str]) -> String {
    blocks(catalog)
        .into_iter()
        .filter(|block| !names.iter().any(|n| block[0] == format!("TABLE {n}")))
        .map(|block| format!("{}\n", block.join("\n")))
        .collect()
}

/// The catalog split into tables, each its `TABLE` line and the rest.
fn blocks(catalog: &str) -> Vec<Vec<&str>> {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    for line in catalog.lines() {
        if line.starts_with("TABLE ") || blocks.is_empty() {
            blocks.push(vec![line]);
        } else if let Some(last) = blocks.last_mut() {
            last.push(line);
        }
    }
    blocks
}

/// The tables of a MariaDB database, sorted by name (MySQL keeps no
/// creation order), with columns in order, the primary key and the
/// indexes sorted by name, in the format of `ecto::mysql`.
pub async fn mysql(conn: &mut sqlx::MySqlConnection) -> String {
    use sqlx::Row as _;
    let mut out = String::new();
    let tables = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("list tables");
    for table in tables {
        let table: String = table.get(0);
        out.push_str(&format!("TABLE {table}\n"));
        let checks: Vec<String> = sqlx::query(
            "SELECT CAST(CHECK_CLAUSE AS CHAR) FROM information_schema.CHECK_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?",
        )
        .bind(&table)
        .fetch_all(&mut *conn)
        .await
        .expect("list checks")
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
        let columns = sqlx::query(
            "SELECT CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_TYPE AS CHAR), CAST(IS_NULLABLE AS CHAR), \
             CAST(COLUMN_DEFAULT AS CHAR) FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
        )
        .bind(&table)
        .fetch_all(&mut *conn)
        .await
        .expect("list columns");
        for column in columns {
            let name: String = column.get(0);
            let mut ty: String = column.get(1);
            let nullable: String = column.get(2);
            let default: Option<String> = column.get(3);
            // MariaDB's `json` is `longtext` with a json_valid check.
            if checks.iter().any(|c| c == &format!("json_valid(`{name}`)")) {
                ty.push_str(" json");
            }
            out.push_str(&format!("  {name} {ty}"));
            if nullable == "NO" {
                out.push_str(" NOT NULL");
            }
            match default.as_deref() {
                None | Some("NULL") => {}
                Some(default) => out.push_str(&format!(" DEFAULT {default}")),
            }
            out.push('\n');
        }
        let indexes = sqlx::query(
            "SELECT CAST(INDEX_NAME AS CHAR), CAST(MIN(NON_UNIQUE) AS SIGNED), \
             CAST(GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ', ') AS CHAR) \
             FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? \
             GROUP BY INDEX_NAME ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME",
        )
        .bind(&table)
        .fetch_all(&mut *conn)
        .await
        .expect("list indexes");
        for index in indexes {
            let name: String = index.get(0);
            let non_unique: i64 = index.get(1);
            let columns: String = index.get(2);
            if name == "PRIMARY" {
                out.push_str(&format!("  PRIMARY KEY ({columns})\n"));
            } else {
                let unique = if non_unique == 0 { "UNIQUE " } else { "" };
                out.push_str(&format!("  {unique}INDEX {name} ({columns})\n"));
            }
        }
    }
    out
}

/// The catalog with its tables sorted by name and the indexes of each
/// sorted by name, lines otherwise in order: how `mysql` reports one.
pub fn by_name(catalog: &str) -> String {
    let mut tables: Vec<String> = blocks(catalog)
        .into_iter()
        .map(|block| {
            let (mut indexes, mut lines): (Vec<&str>, Vec<&str>) =
                block.iter().partition(|l| l.contains("INDEX "));
            indexes.sort_by_key(|l| l.split("INDEX ").nth(1).map(str::to_owned));
            lines.extend(indexes);
            format!("{}\n", lines.join("\n"))
        })
        .collect();
    tables.sort();
    tables.concat()
}
