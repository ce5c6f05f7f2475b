//! The baselines: notes in one SQLite table, with the same pragmas and durability as Harbour
//! (WAL, `synchronous=FULL`, `secure_delete`, `temp_store=MEMORY`, one IMMEDIATE transaction
//! per write). With a key it is SQLCipher 4 (raw 256-bit key, so no PBKDF2; default cipher
//! settings); without, plain SQLite. Shared by path with the SQLCipher runner.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior, params};

use crate::workload::NoteStore;

pub struct SqlStore {
    conn: Connection,
    next: u64,
}

impl SqlStore {
    /// `key_hex`: 64 hex digits for SQLCipher; `None` for plain SQLite.
    pub fn open(path: &Path, key_hex: Option<&str>) -> SqlStore {
        let conn = Connection::open(path).expect("open");
        if let Some(k) = key_hex {
            conn.execute_batch(&format!("PRAGMA key = \"x'{k}'\";"))
                .expect("key");
        }
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .expect("wal");
        assert_eq!(mode, "wal");
        conn.execute_batch(
            "PRAGMA synchronous=FULL;
             PRAGMA secure_delete=ON;
             PRAGMA temp_store=MEMORY;
             CREATE TABLE IF NOT EXISTS note (
                 id TEXT PRIMARY KEY NOT NULL,
                 body TEXT NOT NULL,
                 created INTEGER NOT NULL,
                 updated INTEGER NOT NULL
             );",
        )
        .expect("schema");
        let next = conn
            .query_row("SELECT count(*) FROM note", [], |r| r.get::<_, i64>(0))
            .expect("count") as u64;
        SqlStore { conn, next }
    }

    fn write(&mut self, sql: &str, p: impl rusqlite::Params) {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .expect("begin");
        tx.execute(sql, p).expect("write");
        tx.commit().expect("commit");
    }
}

/// Random-looking 128-bit ids like Harbour's, from a counter (no dependency on a RNG).
fn id_for(n: u64) -> String {
    let a = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let b = a.rotate_left(29).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    format!("{a:016x}{b:016x}")
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl NoteStore for SqlStore {
    fn insert(&mut self, text: &str) -> String {
        let id = id_for(self.next);
        self.next += 1;
        let t = now_ms();
        self.write(
            "INSERT INTO note (id, body, created, updated) VALUES (?1, ?2, ?3, ?3)",
            params![id, text, t],
        );
        id
    }

    fn list(&mut self) -> usize {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, body, created, updated FROM note ORDER BY updated DESC")
            .expect("prepare");
        let rows: Vec<(String, String, i64, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("query")
            .map(|r| r.expect("row"))
            .collect();
        rows.len()
    }

    fn search(&mut self, word: &str) -> usize {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, body FROM note WHERE body LIKE '%' || ?1 || '%'")
            .expect("prepare");
        let rows: Vec<(String, String)> = stmt
            .query_map([word], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .map(|r| r.expect("row"))
            .collect();
        rows.len()
    }

    fn update(&mut self, id: &str, text: &str) {
        self.write(
            "UPDATE note SET body = ?1, updated = ?2 WHERE id = ?3",
            params![text, now_ms(), id],
        );
    }

    fn delete(&mut self, id: &str) {
        self.write("DELETE FROM note WHERE id = ?1", [id]);
    }
}
