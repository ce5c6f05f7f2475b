//! The integrity accumulator: detects rows that were deleted, added back, or rolled back to an
//! older revision by someone editing the database file.
//!
//! Each record contributes `HMAC(integrity key, table | id | revision | compartment)`; the
//! accumulator is the XOR of all contributions, so a write updates it in constant time. It is
//! stored sealed (encrypted and authenticated) in `vault.integrity`, so an attacker can neither
//! read it — and learn the difference two edits make — nor replace it with a value of their
//! own. Rolling the *whole* file back to an earlier copy is not detectable without a hardware
//! counter; `docs/SECURITY.md` says so.

use hmac::{Hmac, KeyInit, Mac};
use rusqlite::{Connection, OptionalExtension, Transaction};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::records::{Compartment, Table};
use crate::crypto::aead;
use crate::crypto::keys::VaultKeys;
use crate::{Error, Result};

pub(crate) type Acc = [u8; 32];

fn element(keys: &VaultKeys, table: Table, id: &str, revision: u64, c: Compartment) -> Acc {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(keys.integrity().expose())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    for part in [table.name().as_bytes(), id.as_bytes()] {
        mac.update(&(part.len() as u32).to_be_bytes());
        mac.update(part);
    }
    mac.update(&revision.to_be_bytes());
    mac.update(&[c.code()]);
    mac.finalize().into_bytes().into()
}

fn xor(acc: &mut Acc, e: &Acc) {
    acc.iter_mut().zip(e).for_each(|(a, b)| *a ^= b);
}

fn ad(keys: &VaultKeys) -> Vec<u8> {
    let mut ad = b"harbour-integrity".to_vec();
    ad.extend_from_slice(&keys.vault_id);
    ad.extend_from_slice(&keys.epoch.to_be_bytes());
    ad
}

pub(crate) fn seal(keys: &VaultKeys, acc: &Acc) -> Result<Vec<u8>> {
    aead::seal(keys.integrity(), &ad(keys), acc)
}

fn open(keys: &VaultKeys, sealed: &[u8]) -> Result<Acc> {
    let plain = aead::open(keys.integrity(), &ad(keys), sealed)?;
    plain.as_slice().try_into().map_err(|_| Error::Tampered)
}

fn load(conn: &Connection, keys: &VaultKeys) -> Result<Acc> {
    let sealed: Vec<u8> = conn
        .prepare_cached("SELECT integrity FROM vault WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .ok_or(Error::NoVault)?;
    open(keys, &sealed)
}

/// Swaps one record's contribution: `old` out, `new` in (either may be absent).
pub(crate) fn replace(
    tx: &Transaction<'_>,
    keys: &VaultKeys,
    table: Table,
    id: &str,
    old: Option<(u64, Compartment)>,
    new: Option<(u64, Compartment)>,
) -> Result<()> {
    let mut acc = load(tx, keys)?;
    for (rev, c) in old.into_iter().chain(new) {
        xor(&mut acc, &element(keys, table, id, rev, c));
    }
    tx.prepare_cached("UPDATE vault SET integrity = ?1 WHERE id = 1")?
        .execute([seal(keys, &acc)?])?;
    Ok(())
}

/// The accumulator over every record now in the database.
pub(crate) fn compute(conn: &Connection, keys: &VaultKeys) -> Result<Acc> {
    let mut acc = [0u8; 32];
    for &table in Table::ALL {
        let mut stmt = conn.prepare(&format!(
            "SELECT id, revision, compartment FROM {}",
            table.name()
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let rev = u64::try_from(row.get::<_, i64>(1)?).map_err(|_| Error::Tampered)?;
            let c = Compartment::from_code(row.get(2)?)?;
            xor(&mut acc, &element(keys, table, &id, rev, c));
        }
    }
    Ok(acc)
}

/// Checks that the records on disk are exactly the set this vault last wrote.
pub(crate) fn verify(conn: &Connection, keys: &VaultKeys) -> Result<()> {
    let stored = load(conn, keys)?;
    let actual = compute(conn, keys)?;
    if bool::from(stored.ct_eq(&actual)) {
        Ok(())
    } else {
        Err(Error::Tampered)
    }
}
