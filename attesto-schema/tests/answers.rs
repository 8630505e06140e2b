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

/// A claim or a take that cannot return its rows reads them first, under
/// a lock, and its write is the last statement of its transaction: on
/// Galera an abort during a statement after the write can go unreported
/// (the README's Galera section), and the write's count is what decides.
fn locks_first_and_writes_last(dialect: Dialect, statements: &[Statement]) {
    let main = role(statements, Role::Main).expect("a main statement");
    let lock = role(statements, Role::Lock);
    assert_eq!(
        main.answer == Answer::Rows,
        lock.is_none(),
        "{dialect}: {}",
        main.sql
    );
    if let Some(lock) = lock {
        assert!(lock.sql.ends_with(" FOR UPDATE"), "{}", lock.sql);
        assert_eq!(lock.answer, Answer::Rows);
        assert_eq!(main.answer, Answer::Count, "{}", main.sql);
        let in_transaction: Vec<Role> = statements
            .iter()
            .map(|s| s.role)
            .filter(|r| *r != Role::Miss)
            .collect();
        assert_eq!(
            in_transaction,
            [Role::Lock, Role::Main],
            "{dialect}: {}",
            main.sql
        );
    }
}

#[test]
fn a_claim_returns_its_row_or_locks_it_first_and_writes_last() {
    every_operation(|dialect, kind, statements| {
        if !matches!(kind, OpKind::ClaimRow { .. }) {
            return;
        }
        let main = role(statements, Role::Main).expect("a main statement");
        assert!(main.sql.contains("UPDATE "), "{}", main.sql);
        locks_first_and_writes_last(dialect, statements);
    });
}

#[test]
fn a_take_returns_its_rows_or_locks_them_first_and_writes_last() {
    every_operation(|dialect, kind, statements| {
        if !matches!(kind, OpKind::TakeRow { .. } | OpKind::TakeRows { .. }) {
            return;
        }
        let main = role(statements, Role::Main).expect("a main statement");
        assert!(main.sql.starts_with("DELETE "), "{}", main.sql);
        locks_first_and_writes_last(dialect, statements);
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
