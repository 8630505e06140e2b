//! The schema every release of attesto_phoenix installs, transcribed from
//! its migration template (`lib/mix/tasks/attesto_phoenix.gen.migration.ex`)
//! in Ecto's own terms, and Ecto's rules that turn it into a catalog.
//!
//! Nothing here comes from attesto's model: a wrong model fails the tests
//! that compare against it. Each item carries the release that added it, as
//! the template's history says; a `null: false until` says when a column
//! lost its `NOT NULL`.

/// The template as released at 2.13.0, each line annotated with the
/// release that added it where that is later than its table's.
const TEMPLATE: &str = r#"
table attesto_authorization_codes since 0.6.0 primary_key: false
  add :code_hash, :string, size: 88, null: false
  add :client_id, :string, size: 255, null: false
  add :subject, :string, size: 255, null: false
  add :scope, {:array, :string}, null: false, default: []
  add :resource, {:array, :string}, null: false, default: [] since 0.15.0
  add :redirect_uri, :text, null: false
  add :code_challenge, :string, size: 255
  add :code_challenge_method, :string, size: 16
  add :cnf, :map
  add :nonce, :string, size: 255
  add :claims, :map, null: false, default: %{}
  add :family_id, :string, size: 255 since 0.6.7
  add :access_token_jti, :string, size: 255 since 0.6.7
  add :access_token_expires_at, :utc_datetime since 0.6.7
  add :access_token_revoked_at, :utc_datetime since 0.6.7
  add :expires_at, :utc_datetime, null: false
  add :consumed_at, :utc_datetime
  add :consumed_success, :boolean, null: false, default: false since 0.6.7
  add :inserted_at, :utc_datetime, null: false
  create unique_index [:code_hash]
  create index [:expires_at]
  create index [:family_id] since 0.6.7
  create index [:access_token_jti] since 0.6.7
table attesto_refresh_tokens since 0.6.0 primary_key: false
  add :id, :binary_id, primary_key: true
  add :token_hash, :string, size: 88, null: false
  add :family_id, :string, size: 255, null: false
  add :generation, :integer, null: false, default: 0
  add :client_id, :string, size: 255
  add :subject, :string, size: 255, null: false
  add :scope, {:array, :string}, null: false, default: []
  add :resource, {:array, :string}, null: false, default: [] since 0.15.0
  add :acr, :string since 0.16.0
  add :auth_time, :bigint since 0.16.0
  add :cnf, :map
  add :claims, :map, null: false, default: %{}
  add :consumed, :boolean, null: false, default: false
  add :consumed_at, :utc_datetime
  add :successor, :map
  add :family_revoked, :boolean, null: false, default: false
  add :expires_at, :utc_datetime, null: false
  add :parent_hash, :string, size: 88
  timestamps updated_at: false, type: :utc_datetime
  create unique_index [:token_hash]
  create index [:family_id]
  create index [:expires_at]
table attesto_device_codes since 0.17.0 primary_key: false
  add :id, :binary_id, primary_key: true
  add :device_code_hash, :string, size: 88, null: false
  add :user_code, :string, size: 255, null: false
  add :client_id, :string, size: 255, null: false
  add :scope, {:array, :string}, null: false, default: []
  add :resource, {:array, :string}, null: false, default: []
  add :dpop_jkt, :string, size: 255
  add :status, :string, size: 16, null: false, default: "pending"
  add :subject, :string, size: 255
  add :granted_scope, {:array, :string}
  add :granted_claims, :map
  add :last_polled_at, :utc_datetime
  add :expires_at, :utc_datetime, null: false
  timestamps updated_at: false, type: :utc_datetime
  create unique_index [:device_code_hash]
  create unique_index [:user_code]
  create index [:expires_at]
table attesto_ciba_requests since 1.2.0 primary_key: false
  add :id, :binary_id, primary_key: true
  add :auth_req_id_hash, :string, size: 88, null: false
  add :client_id, :string, size: 255, null: false
  add :delivery_mode, :string, size: 16, null: false
  add :scope, {:array, :string}, null: false, default: []
  add :acr_values, {:array, :string}, null: false, default: []
  add :binding_message, :string
  add :client_notification_token, :text
  add :hint_subject, :string, size: 255, null: false
  add :resource, {:array, :string}, null: false, default: []
  add :dpop_jkt, :string, size: 255
  add :status, :string, size: 16, null: false, default: "pending"
  add :subject, :string, size: 255
  add :acr, :string
  add :auth_time, :utc_datetime
  add :granted_scope, {:array, :string}
  add :granted_claims, :map
  add :interval, :integer, null: false, default: 0
  add :last_polled_at, :utc_datetime
  add :expires_at, :utc_datetime, null: false
  timestamps updated_at: false, type: :utc_datetime
  create unique_index [:auth_req_id_hash]
  create index [:expires_at]
