//! Encrypted rows. Every table of user data has the same shape — `id, revision, compartment,
//! body` — and goes through here, so the envelope, its binding and the integrity accumulator
//! are applied in exactly one place.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use zeroize::Zeroizing;

use super::integrity;
use crate::crypto::envelope::{self, Binding, Header};
use crate::crypto::keys::{Key32, QuickKeys, VaultKeys, random_array};
use crate::{Error, Result};

/// Tables that hold encrypted records. The names are fixed strings, never user input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    Note,
    PlanSection,
    PlanVersion,
    Setting,
    CheckIn,
}

impl Table {
    pub(crate) const ALL: &'static [Table] = &[
        Table::Note,
        Table::PlanSection,
        Table::PlanVersion,
        Table::Setting,
        Table::CheckIn,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Table::Note => "note",
            Table::PlanSection => "plan_section",
            Table::PlanVersion => "plan_version",
            Table::Setting => "setting",
            Table::CheckIn => "checkin",
        }
    }
}

/// The single encrypted column of every record table.
const FIELD: &str = "body";

/// Which key protects a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compartment {
    /// Needs the user's secret.
    Private,
    /// Readable without the secret, through the device-only key, for use in a crisis.
    QuickAccess,
}

impl Compartment {
    /// The compartment a record marked (or not) for quick access belongs in.
    pub(crate) fn quick_if(quick: bool) -> Self {
        if quick {
            Compartment::QuickAccess
        } else {
            Compartment::Private
        }
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            Compartment::Private => 0,
            Compartment::QuickAccess => 1,
        }
    }

    pub(crate) fn from_code(code: i64) -> Result<Self> {
        match code {
            0 => Ok(Compartment::Private),
            1 => Ok(Compartment::QuickAccess),
            _ => Err(Error::Tampered),
        }
    }
}

/// A decrypted record.
pub(crate) struct Record {
    pub id: String,
    pub compartment: Compartment,
    pub schema: u16,
    pub plaintext: Zeroizing<Vec<u8>>,
}

impl Record {
    /// One policy for every kind of record: a schema newer than this build knows is
    /// `NewerFormat` (the app needs updating; nothing is wrong with the data), and any other
    /// schema it does not know is damage.
    pub(crate) fn check_schema(&self, supported: u16) -> Result<()> {
        match self.schema {
            s if s == supported => Ok(()),
            s if s > supported => Err(Error::NewerFormat {
                found: u32::from(s),
                supported: u32::from(supported),
            }),
            _ => Err(Error::Tampered),
        }
    }
}

/// Every quick-access record of `table`, decoded: what can be shown with no secret.
pub(crate) fn quick_access<T>(
    conn: &Connection,
    quick: &QuickKeys,
    table: Table,
    decode: impl Fn(&Record) -> Result<T>,
) -> Result<Vec<T>> {
    list(
        conn,
        Reader::Quick(quick),
        table,
        Some(Compartment::QuickAccess),
    )?
    .iter()
    .map(decode)
    .collect()
}

/// The greatest record id in `table` (ids sort as text), if it has any rows.
pub(crate) fn max_id(conn: &Connection, table: Table) -> Result<Option<String>> {
    Ok(
        conn.query_row(&format!("SELECT MAX(id) FROM {}", table.name()), [], |r| {
            r.get(0)
        })?,
    )
}

/// Which keys a reader holds: all of them (unlocked) or only the quick-access ones.
#[derive(Clone, Copy)]
pub(crate) enum Reader<'a> {
    Unlocked(&'a VaultKeys),
    Quick(&'a QuickKeys),
}

impl Reader<'_> {
    pub(crate) fn epoch(&self) -> u32 {
        match self {
            Reader::Unlocked(k) => k.epoch,
            Reader::Quick(q) => q.epoch,
        }
    }

    fn key(&self, c: Compartment) -> Result<&Key32> {
        match (self, c) {
            (Reader::Unlocked(k), Compartment::Private) => Ok(k.records()),
            (Reader::Unlocked(k), Compartment::QuickAccess) => Ok(k.quick().records()),
            (Reader::Quick(q), Compartment::QuickAccess) => Ok(q.records()),
            (Reader::Quick(_), Compartment::Private) => Err(Error::Locked),
        }
    }
}

pub(crate) fn key_for(keys: &VaultKeys, c: Compartment) -> &Key32 {
    match c {
        Compartment::Private => keys.records(),
        Compartment::QuickAccess => keys.quick().records(),
    }
}

