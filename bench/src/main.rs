//! `harbour-bench`: Harbour's benchmarks. `--quick` runs every workload briefly to check that
//! it works (CI); the full run writes the table for docs/PERFORMANCE.md. Times are never
//! asserted: a benchmark reports, a test asserts.

// A harness: when set-up fails, stopping loudly is the right outcome.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod backup;
mod directory;
mod stats;

use stats::{ms, us};

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    if std::env::args().any(|a| a == "--load-phases") {
        directory::load_phases(20_000);
        return;
    }
    let (runs, load_runs, queries, services, backup_runs) = if quick {
        (5, 2, 50, 2_000, 1)
    } else {
        (200, 20, 2_000, 20_000, 7)
    };

    println!("## Help now (directory)\n");
    println!("| workload | median | min | max | p99 | runs | target |");
    println!("|---|---|---|---|---|---|---|");
    let b = directory::bundled(runs);
    println!(
        "| open + load and verify bundled pack + one query | {:.3} ms | {:.3} ms | {:.3} ms | {:.3} ms | {} | < 2 ms |",
        ms(b.median),
        ms(b.min),
        ms(b.max),
        ms(b.p99),
        b.runs
    );
    let g = directory::generated(services, load_runs, queries);
    println!(
        "| load {} services ({:.1} MB pack): verify, parse, validate, index | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {} | < 50 ms |",
        g.services,
        g.pack_bytes as f64 / 1e6,
        ms(g.load.median),
        ms(g.load.min),
        ms(g.load.max),
        ms(g.load.p99),
        g.load.runs
    );
    println!(
        "| one query over {} services | {:.1} µs | {:.1} µs | {:.1} µs | {:.1} µs | {} | p99 < 1 ms |",
        g.services,
        us(g.query.median),
        us(g.query.min),
        us(g.query.max),
        us(g.query.p99),
        g.query.runs
    );

    println!("\n## Backup\n");
    let b = backup::run(1_000, backup_runs);
    println!(
        "Vault: {} notes ({:.0} KB of text), {} plan items, {} plan versions. \
         Backup file: {:.0} KB.\n",
        b.notes,
        b.text_bytes as f64 / 1e3,
        b.plan_items,
        b.plan_versions,
        b.file_bytes as f64 / 1e3
    );
    println!("| workload | median | min | max | runs |");
    println!("|---|---|---|---|---|");
    for (name, s) in [
        ("export (scrypt 2^18, JSON, encrypt)", &b.export),
        (
            "restore into an empty vault (scrypt 2^18, check, one transaction)",
            &b.restore,
        ),
        (
            "rotate the data key (re-encrypt everything, one transaction)",
            &b.rotate,
        ),
    ] {
        println!(
            "| {name} | {:.0} ms | {:.0} ms | {:.0} ms | {} |",
            ms(s.median),
            ms(s.min),
            ms(s.max),
            s.runs
        );
    }
}
