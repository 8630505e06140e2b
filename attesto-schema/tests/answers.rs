//! What each statement of an operation answers ([`Answer`]) is how the
//! macro chooses the form of the operation's method, without knowing the
//! dialect: these tests hold the statements to what their answers say, on
//! every dialect and release, so a dialect whose forms differ (another
//! `RETURNING`, another conflict clause) cannot pair a statement with the
//! wrong reading of its result.

use attesto_schema::{Answer, Dialect, OpKind, Release, Role, Schema, Statement};

/// Every statement of every operation of every release and dialect.
fn every_operation(mut check: impl FnMut(Dialect, OpKind, &[Statement])) {
    for dialect in Dialect::ALL {
        for release in Release::all() {
            let schema = Schema::at_release(dialect, "", release).expect("schema");
            for table in schema.tables() {
                for (op, statements) in schema.operations_sql(table) {
                    check(dialect, op.kind(), &statements);
                }
            }
        }
    }
}

fn role(statements: &[Statement], role: Role) -> Option<&Statement> {
    statements.iter().find(|s| s.role == role)
}

#[test]
fn a_statement_that_returns_rows_says_so() {
    every_operation(|dialect, _, statements| {
        for statement in statements {
            let returns =
                statement.sql.starts_with("SELECT ") || statement.sql.contains(" RETURNING ");
            assert_eq!(
                statement.answer == Answer::Rows,
                returns,
                "{dialect}: {}",
                statement.sql
            );
        }
    });
}

/// A claim or a take that cannot return its rows reads them first,
/// without a lock (they are decoded before anything is written), and one
/// autocommit write decides by its count: no transaction, so no statement
/// follows the write (on Galera an abort during a statement after the write
/// can go unreported: the README's Galera section), and the read that tells
/// a miss apart after a lost write sees the latest committed row.
fn reads_first_and_one_write_decides(dialect: Dialect, statements: &[Statement]) {
    let main = role(statements, Role::Main).expect("a main statement");
    let read = role(statements, Role::Read);
    assert_eq!(
        main.answer == Answer::Rows,
        read.is_none(),
        "{dialect}: {}",
        main.sql
    );
    assert!(
        role(statements, Role::Lock).is_none(),
        "{dialect}: {}",
        main.sql
    );
    if let Some(read) = read {
        assert!(read.sql.starts_with("SELECT "), "{}", read.sql);
        assert!(!read.sql.contains(" FOR UPDATE"), "{}", read.sql);
        assert_eq!(read.answer, Answer::Rows);
        assert_eq!(main.answer, Answer::Count, "{}", main.sql);
        let roles: Vec<Role> = statements.iter().map(|s| s.role).collect();
        assert_eq!(
            &roles[..2],
            [Role::Read, Role::Main],
            "{dialect}: {}",
            main.sql
        );
        if let Some(miss) = role(statements, Role::Miss) {
            assert!(miss.sql.ends_with(" LOCK IN SHARE MODE"), "{}", miss.sql);
        }
    }
}

#[test]
fn a_claim_returns_its_row_or_reads_it_first_and_one_write_decides() {
    every_operation(|dialect, kind, statements| {
        if !matches!(kind, OpKind::ClaimRow { .. }) {
            return;
        }
        let main = role(statements, Role::Main).expect("a main statement");
        assert!(main.sql.contains("UPDATE "), "{}", main.sql);
        reads_first_and_one_write_decides(dialect, statements);
    });
}

#[test]
fn a_take_returns_its_rows_or_reads_them_first_and_one_write_decides() {
    every_operation(|dialect, kind, statements| {
        if !matches!(kind, OpKind::TakeRow { .. } | OpKind::TakeRows { .. }) {
            return;
        }
        let main = role(statements, Role::Main).expect("a main statement");
        assert!(main.sql.starts_with("DELETE "), "{}", main.sql);
        reads_first_and_one_write_decides(dialect, statements);
    });
}

#[test]
fn an_insert_decides_a_conflict_by_its_count_only_when_it_ignores_it() {
    every_operation(|dialect, kind, statements| {
        let main = role(statements, Role::Main).expect("a main statement");
        match kind {
            OpKind::InsertIfAbsent => assert_eq!(
                main.answer == Answer::Count,
                main.sql.contains(" ON CONFLICT ("),
                "{dialect}: {}",
                main.sql
            ),
            // The conflict on that one key only: another key's conflict
            // stays an error. Ignored where the dialect names the key (no
            // error, so a caller's PostgreSQL transaction goes on); else
            // told by the violation.
            OpKind::InsertUnlessTaken { column } => {
                let target = format!(" ON CONFLICT ({}) DO NOTHING", dialect.quote(column));
                assert_eq!(
                    main.answer == Answer::Count,
                    main.sql.ends_with(&target),
                    "{dialect}: {}",
                    main.sql
                );
                if main.answer != Answer::Count {
                    assert_eq!(main.answer, Answer::CountOrConflict);
                    assert!(!main.sql.contains(" ON CONFLICT"), "{}", main.sql);
                }
            }
            _ => assert_ne!(main.answer, Answer::CountOrConflict, "{}", main.sql),
        }
    });
}