/// Whether any table of records holds anything.
pub(crate) fn any_records(conn: &Connection) -> Result<bool> {
    for table in Table::ALL {
        let any: bool = conn.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM {})", table.name()),
            [],
            |r| r.get(0),
        )?;
        if any {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A fresh random record id: 128 bits, hex. Random rather than sequential so ids say nothing
/// about order or count.
pub(crate) fn new_id() -> Result<String> {
    let bytes: [u8; 16] = random_array()?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn binding<'a>(table: Table, id: &'a str, revision: u64, c: Compartment) -> Binding<'a> {
    Binding {
        table: table.name(),
        field: FIELD,
        id,
        revision,
        compartment: c.code(),
    }
}

fn current(conn: &Connection, table: Table, id: &str) -> Result<Option<(u64, Compartment)>> {
    let row: Option<(i64, i64)> = conn
        .prepare_cached(&format!(
            "SELECT revision, compartment FROM {} WHERE id = ?1",
            table.name()
        ))?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(rev, c)| {
        Ok((
            u64::try_from(rev).map_err(|_| Error::Tampered)?,
            Compartment::from_code(c)?,
        ))
    })
    .transpose()
}

/// Inserts or replaces a record, bumping its revision. Returns the new revision.
pub(crate) fn put(
    tx: &Transaction<'_>,
    keys: &VaultKeys,
    table: Table,
    id: &str,
    compartment: Compartment,
    schema: u16,
    plaintext: &[u8],
) -> Result<u64> {
    let old = current(tx, table, id)?;
    let revision = old.map_or(1, |(r, _)| r + 1);
    let envelope = envelope::seal(
        key_for(keys, compartment),
        Header {
            epoch: keys.epoch,
            schema,
        },
        &binding(table, id, revision, compartment),
        plaintext,
    )?;
    tx.prepare_cached(&format!(
        "INSERT INTO {} (id, revision, compartment, body) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET revision = ?2, compartment = ?3, body = ?4",
        table.name()
    ))?
    .execute(params![id, revision as i64, compartment.code(), envelope])?;
    integrity::replace(tx, keys, table, id, old, Some((revision, compartment)))?;
    Ok(revision)
}

/// Deletes a record. Returns whether it existed.
pub(crate) fn delete(
    tx: &Transaction<'_>,
    keys: &VaultKeys,
    table: Table,
    id: &str,
) -> Result<bool> {
    let Some(old) = current(tx, table, id)? else {
        return Ok(false);
    };
    tx.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", table.name()))?
        .execute([id])?;
    integrity::replace(tx, keys, table, id, Some(old), None)?;
    Ok(true)
}

fn decrypt_row(
    reader: Reader<'_>,
    table: Table,
    id: String,
    revision: i64,
    compartment: i64,
    body: Vec<u8>,
) -> Result<Record> {
    let revision = u64::try_from(revision).map_err(|_| Error::Tampered)?;
    let compartment = Compartment::from_code(compartment)?;
    let key = reader.key(compartment)?;
    let (header, plaintext) =
        envelope::open(key, &body, &binding(table, &id, revision, compartment))?;
    if header.epoch != reader.epoch() {
        return Err(Error::Tampered);
    }
    Ok(Record {
        id,
        compartment,
        schema: header.schema,
        plaintext,
    })
}

type RawRow = (String, i64, i64, Vec<u8>);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

pub(crate) fn get(
    conn: &Connection,
    reader: Reader<'_>,
    table: Table,
    id: &str,
) -> Result<Option<Record>> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT id, revision, compartment, body FROM {} WHERE id = ?1",
            table.name()
        ))?
        .query_row([id], raw)
        .optional()?;
    row.map(|(id, rev, c, body)| decrypt_row(reader, table, id, rev, c, body))
        .transpose()
}

/// Every record of a table, or only those of one compartment.
pub(crate) fn list(
    conn: &Connection,
    reader: Reader<'_>,
    table: Table,
    only: Option<Compartment>,
) -> Result<Vec<Record>> {
    let mut out = Vec::new();
    for_each(conn, reader, table, only, |rec| {
        out.push(rec);
        Ok(())
    })?;
    Ok(out)
}

