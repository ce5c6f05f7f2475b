//! The SQL of the vault's own tables — `vault`, `key_slot`, `retired_key`, `unlock_attempts` —
//! in one place, as plain values. What the values mean (epochs, sealed slots, the delay
//! schedule) is `vault/`'s business; this module only reads and writes rows.

use rusqlite::{Connection, OptionalExtension, params};

use crate::Result;

/// The vault row as stored.
pub(crate) struct VaultRowData {
    pub vault_id: Vec<u8>,
    pub epoch: i64,
    pub secret_kind: String,
    pub canary: Vec<u8>,
}

pub(crate) fn vault_row(conn: &Connection) -> Result<Option<VaultRowData>> {
    Ok(conn
        .query_row(
            "SELECT vault_id, epoch, secret_kind, canary FROM vault WHERE id = 1",
            [],
            |r| {
                Ok(VaultRowData {
                    vault_id: r.get(0)?,
                    epoch: r.get(1)?,
                    secret_kind: r.get(2)?,
                    canary: r.get(3)?,
                })
            },
        )
        .optional()?)
}

pub(crate) fn insert_vault(
    conn: &Connection,
    vault_id: &[u8],
    epoch: u32,
    secret_kind: &str,
    canary: &[u8],
    integrity: &[u8],
) -> Result<()> {
    conn.execute(
        "INSERT INTO vault (id, vault_id, epoch, secret_kind, canary, integrity)
         VALUES (1, ?1, ?2, ?3, ?4, ?5)",
        params![vault_id, epoch, secret_kind, canary, integrity],
    )?;
    Ok(())
}

/// Moves the vault to a new key epoch, with that epoch's canary and sealed accumulator.
pub(crate) fn switch_epoch(
    conn: &Connection,
    epoch: u32,
    canary: &[u8],
    integrity: &[u8],
) -> Result<()> {
    conn.execute(
        "UPDATE vault SET epoch = ?1, canary = ?2, integrity = ?3 WHERE id = 1",
        params![epoch, canary, integrity],
    )?;
    Ok(())
}

pub(crate) fn set_secret_kind(conn: &Connection, secret_kind: &str) -> Result<()> {
    conn.execute(
        "UPDATE vault SET secret_kind = ?1 WHERE id = 1",
        [secret_kind],
    )?;
    Ok(())
}

pub(crate) fn any_key_slot(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM key_slot)", [], |r| r.get(0))?)
}

/// A key slot's sealed blob and the epoch it was written for.
pub(crate) fn key_slot(conn: &Connection, kind: &str) -> Result<Option<(Vec<u8>, i64)>> {
    Ok(conn
        .query_row(
            "SELECT blob, epoch FROM key_slot WHERE kind = ?1",
            [kind],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

pub(crate) fn put_key_slot(conn: &Connection, kind: &str, epoch: u32, blob: &[u8]) -> Result<()> {
    conn.execute(
        "INSERT INTO key_slot (kind, epoch, blob) VALUES (?1, ?2, ?3)
         ON CONFLICT(kind) DO UPDATE SET epoch = ?2, blob = ?3",
        params![kind, epoch, blob],
    )?;
    Ok(())
}

/// Replaces the blob of the slot of `kind` written for `epoch`; how many rows changed.
pub(crate) fn replace_key_slot(
    conn: &Connection,
    kind: &str,
    epoch: u32,
    blob: &[u8],
) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE key_slot SET blob = ?1 WHERE kind = ?2 AND epoch = ?3",
        params![blob, kind, epoch],
    )?)
}

/// Overwrites every key slot, the canary and the accumulator with zeros, then deletes the
/// slots: what erasing leaves in the file is zeros, not sealed keys.
pub(crate) fn wipe_key_material(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "UPDATE key_slot SET blob = zeroblob(length(blob));
         DELETE FROM key_slot;
         UPDATE vault SET canary = zeroblob(length(canary)), integrity = zeroblob(length(integrity));",
    )?;
    Ok(())
}

pub(crate) fn retired_aliases(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT alias FROM retired_key")?;
    Ok(stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn retire(conn: &Connection, alias: &str) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO retired_key (alias) VALUES (?1)",
        [alias],
    )?;
    Ok(())
}

pub(crate) fn forget_retired(conn: &Connection, alias: &str) -> Result<()> {
    conn.execute("DELETE FROM retired_key WHERE alias = ?1", [alias])?;
    Ok(())
}

/// Wrong tries and when the last one was, in milliseconds since the epoch.
pub(crate) fn attempts(conn: &Connection) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .query_row(
            "SELECT failures, last_failure_ms FROM unlock_attempts WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

pub(crate) fn set_attempts(conn: &Connection, failures: u32, last_failure_ms: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO unlock_attempts (id, failures, last_failure_ms) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET failures = ?1, last_failure_ms = ?2",
        (failures, last_failure_ms),
    )?;
    Ok(())
}

/// One counted try fewer (never below zero).
pub(crate) fn take_back_attempt(conn: &Connection) -> Result<()> {
    conn.execute(
        "UPDATE unlock_attempts SET failures = max(failures - 1, 0) WHERE id = 1",
        [],
    )?;
    Ok(())
}

pub(crate) fn clear_attempts(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM unlock_attempts", [])?;
    Ok(())
}
