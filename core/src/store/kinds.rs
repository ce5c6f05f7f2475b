//! Every kind of record the vault writes, in one list: the table it lives in, the tag its
//! payload starts with, and the schema this build writes and reads.
//!
//! A new kind, or a new schema for an old one, is added here, where a test checks that no two
//! kinds share a tag and every table has a kind. The codecs in `notes` and `plan` write and read
//! the fields after the tag; the header — schema and tag — is checked here, once, with one
//! policy (`Record::check_schema`: newer is `NewerFormat`, anything else unknown is damage).

use rusqlite::Transaction;

use super::records::{self, Compartment, Record, Table};
use crate::crypto::codec::{Reader, Writer};
use crate::crypto::keys::VaultKeys;
use crate::{Error, Result};

/// One kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kind {
    pub(crate) table: Table,
    /// The payload's first byte, so a record moved to the wrong row or table reads as damage.
    pub(crate) tag: u8,
    /// The payload layout this build writes and the only one it reads.
    pub(crate) schema: u16,
}

/// A note: its text, tags, times and pin.
pub(crate) const NOTE: Kind = Kind {
    table: Table::Note,
    tag: 1,
    schema: 1,
};

/// One section of the safety plan, as it is now.
pub(crate) const PLAN_SECTION: Kind = Kind {
    table: Table::PlanSection,
    tag: 2,
    schema: 1,
};

/// A saved version of the whole plan, for its history.
pub(crate) const PLAN_VERSION: Kind = Kind {
    table: Table::PlanVersion,
    tag: 3,
    schema: 1,
};

/// When the plan was last looked over, and how often the young person asked to be reminded.
pub(crate) const PLAN_REVIEW: Kind = Kind {
    table: Table::Setting,
    tag: 4,
    schema: 1,
};

/// The young person's coping toolbox: what they hid, favourited, ordered and added.
pub(crate) const TOOLBOX: Kind = Kind {
    table: Table::Setting,
    tag: 5,
    schema: 1,
};

/// A private check-in: how strong a feeling was, what came before, what was tried.
pub(crate) const CHECKIN: Kind = Kind {
    table: Table::CheckIn,
    tag: 6,
    schema: 1,
};

/// Every kind above, for the checks below (which also fail if one is left out of it).
#[cfg(test)]
const ALL: &[Kind] = &[
    NOTE,
    PLAN_SECTION,
    PLAN_VERSION,
    PLAN_REVIEW,
    TOOLBOX,
    CHECKIN,
];

impl Kind {
    /// A payload writer that has already written this kind's tag; `capacity` counts the
    /// fields after it.
    pub(crate) fn writer(self, capacity: usize) -> Writer {
        let mut w = Writer::with_capacity(1 + capacity);
        w.u8(self.tag);
        w
    }

    /// A reader over `rec`'s fields, after checking its schema and tag.
    pub(crate) fn reader(self, rec: &Record) -> Result<Reader<'_>> {
        rec.check_schema(self.schema)?;
        let mut r = Reader::new(&rec.plaintext);
        if r.u8()? != self.tag {
            return Err(Error::Tampered);
        }
        Ok(r)
    }

    /// Writes `payload` (from [`Kind::writer`]) as record `id` of this kind's table.
    pub(crate) fn put(
        self,
        tx: &Transaction<'_>,
        keys: &VaultKeys,
        id: &str,
        compartment: Compartment,
        payload: &[u8],
    ) -> Result<u64> {
        records::put(tx, keys, self.table, id, compartment, self.schema, payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_unique_and_every_table_has_a_kind() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.tag, b.tag, "two kinds share tag {}", a.tag);
            }
        }
        let declared = include_str!("kinds.rs")
            .matches(concat!(": Kind =", " Kind {"))
            .count();
        assert_eq!(declared, ALL.len(), "a kind is missing from ALL");
        for table in Table::ALL {
            assert!(
                ALL.iter().any(|k| k.table == *table),
                "{table:?} has no kind"
            );
        }
    }

    #[test]
    fn a_record_of_another_kind_or_a_newer_schema_is_refused() {
        let rec = |schema, tag| Record {
            id: "x".into(),
            compartment: Compartment::Private,
            schema,
            plaintext: zeroize::Zeroizing::new(vec![tag, 0]),
        };
        assert!(NOTE.reader(&rec(1, NOTE.tag)).is_ok());
        assert_eq!(
            NOTE.reader(&rec(1, PLAN_SECTION.tag)).err(),
            Some(Error::Tampered)
        );
        assert_eq!(
            NOTE.reader(&rec(2, NOTE.tag)).err(),
            Some(Error::NewerFormat {
                found: 2,
                supported: 1
            })
        );
        assert_eq!(NOTE.reader(&rec(0, NOTE.tag)).err(), Some(Error::Tampered));
    }
}
