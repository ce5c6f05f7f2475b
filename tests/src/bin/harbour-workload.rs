//! A child process for crash and leak tests: runs a mixed workload on one vault — notes added,
//! edited and deleted, plan items added and removed, the data key rotated — and reports each
//! operation on stdout *before* ("will …") and *after* it is acknowledged ("ack …"), so a
//! parent that SIGKILLs it knows exactly which writes must have survived.
//!
//! Usage: harbour-workload DATA_DIR KEY_FILE MARKER SEED [OPS]
//! The vault secret is fixed; KDF parameters are the fast testing ones.

use std::io::Write;
use std::sync::Arc;

use harbour_core::{Error, FileKeyStore, Harbour, Secret};
use harbour_tests::{WORKLOAD_SECTION, workload_index, workload_text};

const PIN: &str = "482915";

/// xorshift64*: deterministic, dependency-free randomness for choosing operations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        eprintln!("usage: harbour-workload DATA_DIR KEY_FILE MARKER SEED [OPS]");
        std::process::exit(2);
    }
    let (data, key, marker) = (&args[1], &args[2], &args[3]);
    let seed: u64 = args[4].parse().unwrap_or(1);
    let ops: u64 = args.get(5).and_then(|s| s.parse().ok()).unwrap_or(u64::MAX);
    let config = harbour_tests::testing_config(data);
    let h = Harbour::open(config, Arc::new(FileKeyStore::new(key)))?;
    match h.create_vault(Secret::from_text(PIN)) {
        Ok(()) => {}
        Err(Error::VaultExists) => h.unlock(Secret::from_text(PIN))?,
        Err(e) => return Err(e),
    }
    let mut out = std::io::stdout().lock();
    let mut rng = Rng(seed | 1);
    let mut ids: Vec<String> = h.list_notes()?.into_iter().map(|n| n.id).collect();
    // Operation numbers continue from the seed so texts stay unique across restarts.
    let base = seed.wrapping_mul(1_000_000);
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    let plan_items = |h: &Harbour| -> Result<Vec<u64>, Error> {
        Ok(h.plan()?
            .section(WORKLOAD_SECTION)
            .items
            .iter()
            .filter_map(|item| workload_index(marker, &item.text))
            .collect())
    };
    for step in 0..ops {
        let i = base + step;
        let roll = rng.next() % 100;
        if ids.is_empty() || roll < 40 {
            let _ = writeln!(out, "will add {i}");
            let _ = out.flush();
            let note = h.add_note(workload_text(marker, i).into(), vec![])?;
            let _ = writeln!(out, "ack add {i} {}", note.id);
            ids.push(note.id);
        } else if roll < 65 {
            let id = ids[(rng.next() % ids.len() as u64) as usize].clone();
            let _ = writeln!(out, "will edit {id} {i}");
            let _ = out.flush();
            h.edit_note(&id, workload_text(marker, i).into())?;
            let _ = writeln!(out, "ack edit {id} {i}");
        } else if roll < 80 {
            let id = ids.swap_remove((rng.next() % ids.len() as u64) as usize);
            let _ = writeln!(out, "will delete {id}");
            let _ = out.flush();
            h.delete_note(&id)?;
            let _ = writeln!(out, "ack delete {id}");
        } else if roll < 95 {
            let items = plan_items(&h)?;
            if items.len() < 30 && (items.is_empty() || roll < 90) {
                let _ = writeln!(out, "will plan-add {i}");
                let _ = out.flush();
                h.add_plan_item(
                    WORKLOAD_SECTION,
                    workload_text(marker, i).into(),
                    None,
                    None,
                )?;
                let _ = writeln!(out, "ack plan-add {i}");
            } else {
                let at = (rng.next() % items.len() as u64) as usize;
                let _ = writeln!(out, "will plan-remove {}", items[at]);
                let _ = out.flush();
                h.remove_plan_item(WORKLOAD_SECTION, at)?;
                let _ = writeln!(out, "ack plan-remove {}", items[at]);
            }
        } else {
            let _ = writeln!(out, "will rotate");
            let _ = out.flush();
            h.rotate_data_key(Secret::from_text(PIN))?;
            let _ = writeln!(out, "ack rotate");
        }
        let _ = out.flush();
        if step % 25 == 24 {
            h.lock()?;
            h.unlock(Secret::from_text(PIN))?;
        }
    }
    h.lock()
}