/// Decrypts the records of `table` one at a time, so a caller that keeps few of them (search)
/// never holds every plaintext at once. Stops at the first error.
pub(crate) fn for_each(
    conn: &Connection,
    reader: Reader<'_>,
    table: Table,
    only: Option<Compartment>,
    mut f: impl FnMut(Record) -> Result<()>,
) -> Result<()> {
    let sql = format!(
        "SELECT id, revision, compartment, body FROM {} WHERE ?1 IS NULL OR compartment = ?1",
        table.name()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([only.map(Compartment::code)], raw)?;
    for row in rows {
        let (id, rev, c, body) = row?;
        f(decrypt_row(reader, table, id, rev, c, body)?)?;
    }
    Ok(())
}

/// Rows are read and decrypted in batches of this many, so memory stays bounded.
const BATCH: usize = 1024;
/// A batch smaller than this is decrypted on the calling thread: starting threads would cost
/// more than they save.
const PARALLEL_FROM: usize = 128;
/// Threads per batch, at most: enough for a phone's big cores.
const MAX_THREADS: usize = 4;

/// What a scan kept, and how many records it could not read.
#[derive(Debug)]
pub(crate) struct Scan<T> {
    pub items: Vec<T>,
    /// Records that are there but could not be read: a damaged page, a changed or damaged
    /// record, a record from a newer version. A number only: nothing of them is known.
    pub unreadable: usize,
}

/// Decrypts every record of `table` (or of one compartment) and keeps what `f` returns, in
/// table order. Each batch of rows is split across threads: listing and searching are almost
/// all decryption, and phones have several cores. The connection is only used on the calling
/// thread; the workers see ciphertext, keys and `f`.
///
/// **Salvage:** one bad record, or one damaged page of the file, must not hide every other
/// note from the person who wrote them. A record that fails to open or decode is counted in
/// [`Scan::unreadable`] and the scan goes on; if SQLite itself reports damage part-way, the
/// scan starts again record by record ([`salvage`]). Nothing is repaired or deleted.
pub(crate) fn filter_map<T: Send>(
    conn: &Connection,
    reader: Reader<'_>,
    table: Table,
    only: Option<Compartment>,
    f: impl Fn(Record) -> Result<Option<T>> + Sync,
) -> Result<Scan<T>> {
    let scan = match scan_in_batches(conn, reader, table, only, &f) {
        Err(Error::Corrupt) => salvage(conn, reader, table, only, &f)?,
        other => other?,
    };
    // Records this handle cannot open because another one rotated the key meanwhile are not
    // damage: report that as such, and the facade answers "locked".
    if scan.unreadable > 0 && super::current_epoch(conn)? != reader.epoch() {
        return Err(Error::Tampered);
    }
    Ok(scan)
}

/// One record's outcome: kept, skipped by `f`, or unreadable.
fn open_one<T>(
    reader: Reader<'_>,
    table: Table,
    row: RawRow,
    f: &impl Fn(Record) -> Result<Option<T>>,
) -> std::result::Result<Option<T>, ()> {
    let (id, rev, c, body) = row;
    decrypt_row(reader, table, id, rev, c, body)
        .and_then(f)
        .map_err(|_| ())
}

fn scan_in_batches<T: Send>(
    conn: &Connection,
    reader: Reader<'_>,
    table: Table,
    only: Option<Compartment>,
    f: &(impl Fn(Record) -> Result<Option<T>> + Sync),
) -> Result<Scan<T>> {
    let sql = format!(
        "SELECT id, revision, compartment, body FROM {} WHERE ?1 IS NULL OR compartment = ?1",
        table.name()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query_map([only.map(Compartment::code)], raw)?;
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(MAX_THREADS);
    let work = |rows: Vec<RawRow>| -> Result<Scan<T>> {
        let mut part = Scan {
            items: Vec::new(),
            unreadable: 0,
        };
        for row in rows {
            match open_one(reader, table, row, f) {
                Ok(Some(t)) => part.items.push(t),
                Ok(None) => {}
                Err(()) => part.unreadable += 1,
            }
        }
        Ok(part)
    };
    let mut out = Scan {
        items: Vec::new(),
        unreadable: 0,
    };
    loop {
        let batch = rows
            .by_ref()
            .take(BATCH)
            .collect::<rusqlite::Result<Vec<RawRow>>>()?;
        let last = batch.len() < BATCH;
        let parts = if threads == 1 || batch.len() < PARALLEL_FROM {
            vec![work(batch)]
        } else {
            in_parallel(split(batch, threads), &work)
        };
        for part in parts {
            let part = part?;
            out.items.extend(part.items);
            out.unreadable += part.unreadable;
        }
        if last {
            return Ok(out);
        }
    }
}

/// Reads a damaged table record by record. The rowids come from every structure that still
/// lists them — the table itself and each of its indexes, each read as far as it goes — so a
/// damaged page in one is read around through another; then each row is fetched on its own.
/// Rows listed somewhere but unreadable are counted.
fn salvage<T>(
    conn: &Connection,
    reader: Reader<'_>,
    table: Table,
    only: Option<Compartment>,
    f: &impl Fn(Record) -> Result<Option<T>>,
) -> Result<Scan<T>> {
    let t = table.name();
    let mut rowids = std::collections::BTreeSet::new();
    for source in [
        format!("SELECT rowid FROM {t} NOT INDEXED"),
        format!("SELECT rowid FROM {t} INDEXED BY {t}_integrity"),
        format!("SELECT rowid FROM {t} INDEXED BY sqlite_autoindex_{t}_1"),
    ] {
        let Ok(mut stmt) = conn.prepare(&source) else {
            continue;
        };
        let Ok(mut rows) = stmt.query([]) else {
            continue;
        };
        // As far as it goes: the first damaged page ends this source, not the salvage.
        while let Ok(Some(row)) = rows.next() {
            if let Ok(id) = row.get::<_, i64>(0) {
                rowids.insert(id);
            }
        }
    }
    let mut out = Scan {
        items: Vec::new(),
        unreadable: 0,
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT id, revision, compartment, body FROM {t} WHERE rowid = ?1"
    ))?;
    for rowid in rowids {
        let row = match stmt.query_row([rowid], raw) {
            Ok(row) => row,
            Err(_) => {
                out.unreadable += 1;
                continue;
            }
        };
        if only.is_some_and(|c| row.2 != i64::from(c.code())) {
            continue;
        }
        match open_one(reader, table, row, f) {
            Ok(Some(item)) => out.items.push(item),
            Ok(None) => {}
            Err(()) => out.unreadable += 1,
        }
    }
    Ok(out)
}

/// Splits `rows` into `parts` runs of nearly equal length, in order.
fn split(mut rows: Vec<RawRow>, parts: usize) -> Vec<Vec<RawRow>> {
    let size = rows.len().div_ceil(parts);
    let mut out = Vec::with_capacity(parts);
    while rows.len() > size {
        let rest = rows.split_off(size);
        out.push(rows);
        rows = rest;
    }
    out.push(rows);
    out
}

/// Runs `work` on each chunk, the first on this thread and the rest on scoped threads, and
/// returns the results in order. A panic in a worker is resumed here, as if it had happened on
/// this thread (uniffi turns it into an error at the FFI boundary).
fn in_parallel<T: Send>(
    chunks: Vec<Vec<RawRow>>,
    work: &(impl Fn(Vec<RawRow>) -> Result<T> + Sync),
) -> Vec<Result<T>> {
    let mut chunks = chunks.into_iter();
    let first = chunks.next().unwrap_or_default();
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .map(|c| {
                s.spawn(move || {
                    let out = work(c);
                    // Thread stacks are kept for reuse by the C library, unwiped.
                    crate::stack::scrub();
                    out
                })
            })
            .collect();
        let mut results = vec![work(first)];
        for h in handles {
            results.push(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        results
    })
}

/// Ids starting with `prefix` (which must be lowercase hex).
pub(crate) fn ids_with_prefix(
    conn: &Connection,
    table: Table,
    prefix: &str,
) -> Result<Vec<String>> {
    if !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Vec::new());
    }
    let prefix = prefix.to_ascii_lowercase();
    let mut stmt = conn.prepare(&format!(
        "SELECT id FROM {} WHERE substr(id, 1, length(?1)) = ?1 LIMIT 2",
        table.name()
    ))?;
    let ids = stmt
        .query_map([prefix], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}

