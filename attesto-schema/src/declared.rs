//! How a crate declares one of its dependencies, as far as its own
//! manifests say: the version it asks for, whether the dependency's
//! default features are on, and which features it enables. The macro
//! checks this against the features its generated code needs, so that a
//! missing feature is one error naming it, not hundreds of type errors.
//!
//! Cargo unifies the features of every declaration of a dependency (normal,
//! dev, build and target-specific ones), the crate's own `[features]` can
//! enable more (`sqlx/json`), and a workspace-inherited dependency adds the
//! workspace's declaration. The union of all of them is what the crate may
//! enable: a feature outside it is off in every build of the crate (unless
//! another crate of the build enables it, which the crate should not rely
//! on). Where a declaration cannot be read, nothing is known.

use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::config::{ConfigError, parse, read};

/// A crate's declarations of one dependency, together.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Declared {
    /// The dependency's key, as written (`tokio-postgres`).
    pub key: String,
    /// The version requirement of the first declaration that has one.
    pub version: Option<String>,
    /// Whether some declaration leaves the default features on.
    pub default_features: bool,
    /// Every feature a declaration, or the crate's `[features]`, enables.
    pub features: Vec<String>,
    /// Whether the dependency is inherited from the workspace.
    pub inherited: bool,
    /// The keys and values of the first declaration other than `features`,
    /// as TOML, for the line that adds what is missing.
    pub keys: Vec<(String, String)>,
    /// The features of the first declaration.
    pub line_features: Vec<String>,
    /// The manifests read: the crate's, and the workspace's when inherited.
    pub files: Vec<PathBuf>,
}

impl Declared {
    /// The `[dependencies]` line with `missing` features added to the
    /// first declaration.
    pub fn line_with(&self, missing: &[&str]) -> String {
        let mut features = self.line_features.clone();
        for feature in missing {
            if !features.iter().any(|f| f == feature) {
                features.push((*feature).to_owned());
            }
        }
        let mut parts: Vec<String> = self
            .keys
            .iter()
            .map(|(key, value)| format!("{key} = {value}"))
            .collect();
        let list: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
        parts.push(format!("features = [{}]", list.join(", ")));
        format!("{} = {{ {} }}", self.key, parts.join(", "))
    }
}

/// How the crate whose manifest is `manifest` declares the dependency its
/// code names `name` (`tokio_postgres`): `Ok(None)` when it does not
/// declare it, or when what it enables cannot be known (a workspace
/// declaration that cannot be found).
pub fn declared(manifest: &Path, name: &str) -> Result<Option<Declared>, ConfigError> {
    let file = "the crate's Cargo.toml";
    let text = read(manifest, file)?;
    let document = parse(&text, file)?;
    let mut found: Option<Declared> = None;
    let mut workspace_wanted = false;
    for table in dependency_tables(&document) {
        for (key, value) in table {
            if key.get_ref().replace('-', "_") != name {
                continue;
            }
            let entry = value.get_ref();
            let inherited = entry
                .as_table()
                .and_then(|t| t.get("workspace"))
                .is_some_and(|w| matches!(w.get_ref(), DeValue::Boolean(true)));
            workspace_wanted |= inherited;
            let declared = found.get_or_insert_with(|| Declared {
                key: key.get_ref().to_string(),
                version: None,
                default_features: false,
                features: Vec::new(),
                inherited,
                keys: line_keys(entry),
                line_features: Vec::new(),
                files: vec![manifest.to_owned()],
            });
            if declared.line_features.is_empty() && declared.keys == line_keys(entry) {
                declared.line_features = own_features(entry);
            }
            add(declared, entry);
        }
    }
    let Some(mut declared) = found else {
        return Ok(None);
    };
    // The crate's own features may enable the dependency's:
    // `json = ["sqlx/json"]`, `["sqlx?/json"]`.
    if let Some(features) = document
        .get("features")
        .and_then(|f| f.get_ref().as_table())
    {
        for list in features.values() {
            for item in list.get_ref().as_array().into_iter().flatten() {
                if let DeValue::String(item) = item.get_ref() {
                    let (crate_name, feature) = match item.split_once('/') {
                        Some(split) => split,
                        None => continue,
                    };
                    if crate_name.trim_end_matches('?').replace('-', "_") == name {
                        push(&mut declared.features, feature);
                    }
                }
            }
        }
    }
    if workspace_wanted {
        let Some(root) = workspace_root(manifest) else {
            return Ok(None);
        };
        let text = read(&root, "the workspace's Cargo.toml")?;
        let workspace = parse(&text, "the workspace's Cargo.toml")?;
        let entry = workspace
            .get("workspace")
            .and_then(|w| w.get_ref().get("dependencies"))
            .and_then(|d| d.get_ref().as_table())
            .and_then(|deps| {
                deps.iter()
                    .find(|(key, _)| key.get_ref().replace('-', "_") == name)
                    .map(|(_, value)| value.get_ref().clone())
            });
        let Some(entry) = entry else {
            return Ok(None);
        };
        add(&mut declared, &entry);
        declared.files.push(root);
    }
    Ok(Some(declared))
}

