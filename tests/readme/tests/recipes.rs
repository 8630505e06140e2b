//! Every recipe of the README, built as a user would build it: a fresh
//! crate whose `Cargo.toml` is a `[package]` header followed by the
//! recipe's `[dependencies]` block, and whose `src/main.rs` is the recipe's
//! code, both copied from the README as they stand. The crates sit beside
//! a directory `attesto` that is this repository, as the README's install
//! section has it, so that its path dependency resolves. Each runs with
//! `DATABASE_URL` pointing at a fresh database on the test servers (or at
//! a SQLite file), and must exit successfully.
//!
//! A recipe is marked in the README by an HTML comment, invisible on
//! GitHub: `<!-- recipe: NAME, database: postgres|mysql|sqlite -->`, then
//! one ```toml block and one ```rs block (Rust to GitHub; rustdoc, which
//! runs the README's other examples as doctests, leaves it alone).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root.
fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// One recipe of the README.
#[derive(Debug)]
struct Recipe {
    name: String,
    database: String,
    /// How many times it runs against the same database (a service
    /// started twice).
    runs: usize,
    dependencies: String,
    main: String,
}

/// The text of the first ````lang` block after `from`, and where it ends.
fn block(text: &str, from: usize, lang: &str) -> Option<(String, usize)> {
    let fence = format!("```{lang}\n");
    let start = from + text[from..].find(&fence)? + fence.len();
    let end = start + text[start..].find("\n```\n")? + 1;
    Some((text[start..end].to_owned(), end))
}

fn recipes(readme: &str) -> Vec<Recipe> {
    const MARKER: &str = "<!-- recipe: ";
    let mut recipes = Vec::new();
    let mut at = 0;
    while let Some(found) = readme[at..].find(MARKER) {
        let start = at + found + MARKER.len();
        let end = start + readme[start..].find(" -->").expect("marker ends");
        let (name, database) = readme[start..end]
            .split_once(", database: ")
            .unwrap_or_else(|| {
                panic!(
                    "marker {:?}: expected `NAME, database: DB`",
                    &readme[start..end]
                )
            });
        let (database, runs) = match database.split_once(", runs: ") {
            Some((database, runs)) => (
                database,
                runs.parse()
                    .unwrap_or_else(|_| panic!("recipe {name}: runs: {runs:?} is not a number")),
            ),
            None => (database, 1),
        };
        let (dependencies, after) =
            block(readme, end, "toml").unwrap_or_else(|| panic!("recipe {name}: no ```toml block"));
        // `rs`, which GitHub highlights as Rust and rustdoc does not take
        // for a doctest: the README's doctests skip the recipes, which
        // need dependencies of their own.
        let (main, after) =
            block(readme, after, "rs").unwrap_or_else(|| panic!("recipe {name}: no ```rs block"));
        if let Some(next) = readme[end..].find(MARKER) {
            assert!(
                end + next > after,
                "recipe {name}: its blocks run into the next recipe"
            );
        }
        recipes.push(Recipe {
            name: name.to_owned(),
            database: database.to_owned(),
            runs,
            dependencies,
            main,
        });
        at = after;
    }
    recipes
}

/// Builds and runs `recipe` in `work`; panics with cargo's output when it
/// fails.
fn run(recipe: &Recipe, work: &Path, target: &Path) {
    let dir = work.join(&recipe.name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("crate dir");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n{}",
            recipe.name, recipe.dependencies
        ),
    )
    .expect("Cargo.toml");
    std::fs::write(dir.join("src/main.rs"), &recipe.main).expect("main.rs");
    let url = match recipe.database.as_str() {
        "postgres" => attesto_test_support::fresh_postgres(&recipe.name.replace('-', "_")),
        "mysql" => attesto_test_support::fresh_mysql(&recipe.name.replace('-', "_")),
        "sqlite" => format!("sqlite://{}?mode=rwc", dir.join("recipe.db").display()),
        other => panic!("recipe {}: unknown database {other:?}", recipe.name),
    };
    let started = std::time::Instant::now();
    for run in 1..=recipe.runs {
        let output = Command::new(env!("CARGO"))
            .args(["run", "--quiet"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", target)
            .env("DATABASE_URL", &url)
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "recipe {} (run {run} of {}): cargo run failed\n--- stdout\n{}\n--- stderr\n{}",
            recipe.name,
            recipe.runs,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    eprintln!(
        "recipe {}: built and ran in {:.0?}",
        recipe.name,
        started.elapsed()
    );
}

#[test]
fn every_recipe_builds_and_runs_as_written() {
    let root = repository();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let recipes = recipes(&readme);
    assert!(
        recipes.len() >= 7,
        "the README has a recipe per integration: {recipes:#?}"
    );
    let work = std::env::temp_dir().join(format!("attesto-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("work dir");
    // The install section's layout: this repository, cloned as `attesto`,
    // beside the user's crate.
    std::os::unix::fs::symlink(&root, work.join("attesto")).expect("symlink");
    let target = root.join("target/readme-recipes");
    for recipe in &recipes {
        run(recipe, &work, &target);
    }
    std::fs::remove_dir_all(&work).expect("clean up");
}