table attesto_logout_sessions since 0.18.0 primary_key: false
  add :id, :binary_id, primary_key: true
  add :sid, :string, size: 255, null: false
  add :subject, :string, size: 255, null: false
  add :client_id, :string, size: 255, null: false
  add :backchannel_logout_uri, :text, null: false until 1.1.0
  add :session_required, :boolean, null: false, default: false
  add :frontchannel_logout_uri, :text since 1.1.0
  add :frontchannel_session_required, :boolean, null: false, default: false since 1.1.0
  add :expires_at, :utc_datetime, null: false
  timestamps updated_at: false, type: :utc_datetime
  create unique_index [:sid, :client_id]
  create index [:subject]
  create index [:expires_at]
table dpop_nonces since 0.6.0 primary_key: false
  add :id, :binary_id, primary_key: true
  add :nonce, :string, size: 255, null: false
  add :issued_at, :utc_datetime, null: false
  add :expires_at, :utc_datetime, null: false
  add :used_at, :utc_datetime
  create unique_index [:nonce]
  create index [:used_at], where: "used_at IS NULL", name: unused
table dpop_replays since 0.6.0 primary_key: false
  add :jti, :string, size: 255, primary_key: true, null: false
  add :expires_at, :utc_datetime_usec, null: false
  add :inserted_at, :utc_datetime_usec, null: false
  create index [:expires_at]
table attesto_pushed_authorization_requests since 0.8.0 primary_key: false
  add :request_uri, :string, size: 255, primary_key: true, null: false
  add :params, :map, null: false
  add :expires_at, :utc_datetime, null: false
  add :inserted_at, :utc_datetime, null: false
  create index [:expires_at]
table attesto_client_id_metadata since 0.9.0 primary_key: false
  add :url, :string, size: 255, primary_key: true, null: false
  add :metadata, :map, null: false
  add :expires_at, :utc_datetime, null: false
  add :inserted_at, :utc_datetime, null: false
  create index [:expires_at]
table attesto_consent_grants since 0.12.0 primary_key: false
  add :token, :string, size: 255, primary_key: true, null: false
  add :binding_hash, :string, size: 88, null: false
  add :subject, :string, size: 255, null: false
  add :consumed_at, :utc_datetime_usec
  add :expires_at, :utc_datetime_usec, null: false
  timestamps type: :utc_datetime_usec
  create index [:expires_at]
"#;

/// The schema releases, oldest first: the versions whose template changed.
pub const RELEASES: &[&str] = &[
    "0.6.0", "0.6.7", "0.8.0", "0.9.0", "0.12.0", "0.15.0", "0.16.0", "0.17.0", "0.18.0", "1.1.0",
    "1.2.0",
];

/// A version as numbers, for comparing.
fn version(v: &str) -> Vec<u32> {
    v.split('.')
        .map(|n| n.parse().expect("version number"))
        .collect()
}

/// One column, as `add` declares it.
#[derive(Debug, Clone)]
pub struct Add {
    pub name: String,
    pub ty: String,
    pub size: Option<u32>,
    pub not_null: bool,
    pub primary_key: bool,
    pub default: Option<String>,
}

/// One index, as `create index` declares it.
#[derive(Debug, Clone)]
pub struct CreateIndex {
    pub columns: Vec<String>,
    pub unique: bool,
    pub predicate: Option<String>,
    pub label: Option<String>,
}

/// One table of one release.
#[derive(Debug, Clone)]
pub struct EctoTable {
    pub name: String,
    pub columns: Vec<Add>,
    pub indexes: Vec<CreateIndex>,
}

/// The `since X` and `until X` annotations of a line, and the line without them.
fn annotations(line: &str) -> (&str, Option<&str>, Option<&str>) {
    let (line, since) = match line.rsplit_once(" since ") {
        Some((rest, v)) => (rest, Some(v.trim())),
        None => (line, None),
    };
    let (line, until) = match line.rsplit_once(" until ") {
        Some((rest, v)) => (rest, Some(v.trim())),
        None => (line, None),
    };
    (line, since, until)
}

/// `key: value` of an `add` line.
fn option<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split(", ")
        .find_map(|part| part.trim().strip_prefix(&format!("{key}: ")))
}