/// Every dependency table of a manifest: normal, dev, build, and each
/// target's.
fn dependency_tables<'a, 'i>(document: &'a DeTable<'i>) -> Vec<&'a DeTable<'i>> {
    const SECTIONS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
    let mut tables = Vec::new();
    let mut collect = |table: &'a DeTable<'i>| {
        for section in SECTIONS {
            if let Some(deps) = table.get(section).and_then(|d| d.get_ref().as_table()) {
                tables.push(deps);
            }
        }
    };
    collect(document);
    if let Some(targets) = document.get("target").and_then(|t| t.get_ref().as_table()) {
        for target in targets.values() {
            if let Some(target) = target.get_ref().as_table() {
                collect(target);
            }
        }
    }
    tables
}

/// Adds what one declaration (`"0.9"` or `{ version, features, ... }`)
/// enables.
fn add(declared: &mut Declared, entry: &DeValue<'_>) {
    match entry {
        DeValue::String(version) => {
            declared.default_features = true;
            declared.version.get_or_insert_with(|| version.to_string());
        }
        DeValue::Table(table) => {
            if let Some(DeValue::String(version)) = table.get("version").map(|v| v.get_ref()) {
                declared.version.get_or_insert_with(|| version.to_string());
            }
            let defaults = ["default-features", "default_features"]
                .iter()
                .find_map(|k| table.get(*k))
                .map(|v| v.get_ref());
            // An inherited declaration's defaults are the workspace's.
            let inherits = matches!(
                table.get("workspace").map(|w| w.get_ref()),
                Some(DeValue::Boolean(true))
            );
            if !inherits && !matches!(defaults, Some(DeValue::Boolean(false))) {
                declared.default_features = true;
            }
            if let Some(features) = table.get("features").and_then(|f| f.get_ref().as_array()) {
                for feature in features {
                    if let DeValue::String(feature) = feature.get_ref() {
                        push(&mut declared.features, feature);
                    }
                }
            }
        }
        _ => {}
    }
}

/// The features a declaration lists itself.
fn own_features(entry: &DeValue<'_>) -> Vec<String> {
    let mut own = Vec::new();
    if let Some(features) = entry.as_table().and_then(|t| t.get("features")) {
        for feature in features.get_ref().as_array().into_iter().flatten() {
            if let DeValue::String(feature) = feature.get_ref() {
                push(&mut own, feature);
            }
        }
    }
    own
}

fn push(features: &mut Vec<String>, feature: &str) {
    if !features.iter().any(|f| f == feature) {
        features.push(feature.to_owned());
    }
}

