//! The ledger: what it remembers about each subject, its schema and statements, and the
//! in-memory ledger with the same meaning.

pub(crate) mod entry;
pub(crate) mod erasure_statements;
pub(crate) mod identifier;
pub(crate) mod memory;
pub(crate) mod memory_requests;
pub(crate) mod request;
pub(crate) mod schema;
pub(crate) mod settle;
pub(crate) mod sql;
pub(crate) mod sql_ledger;
pub(crate) mod statements;
pub(crate) mod subject;