/// Re-encrypts every record of `table` from `old` keys to `new` ones (same ids, revisions and
/// compartments; new key epoch), inside the caller's transaction. Used by key rotation.
pub(crate) fn reseal(
    tx: &Transaction<'_>,
    old: &VaultKeys,
    new: &VaultKeys,
    table: Table,
) -> Result<usize> {
    let rows: Vec<RawRow> = {
        let mut stmt = tx.prepare(&format!(
            "SELECT id, revision, compartment, body FROM {}",
            table.name()
        ))?;
        stmt.query_map([], raw)?.collect::<rusqlite::Result<_>>()?
    };
    let count = rows.len();
    for (id, revision, compartment, body) in rows {
        let rec = decrypt_row(
            Reader::Unlocked(old),
            table,
            id,
            revision,
            compartment,
            body,
        )?;
        let sealed = envelope::seal(
            key_for(new, rec.compartment),
            Header {
                epoch: new.epoch,
                schema: rec.schema,
            },
            &binding(
                table,
                &rec.id,
                u64::try_from(revision).map_err(|_| Error::Tampered)?,
                rec.compartment,
            ),
            &rec.plaintext,
        )?;
        tx.execute(
            &format!("UPDATE {} SET body = ?1 WHERE id = ?2", table.name()),
            params![sealed, rec.id],
        )?;
    }
    Ok(count)
}