/// The tables release `release` installs, in creation order.
pub fn tables(release: &str) -> Vec<EctoTable> {
    let at = version(release);
    let exists = |since: Option<&str>| since.is_none_or(|s| version(s) <= at);
    let mut tables: Vec<EctoTable> = Vec::new();
    let mut skipping = false;
    for raw in TEMPLATE.lines().filter(|l| !l.trim().is_empty()) {
        let line = raw.trim();
        if let Some(rest) = line.strip_prefix("table ") {
            let mut words = rest.split_whitespace();
            let name = words.next().expect("table name");
            let since = rest
                .split(" since ")
                .nth(1)
                .and_then(|s| s.split_whitespace().next());
            skipping = !exists(since);
            if !skipping {
                tables.push(EctoTable {
                    name: name.to_owned(),
                    columns: Vec::new(),
                    indexes: Vec::new(),
                });
            }
            continue;
        }
        if skipping {
            continue;
        }
        let table = tables.last_mut().expect("a table first");
        let (line, since, until) = annotations(line);
        if !exists(since) {
            continue;
        }
        if let Some(rest) = line.strip_prefix("add :") {
            let mut parts = rest.splitn(2, ", ");
            let name = parts.next().expect("column").to_owned();
            let rest = parts.next().unwrap_or_default();
            let ty = if rest.starts_with("{:array, :string}") {
                "{:array, :string}".to_owned()
            } else {
                rest.split(", ").next().unwrap_or_default().to_owned()
            };
            let mut not_null = option(line, "null") == Some("false");
            if until.is_some_and(|until| version(until) <= at) {
                not_null = false;
            }
            table.columns.push(Add {
                name,
                ty,
                size: option(line, "size").map(|s| s.parse().expect("size")),
                not_null,
                primary_key: option(line, "primary_key") == Some("true"),
                default: option(line, "default").map(str::to_owned),
            });
        } else if let Some(rest) = line.strip_prefix("timestamps ") {
            let ty = option(rest, "type").expect("timestamps type").to_owned();
            let mut names = vec!["inserted_at"];
            if option(rest, "updated_at") != Some("false") {
                names.push("updated_at");
            }
            for name in names {
                table.columns.push(Add {
                    name: name.to_owned(),
                    ty: ty.clone(),
                    size: None,
                    not_null: true,
                    primary_key: false,
                    default: None,
                });
            }
        } else if let Some(rest) = line.strip_prefix("create ") {
            let unique = rest.starts_with("unique_index");
            let list = rest
                .split_once('[')
                .and_then(|(_, r)| r.split_once(']'))
                .map(|(cols, _)| cols)
                .expect("index columns");
            table.indexes.push(CreateIndex {
                columns: list
                    .split(", ")
                    .map(|c| c.trim_start_matches(':').to_owned())
                    .collect(),
                unique,
                predicate: option(line, "where").map(|w| w.trim_matches('"').to_owned()),
                label: option(line, "name").map(str::to_owned),
            });
        }
    }
    tables
}

impl CreateIndex {
    /// Ecto's name: `<table>_<columns>_index`, or the one given.
    pub fn name(&self, table: &str) -> String {
        match &self.label {
            Some(label) => format!("{table}_{label}_index"),
            None => format!("{table}_{}_index", self.columns.join("_")),
        }
    }
}

/// The PostgreSQL catalog of `release` with `prefix`, by Ecto's rules, in
/// the format of `catalog::postgres`.
pub fn postgres(release: &str, prefix: &str) -> String {
    let mut out = String::new();
    for table in tables(release) {
        let name = format!("{prefix}{}", table.name);
        out.push_str(&format!("TABLE {name}\n"));
        for add in &table.columns {
            let ty = match (add.ty.as_str(), add.size) {
                (":string", size) => format!("character varying({})", size.unwrap_or(255)),
                (":text", _) => "text".to_owned(),
                ("{:array, :string}", _) => "character varying(255)[]".to_owned(),
                (":map", _) => "jsonb".to_owned(),
                (":utc_datetime", _) => "timestamp(0) without time zone".to_owned(),
                (":utc_datetime_usec", _) => "timestamp without time zone".to_owned(),
                (":binary_id", _) => "uuid".to_owned(),
                (":integer", _) => "integer".to_owned(),
                (":bigint", _) => "bigint".to_owned(),
                (":boolean", _) => "boolean".to_owned(),
                (other, _) => panic!("no Ecto rule for {other}"),
            };
            out.push_str(&format!("  {} {ty}", add.name));
            if add.not_null || add.primary_key {
                out.push_str(" NOT NULL");
            }
            if let Some(default) = &add.default {
                let default = match default.as_str() {
                    "[]" => "ARRAY[]::character varying[]".to_owned(),
                    "%{}" => "'{}'::jsonb".to_owned(),
                    quoted if quoted.starts_with('"') => {
                        format!("'{}'::character varying", quoted.trim_matches('"'))
                    }
                    other => other.to_owned(),
                };
                out.push_str(&format!(" DEFAULT {default}"));
            }
            out.push('\n');
        }
        if let Some(pk) = table.columns.iter().find(|c| c.primary_key) {
            out.push_str(&format!(
                "  CONSTRAINT {name}_pkey PRIMARY KEY ({})\n",
                pk.name
            ));
        }
        for index in &table.indexes {
            let unique = if index.unique { "UNIQUE " } else { "" };
            out.push_str(&format!(
                "  {unique}INDEX {} ({})",
                index.name(&name),
                index.columns.join(", ")
            ));
            if let Some(predicate) = &index.predicate {
                out.push_str(&format!(" WHERE ({predicate})"));
            }
            out.push('\n');
        }
    }
    out
}

