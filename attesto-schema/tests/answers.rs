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

#[test]
fn a_claim_returns_its_row_or_reads_it_back() {
    every_operation(|dialect, kind, statements| {
        if !matches!(kind, OpKind::ClaimRow { .. }) {
            return;
        }
        let main = role(statements, Role::Main).expect("a main statement");
        let read = role(statements, Role::Read);
        assert_eq!(
            main.answer == Answer::Rows,
            read.is_none(),
            "{dialect}: {}",
            main.sql
        );
    });
}

#[test]
fn a_take_returns_its_rows_or_locks_them_first() {
    every_operation(|dialect, kind, statements| {
        if !matches!(kind, OpKind::TakeRow { .. } | OpKind::TakeRows { .. }) {
            return;
        }
        let main = role(statements, Role::Main).expect("a main statement");
        let lock = role(statements, Role::Lock);
        assert!(main.sql.starts_with("DELETE "), "{}", main.sql);
        assert_eq!(
            main.answer == Answer::Rows,
            lock.is_none(),
            "{dialect}: {}",
            main.sql
        );
        if let Some(lock) = lock {
            assert!(lock.sql.ends_with(" FOR UPDATE"), "{}", lock.sql);
            assert_eq!(lock.answer, Answer::Rows);
        }
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
            // A key other than the conflict target: always the violation.
            OpKind::InsertUnlessTaken { .. } => {
                assert_eq!(main.answer, Answer::CountOrConflict);
                assert!(!main.sql.contains(" ON CONFLICT"), "{}", main.sql);
            }
            _ => assert_ne!(main.answer, Answer::CountOrConflict, "{}", main.sql),
        }
    });
}
