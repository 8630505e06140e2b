//! The vocabulary of store operations: what an operation of attesto_phoenix's
//! Ecto stores filters, sets and returns, and how it tells a miss apart.
//! The operations themselves are data (`crate::data`); `crate::ops` renders
//! them as SQL for each dialect.

/// One operation of a store, on one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    pub(crate) name: &'static str,
    pub(crate) upstream: &'static str,
    pub(crate) doc: &'static str,
    pub(crate) params: &'static [Param],
    pub(crate) kind: OpKind,
    pub(crate) outcome: Option<Outcome>,
}

impl Operation {
    /// The name, as upstream names the operation (`take`, `consume`, ...).
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The upstream function it mirrors, e.g. `EctoCodeStore.take/1`.
    pub const fn upstream(&self) -> &'static str {
        self.upstream
    }

    /// What it does, for documentation.
    pub const fn description(&self) -> &'static str {
        self.doc
    }

    /// Its parameters, in order, besides the connection (and the row, for
    /// the kinds that write one).
    pub const fn params(&self) -> &'static [Param] {
        self.params
    }

    /// What it does to the table.
    pub const fn kind(&self) -> OpKind {
        self.kind
    }

    /// The outcome type it returns, when its result is more than a row, a
    /// count or a flag.
    pub const fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }
}

/// A parameter of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// Its name, in the generated method too.
    pub name: &'static str,
    /// Its type.
    pub ty: ParamType,
}

/// The type of an operation's parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// The type of this column of the table (not `Option`).
    Column(&'static str),
    /// The type of this nullable column of the table, in an `Option`.
    Nullable(&'static str),
    /// A number of seconds (`i64`).
    Seconds,
    /// The most rows one statement of a batched operation deletes (`u32`;
    /// `0` counts as `1`).
    Batch,
}

/// What an operation does to its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// `INSERT` of the whole row; a conflict is an error.
    Insert,
    /// `INSERT` of the whole row unless its key is taken: the outcome says
    /// which.
    InsertIfAbsent,
    /// `INSERT` of the whole row; a conflict on the unique index of
    /// `column` is an outcome, any other an error.
    InsertUnlessTaken {
        /// The column of that unique index.
        column: &'static str,
    },
    /// `INSERT` of the whole row, refused when its family is revoked, under
    /// the family's lock (shared with [`OpKind::UpdateUnderFamilyLock`]).
    InsertUnlessFamilyRevoked,
    /// `INSERT` of the whole row, or, when it conflicts on `conflict`, an
    /// `UPDATE` of the `replace` columns to the row's values.
    Upsert {
        /// The columns of the unique key conflicts are on.
        conflict: &'static [&'static str],
        /// The columns a conflict replaces.
        replace: &'static [&'static str],
    },
    /// A conditional `UPDATE` of the one row matching `filter`, returning
    /// it as updated: one of any number of concurrent callers wins it.
    ClaimRow {
        /// What it sets.
        set: &'static [Set],
        /// Which row, and when it can be claimed.
        filter: &'static [Cond],
    },
    /// A conditional `UPDATE` of the one row matching `filter`, telling
    /// only whether it won.
    ClaimCount {
        /// What it sets.
        set: &'static [Set],
        /// Which row, and when it can be claimed.
        filter: &'static [Cond],
    },
    /// A `DELETE` of the one row matching `filter`, returning it.
    TakeRow {
        /// Which row.
        filter: &'static [Cond],
    },
    /// A `DELETE` of every row matching `filter`, returning them.
    TakeRows {
        /// Which rows.
        filter: &'static [Cond],
    },
    /// An `UPDATE` of every row matching `filter`; the count.
    Update {
        /// What it sets.
        set: &'static [Set],
        /// Which rows.
        filter: &'static [Cond],
    },
    /// An `UPDATE` of every row matching `filter`, under the family lock
    /// of [`OpKind::InsertUnlessFamilyRevoked`]; the count.
    UpdateUnderFamilyLock {
        /// What it sets.
        set: &'static [Set],
        /// Which rows.
        filter: &'static [Cond],
    },
    /// A `DELETE` of every row matching `filter`; the count.
    Delete {
        /// Which rows.
        filter: &'static [Cond],
    },
    /// A `DELETE` of every row matching `filter` (what expired), in
    /// batches of at most the parameter `batch` rows, each its own
    /// statement and transaction, until a batch deletes fewer; the count.
    /// Bounded, so that no statement holds more locks, or writes more log,
    /// than one batch; each batch goes through the `expires_at` index
    /// where the table has one.
    Sweep {
        /// Which rows.
        filter: &'static [Cond],
    },
    /// A `SELECT` of the one row matching `filter`, if any.
    Select {
        /// Which row.
        filter: &'static [Cond],
    },
    /// A `SELECT` of every row matching `filter`.
    SelectAll {
        /// Which rows.
        filter: &'static [Cond],
    },
    /// Whether a row matches `filter`.
    Exists {
        /// Which rows.
        filter: &'static [Cond],
    },
}