/// The SQLite shape of `release` with `prefix`, by the mapping the README
/// documents, in the format of `catalog::sqlite`.
pub fn sqlite(release: &str, prefix: &str) -> String {
    let mut out = String::new();
    for table in tables(release) {
        let name = format!("{prefix}{}", table.name);
        out.push_str(&format!("TABLE {name}\n"));
        for add in &table.columns {
            let ty = match add.ty.as_str() {
                ":binary_id" => "BLOB",
                ":integer" | ":bigint" => "INTEGER",
                ":boolean" => "BOOLEAN",
                _ => "TEXT",
            };
            out.push_str(&format!("  {} {ty}", add.name));
            if add.not_null || add.primary_key {
                out.push_str(" NOT NULL");
            }
            if let Some(default) = &add.default {
                let default = match default.as_str() {
                    "[]" => "'[]'".to_owned(),
                    "%{}" => "'{}'".to_owned(),
                    "false" => "FALSE".to_owned(),
                    quoted if quoted.starts_with('"') => format!("'{}'", quoted.trim_matches('"')),
                    other => other.to_owned(),
                };
                out.push_str(&format!(" DEFAULT {default}"));
            }
            if add.primary_key {
                out.push_str(" PK");
            }
            out.push('\n');
        }
        for index in &table.indexes {
            let unique = if index.unique { "UNIQUE " } else { "" };
            out.push_str(&format!(
                "  {unique}INDEX {} ({})",
                index.name(&name),
                index.columns.join(", ")
            ));
            if let Some(predicate) = &index.predicate {
                let (column, rest) = predicate.split_once(' ').expect("predicate");
                out.push_str(&format!(" WHERE \"{column}\" {rest}"));
            }
            out.push('\n');
        }
    }
    out
}

/// The MariaDB catalog of `release` with `prefix`, by the mapping the README
/// documents, in the format of `catalog::mysql`: `json` is MariaDB's alias
/// of `longtext` with a `json_valid` check, and the partial index keeps its
/// name without a predicate.
pub fn mysql(release: &str, prefix: &str) -> String {
    let mut out = String::new();
    for table in tables(release) {
        let name = format!("{prefix}{}", table.name);
        out.push_str(&format!("TABLE {name}\n"));
        for add in &table.columns {
            let ty = match (add.ty.as_str(), add.size) {
                (":string", size) => format!("varchar({})", size.unwrap_or(255)),
                (":text", _) => "text".to_owned(),
                ("{:array, :string}" | ":map", _) => "longtext json".to_owned(),
                (":utc_datetime", _) => "datetime".to_owned(),
                (":utc_datetime_usec", _) => "datetime(6)".to_owned(),
                (":binary_id", _) => "binary(16)".to_owned(),
                (":integer", _) => "int(11)".to_owned(),
                (":bigint", _) => "bigint(20)".to_owned(),
                (":boolean", _) => "tinyint(1)".to_owned(),
                (other, _) => panic!("no rule for {other}"),
            };
            out.push_str(&format!("  {} {ty}", add.name));
            if add.not_null || add.primary_key {
                out.push_str(" NOT NULL");
            }
            if let Some(default) = &add.default {
                let default = match default.as_str() {
                    "[]" => "'[]'".to_owned(),
                    "%{}" => "'{}'".to_owned(),
                    "false" => "0".to_owned(),
                    quoted if quoted.starts_with('"') => format!("'{}'", quoted.trim_matches('"')),
                    other => other.to_owned(),
                };
                out.push_str(&format!(" DEFAULT {default}"));
            }
            out.push('\n');
        }
        if let Some(pk) = table.columns.iter().find(|c| c.primary_key) {
            out.push_str(&format!("  PRIMARY KEY ({})\n", pk.name));
        } else if let Some(key) = table.indexes.iter().find(|i| i.unique) {
            // MySQL's schema is attesto's own: a table that upstream keys
            // by a unique index only (the authorization codes) has that
            // key as its primary key there.
            out.push_str(&format!("  PRIMARY KEY ({})\n", key.columns.join(", ")));
        }
        for index in &table.indexes {
            let unique = if index.unique { "UNIQUE " } else { "" };
            out.push_str(&format!(
                "  {unique}INDEX {} ({})\n",
                index.name(&name),
                index.columns.join(", ")
            ));
        }
    }
    out
}
