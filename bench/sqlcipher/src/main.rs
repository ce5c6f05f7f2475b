//! Runs the store workloads on SQLCipher 4 once and prints the times as one line of JSON.
//!
//!   harbour-bench-sqlcipher NOTES
//!
//! The workloads and the SQL are harbour-bench's own files, included by path, so SQLCipher
//! runs exactly what plain SQLite runs there.

#[path = "../../src/workload.rs"]
mod workload;

#[path = "../../src/sql_store.rs"]
mod sql_store;

/// A fixed raw key: the benchmark measures the cipher, not key handling.
const KEY: &str = "2dd29ca851e7b56e4697b0e1f08507293d761a05ce4d1b628663f411a8086d99";

fn main() {
    let notes: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .expect("usage: harbour-bench-sqlcipher NOTES");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.sqlite3");
    let version: String = rusqlite::Connection::open_in_memory()
        .and_then(|c| c.query_row("PRAGMA cipher_version", [], |r| r.get(0)))
        .expect("this build is not SQLCipher");
    let times = workload::run(notes, || sql_store::SqlStore::open(&path, Some(KEY)));
    // Prove the file is encrypted: without the key it is not a database.
    let plain = rusqlite::Connection::open(&path).expect("open");
    assert!(
        plain
            .query_row("SELECT count(*) FROM note", [], |r| r.get::<_, i64>(0))
            .is_err(),
        "the SQLCipher file opened without a key"
    );
    println!(
        "{{\"engine\":\"SQLCipher {version}\",\"notes\":{notes},\"times\":{}}}",
        times.to_json()
    );
}