/// A column an `UPDATE` sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Set {
    /// To a parameter.
    Param(&'static str, &'static str),
    /// To a boolean.
    Bool(&'static str, bool),
    /// To a string literal (characters that need no escaping).
    Text(&'static str, &'static str),
}

/// A condition on a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    /// `column = param`.
    Eq(&'static str, &'static str),
    /// `column <> param`.
    Ne(&'static str, &'static str),
    /// `column IS NULL`.
    IsNull(&'static str),
    /// `column IS NOT NULL`.
    NotNull(&'static str),
    /// `column = TRUE`, or `FALSE`.
    Bool(&'static str, bool),
    /// `column = 'text'`.
    Text(&'static str, &'static str),
    /// `column > time`.
    After(&'static str, Time),
    /// `column >= time`.
    NotBefore(&'static str, Time),
    /// `column < time`.
    Before(&'static str, Time),
    /// `column <= time`.
    NotAfter(&'static str, Time),
    /// `column IS NULL OR column <= time`.
    NullOrNotAfter(&'static str, Time),
    /// Any of the conditions: `(a OR b OR ...)`.
    Any(&'static [Cond]),
}

/// A point in time a condition compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Time {
    /// A timestamp parameter.
    Param(&'static str),
    /// A timestamp parameter less a number of seconds.
    Minus(&'static str, Seconds),
}

/// A number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seconds {
    /// A parameter.
    Param(&'static str),
    /// A column of the row.
    Column(&'static str),
}

/// The typed outcome of an operation: the variant of a win, and how a miss
/// is told apart, read from the row after the operation missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The type's name, e.g. `CodeTake`.
    pub name: &'static str,
    /// What the type says.
    pub doc: &'static str,
    /// The variant of the caller that won.
    pub won: Variant,
    /// The variant of a win whose row had expired: its `expires_at` is not
    /// after the operation's parameter `now`. The operation did what
    /// upstream's store does all the same (a code presented once is
    /// spent); the outcome tells the caller, who must refuse it.
    pub expired: Option<Variant>,
    /// The variant when no row has the key.
    pub absent: Variant,
    /// The variants of a miss, the first whose conditions all hold first.
    pub cases: &'static [(&'static [Cond], Variant)],
    /// The variant when a row has the key and no case matches.
    pub otherwise: Variant,
}

/// A variant of an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    /// Its name.
    pub name: &'static str,
    /// What it means, upstream's atom in it.
    pub doc: &'static str,
    /// Whether it carries the row.
    pub row: bool,
    /// What a security monitor is told when an operation ends so, if
    /// anything: a presentation an attacker may have made.
    pub alert: Option<Alert>,
}

impl Variant {
    /// The variant, alerting a monitor with `alert`.
    pub const fn alerting(self, alert: Alert) -> Variant {
        Variant {
            alert: Some(alert),
            ..self
        }
    }
}

/// An outcome a security monitor wants to hear of: a replayed credential.
/// (Every expired presentation is reported too, from the outcome's
/// `expired` variant.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alert {
    /// A short name for the event, e.g. `code_reuse`.
    pub event: &'static str,
    /// What happened, in a sentence.
    pub message: &'static str,
}
