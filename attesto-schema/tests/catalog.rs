//! The catalog and its comparison without a database: the expected catalog
//! of every release matches itself and no other, a half-applied upgrade is
//! its nearer end plus what is missing, each dialect's spellings normalise,
//! and a line the statement never writes is refused.

use attesto_schema::{
    Catalog, Dialect, DifferenceKind, Release, Schema, Target, Verdict, VerifyError,
};

/// The lines of `catalog` as the dialect's statement would give them.
fn lines(catalog: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    for table in catalog.tables() {
        out.push(format!("table\t{}", table.name));
        for c in &table.columns {
            let (has, default) = c.default.as_ref().map_or(("0", ""), |d| ("1", d.as_str()));
            out.push(format!(
                "column\t{}\t{}\t{}\t{}\t\t{has}\t{default}",
                table.name,
                c.name,
                c.sql_type,
                u8::from(c.not_null)
            ));
        }
        if !table.primary_key.is_empty() {
            out.push(format!(
                "primary\t{}\tpk\t1\t{}\t0\t",
                table.name,
                table.primary_key.join(",")
            ));
        }
        for i in &table.indexes {
            let (partial, predicate) = i
                .predicate
                .as_ref()
                .map_or(("0", ""), |p| ("1", p.as_str()));
            out.push(format!(
                "index\t{}\t{}\t{}\t{}\t{partial}\t{predicate}",
                table.name,
                i.name,
                u8::from(i.unique),
                i.columns.join(",")
            ));
        }
    }
    out
}

#[test]
fn every_release_is_identified_as_itself_on_every_dialect() {
    for dialect in Dialect::ALL {
        for release in Release::all() {
            let schema = Schema::at_release(dialect, "p_", release).expect("schema");
            let read =
                Catalog::from_lines(dialect, &lines(&Catalog::expected(&schema))).expect("lines");
            let identified = read.identify(dialect, "p_").expect("prefix");
            assert_eq!(
                (identified.release, identified.verdict),
                (release, Verdict::Match),
                "{dialect} {release}"
            );
            for other in Release::all().filter(|r| *r != release) {
                let other = Schema::at_release(dialect, "p_", other).expect("schema");
                assert!(
                    matches!(read.compare(&other), Verdict::Mismatch(_)),
                    "{dialect} {release} is not {}",
                    other.release()
                );
            }
        }
    }
}

#[test]
fn a_half_applied_upgrade_is_its_nearer_end_and_what_is_missing() {
    let old = Release::all().next().expect("a release");
    let new = Release::latest();
    for dialect in Dialect::ALL {
        let old_schema = Schema::at_release(dialect, "", old).expect("schema");
        let new_schema = Schema::at_release(dialect, "", new).expect("schema");
        // The upgrade's first CREATE TABLE ran, and nothing after it.
        let added = new_schema
            .tables()
            .into_iter()
            .find(|t| old_schema.table(t.name()).is_none())
            .expect("the latest release adds a table");
        let mut lines = lines(&Catalog::expected(&old_schema));
        let name = new_schema.table_name(added);
        lines.extend(
            self::lines(&Catalog::expected(&new_schema))
                .into_iter()
                .filter(|l| l.split('\t').nth(1) == Some(name.as_str())),
        );
        let catalog = Catalog::from_lines(dialect, &lines).expect("lines");
        let identified = catalog.identify(dialect, "").expect("prefix");
        assert_eq!(identified.release, old, "{dialect}: {identified:?}");
        let Verdict::Mismatch(differences) = &identified.verdict else {
            panic!("{dialect}: {identified:?}")
        };
        assert_eq!(differences.len(), 1, "{dialect}: {differences:?}");
        assert_eq!(differences[0].kind, DifferenceKind::ExtraTable);
        assert_eq!(differences[0].table, name);
    }
}

#[test]
fn mariadb_json_and_mysql_8_defaults_normalise_to_the_model() {
    // MariaDB: longtext with a json_valid check, int(11), quoted defaults.
    let mariadb = [
        "table\tdpop_replays",
        "column\tdpop_replays\tjti\tvarchar(255)\t1\t\t0\t",
        "column\tdpop_replays\texpires_at\tdatetime(6)\t1\t\t0\t",
        "column\tdpop_replays\tinserted_at\tdatetime(6)\t1\t\t0\t",
        "column\tdpop_replays\tnote\tlongtext\t0\t\t1\tNULL",
        "check\tdpop_replays\tjson_valid(`note`)",
        "primary\tdpop_replays\tPRIMARY\t1\tjti\t0\t",
    ];
    let catalog = Catalog::from_lines(Dialect::Mariadb, &mariadb).expect("lines");
    let table = catalog.table("dpop_replays").expect("table");
    let note = table.column("note").expect("column");
    assert_eq!(
        (note.sql_type.as_str(), note.default.as_deref()),
        ("json", None)
    );
    // MySQL 8: a string default unquoted, an expression one with its
    // charset introducer.
    let mysql8 = [
        "table\tt",
        "column\tt\tstatus\tvarchar(16)\t1\t\t1\tpending",
        "column\tt\tscope\tjson\t1\tDEFAULT_GENERATED\t1\t_utf8mb4\\'[]\\'",
        "column\tt\tgeneration\tint\t1\t\t1\t0",
    ];
    let catalog = Catalog::from_lines(Dialect::Mysql, &mysql8).expect("lines");
    let t = catalog.table("t").expect("table");
    assert_eq!(
        t.column("status").and_then(|c| c.default.as_deref()),
        Some("'pending'")
    );
    assert_eq!(
        t.column("scope").and_then(|c| c.default.as_deref()),
        Some("'[]'")
    );
}

#[test]
fn a_line_the_statement_never_writes_is_refused() {
    for (line, says) in [
        ("frobnicate\tx", "starts with no kind"),
        ("column\tt", "fewer fields"),
        ("index\tt\ti\tmaybe\tc\t0\t", "neither 1 nor 0"),
    ] {
        let lines = ["table\tt", line];
        let error = Catalog::from_lines(Dialect::Postgres, &lines).expect_err(line);
        assert!(error.to_string().contains(says), "{line}: {error}");
        let target = Target::new(Dialect::Postgres, "", "2.13.0");
        let verified = target.verify::<std::convert::Infallible>(&lines);
        assert!(matches!(verified, Err(VerifyError::Catalog(_))), "{line}");
    }
}

#[test]
fn an_empty_database_and_another_prefix_are_absent() {
    let schema = Schema::new(Dialect::Sqlite, "oauth_").expect("schema");
    assert_eq!(
        Catalog::default().compare(&schema),
        Verdict::Absent {
            other_prefixes: vec![]
        }
    );
    let other = Schema::new(Dialect::Sqlite, "").expect("schema");
    let catalog =
        Catalog::from_lines(Dialect::Sqlite, &lines(&Catalog::expected(&other))).expect("lines");
    assert_eq!(
        catalog.compare(&schema),
        Verdict::Absent {
            other_prefixes: vec![String::new()]
        }
    );
    // The kinds have the names JSON reports.
    assert_eq!(
        DifferenceKind::MissingPrimaryKey.name(),
        "missing_primary_key"
    );
}