/// The keys of a declaration other than `features`, as TOML values, for
/// the suggested line (strings and booleans; the rest is left out).
fn line_keys(entry: &DeValue<'_>) -> Vec<(String, String)> {
    match entry {
        DeValue::String(version) => vec![("version".to_owned(), format!("{:?}", version.as_ref()))],
        DeValue::Table(table) => {
            let mut keys: Vec<(String, String)> = table
                .iter()
                .filter(|(key, _)| key.get_ref() != "features")
                .filter_map(|(key, value)| {
                    let value = match value.get_ref() {
                        DeValue::String(s) => format!("{:?}", s.as_ref()),
                        DeValue::Boolean(b) => b.to_string(),
                        _ => return None,
                    };
                    Some((key.get_ref().to_string(), value))
                })
                .collect();
            // In the order manifests usually write them (the parsed table
            // has lost the written order).
            const ORDER: [&str; 9] = [
                "workspace",
                "package",
                "version",
                "path",
                "git",
                "branch",
                "tag",
                "rev",
                "default-features",
            ];
            keys.sort_by_key(|(key, _)| ORDER.iter().position(|k| k == key).unwrap_or(ORDER.len()));
            keys
        }
        _ => Vec::new(),
    }
}

/// The manifest of the workspace `manifest` belongs to: the nearest one
/// above it with a `[workspace]` table (or the crate's own).
fn workspace_root(manifest: &Path) -> Option<PathBuf> {
    let dir = manifest.parent()?;
    for candidate in dir.ancestors() {
        let path = candidate.join("Cargo.toml");
        let Ok(text) = read(&path, "a workspace's Cargo.toml") else {
            continue;
        };
        let Ok(document) = parse(&text, "a workspace's Cargo.toml") else {
            return None;
        };
        if document.contains_key("workspace") {
            return Some(path);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("dir");
        std::fs::write(&path, text).expect("write");
        path
    }

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("attesto-declared-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn features_of_every_declaration_and_of_the_crates_features() {
        let dir = temp("union");
        let manifest = write(
            &dir,
            "Cargo.toml",
            r#"
            [package]
            name = "host"
            [features]
            uuids = ["sqlx?/uuid"]
            [dependencies]
            sqlx = { version = "0.9", default-features = false, features = ["postgres"] }
            [dev-dependencies]
            sqlx = { version = "0.9", default-features = false, features = ["json"] }
            [target.'cfg(unix)'.dependencies]
            tokio-postgres = "0.7"
            "#,
        );
        let sqlx = declared(&manifest, "sqlx")
            .expect("reads")
            .expect("declared");
        assert_eq!(sqlx.features, ["postgres", "json", "uuid"]);
        assert!(!sqlx.default_features);
        assert_eq!(sqlx.version.as_deref(), Some("0.9"));
        assert_eq!(
            sqlx.line_with(&["chrono"]),
            r#"sqlx = { version = "0.9", default-features = false, features = ["postgres", "chrono"] }"#
        );
        let pg = declared(&manifest, "tokio_postgres")
            .expect("reads")
            .expect("declared");
        assert!(pg.default_features && pg.features.is_empty());
        assert_eq!(declared(&manifest, "diesel").expect("reads"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_workspace_dependency_adds_the_workspaces_declaration() {
        let dir = temp("workspace");
        write(
            &dir,
            "Cargo.toml",
            r#"
            [workspace]
            members = ["member"]
            [workspace.dependencies]
            sqlx = { version = "0.9", default-features = false, features = ["sqlite"] }
            "#,
        );
        let manifest = write(
            &dir,
            "member/Cargo.toml",
            r#"
            [package]
            name = "member"
            [dependencies]
            sqlx = { workspace = true, features = ["chrono"] }
            "#,
        );
        let sqlx = declared(&manifest, "sqlx")
            .expect("reads")
            .expect("declared");
        assert!(sqlx.inherited && !sqlx.default_features);
        assert_eq!(sqlx.features, ["chrono", "sqlite"]);
        assert_eq!(sqlx.files.len(), 2);
        assert_eq!(
            sqlx.line_with(&["json"]),
            r#"sqlx = { workspace = true, features = ["chrono", "json"] }"#
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_inherited_dependency_the_workspace_lacks_is_unknown() {
        let dir = temp("unknown");
        write(&dir, "Cargo.toml", "[workspace]\nmembers = [\"member\"]\n");
        let manifest = write(
            &dir,
            "member/Cargo.toml",
            "[package]\nname = \"member\"\n[dependencies]\nsqlx.workspace = true\n",
        );
        assert_eq!(declared(&manifest, "sqlx").expect("reads"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
