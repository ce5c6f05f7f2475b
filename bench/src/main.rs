//! `harbour-bench`: Harbour's benchmarks, side by side with what a team would pick instead.
//!
//! Run it through `scripts/bench.sh`, which builds the SQLCipher runner and the Kotlin and
//! Python callers and passes them in. `--quick` runs every workload briefly to check that it
//! works (CI); the full run prints the tables and, with `--write FILE`, puts them between the
//! markers in docs/PERFORMANCE.md. Times are never asserted: a benchmark reports, a test
//! asserts.
//!
//! Profiling aids: `--store-phases N DIR` (open, unlock, list, search on a vault of N notes
//! kept in DIR) and `--load-phases` (phases of loading a 20,000-service pack).

// A harness: when set-up fails, stopping loudly is the right outcome.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod argon;
mod backup;
mod directory;
mod ffi;
mod machine;
mod report;
mod rss;
mod size;
mod sql_store;
mod state_calls;
mod stats;
mod store;
mod two_processes;
mod workload;

use std::path::PathBuf;

use harbour_core::KdfParams;

/// Where the pieces built outside this binary are; scripts/bench.sh sets them.
struct Options {
    quick: bool,
    write: Option<PathBuf>,
    sqlcipher: Option<PathBuf>,
    kotlin: Option<String>,
    python: Option<String>,
    cdylib: Option<PathBuf>,
    cdylib_symbols: Option<PathBuf>,
}

fn arg_after(flag: &str) -> Option<String> {
    std::env::args().skip_while(|a| a != flag).nth(1)
}

/// The `n` arguments after `flag`, when they are all there.
fn args_after(flag: &str, n: usize) -> Option<Vec<String>> {
    let found: Vec<String> = std::env::args()
        .skip_while(|a| a != flag)
        .skip(1)
        .take(n)
        .collect();
    (found.len() == n).then_some(found)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn main() {
    if let Some(n) = arg_after("--rss-session") {
        rss::child("session", n.parse().expect("notes"));
        return;
    }
    if let Some(n) = arg_after("--rss-backup") {
        rss::child("backup", n.parse().expect("notes"));
        return;
    }
    if std::env::args().any(|a| a == "--rss-baseline") {
        println!("{}", rss::peak_kib());
        return;
    }
    if let Some([data, key]) = args_after("--rss-glance", 2).as_deref() {
        rss::glance_child(std::path::Path::new(data), std::path::Path::new(key));
        return;
    }
    if let Some([data, key, seconds, rotates]) = args_after("--app-process", 4).as_deref() {
        two_processes::child(
            std::path::Path::new(data),
            std::path::Path::new(key),
            seconds.parse().expect("seconds"),
            rotates == "1",
        );
        return;
    }
    if let Some([n, dir]) = args_after("--store-phases", 2).as_deref() {
        store::phases(n.parse().expect("notes"), std::path::Path::new(dir));
        return;
    }
    if std::env::args().any(|a| a == "--state-calls") {
        // This table alone, for checking a change to the session state without the full run.
        let mut r = report::Report::new(false);
        r.state_calls(&state_calls::run(2_000, 40));
        r.two_processes(&two_processes::run(2_000, 40));
        println!("{}", r.finish());
        return;
    }
    if let Some(n) = arg_after("--extension-memory") {
        // The widget figure alone: peak KiB reading quick access, and of doing nothing.
        let (glance, baseline) = rss::measure_glance(n.parse().expect("notes"));
        println!("glance {glance} KiB, baseline {baseline} KiB");
        return;
    }
    if std::env::args().any(|a| a == "--postcodes") {
        // Help now's bundled-pack figures alone, postcode lookups included.
        let bundled = directory::bundled(200);
        let lookup = directory::postcode_lookup(20);
        println!(
            "bundled: median {:?} p99 {:?} ({} runs); postcode lookup: median {:?} p99 {:?} max {:?} ({} lookups)",
            bundled.median,
            bundled.p99,
            bundled.runs,
            lookup.median,
            lookup.p99,
            lookup.max,
            lookup.runs
        );
        return;
    }
    if std::env::args().any(|a| a == "--load-phases") {
        directory::load_phases(20_000);
        return;
    }
    let options = Options {
        quick: std::env::args().any(|a| a == "--quick"),
        write: arg_after("--write").map(PathBuf::from),
        sqlcipher: env("HARBOUR_BENCH_SQLCIPHER").map(PathBuf::from),
        kotlin: env("HARBOUR_BENCH_KOTLIN"),
        python: env("HARBOUR_BENCH_PYTHON"),
        cdylib: env("HARBOUR_BENCH_CDYLIB").map(PathBuf::from),
        cdylib_symbols: env("HARBOUR_BENCH_CDYLIB_SYMBOLS").map(PathBuf::from),
    };
    let text = run(&options);
    println!("{text}");
    if let Some(path) = &options.write {
        report::write_between_markers(path, &text);
        eprintln!("wrote the tables into {}", path.display());
    }
}

fn run(o: &Options) -> String {
    let mut r = report::Report::new(o.quick);

    // The store: Harbour, SQLCipher, plain SQLite.
    let sizes: &[(usize, usize)] = if o.quick {
        &[(200, 1)]
    } else {
        &[(1_000, 7), (10_000, 5), (100_000, 5)]
    };
    eprintln!("store workloads…");
    let sqlcipher = o
        .sqlcipher
        .as_ref()
        .expect("HARBOUR_BENCH_SQLCIPHER: the SQLCipher runner (scripts/bench.sh builds it)");
    let mut rows = Vec::new();
    let mut sqlcipher_version = String::new();
    for &(notes, runs) in sizes {
        let (mut h, mut c, mut p) = (Vec::new(), Vec::new(), Vec::new());
        for run in 0..runs {
            // Rotate who goes first, so drift in the machine touches every engine alike.
            for k in 0..3 {
                match (run + k) % 3 {
                    0 => h.push(store::harbour(notes)),
                    1 => {
                        let (v, t) = store::sqlcipher(sqlcipher, notes);
                        sqlcipher_version = v;
                        c.push(t);
                    }
                    _ => p.push(store::sqlite(notes)),
                }
            }
        }
        rows.push(report::StoreRows {
            notes,
            harbour: h,
            sqlcipher: c,
            sqlite: p,
        });
    }
    r.store(&rows, &sqlcipher_version, &store::sqlite_version());

    eprintln!("Argon2id…");
    let params = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };
    r.argon(&argon::run(params, if o.quick { 1 } else { 9 }));

    eprintln!("state calls under load…");
    r.state_calls(&if o.quick {
        state_calls::run(200, 2)
    } else {
        state_calls::run(2_000, 40)
    });
    r.two_processes(&if o.quick {
        two_processes::run(200, 2)
    } else {
        two_processes::run(2_000, 40)
    });

    eprintln!("help now…");
    let (runs, load_runs, queries, services) = if o.quick {
        (5, 2, 50, 2_000)
    } else {
        (200, 20, 2_000, 20_000)
    };
    r.directory(
        &directory::bundled(runs),
        &directory::postcode_lookup(if o.quick { 1 } else { 20 }),
        &directory::generated(services, load_runs, queries),
    );

    eprintln!("backup…");
    r.backup(&backup::run(
        if o.quick { 200 } else { 1_000 },
        if o.quick { 1 } else { 7 },
    ));

    eprintln!("FFI…");
    let ffi_runs = if o.quick { 3 } else { 50 };
    let mut callers = vec![ffi::rust(ffi_runs)];
    let kotlin = o
        .kotlin
        .as_ref()
        .expect("HARBOUR_BENCH_KOTLIN: the Kotlin caller");
    callers.push(ffi::foreign("Kotlin (JVM, JNA)", kotlin, ffi_runs));
    let python = o
        .python
        .as_ref()
        .expect("HARBOUR_BENCH_PYTHON: the Python caller");
    callers.push(ffi::foreign("Python (CPython, ctypes)", python, ffi_runs));
    r.ffi(&callers);

    eprintln!("library size and memory…");
    let cdylib = o.cdylib.as_ref().expect("HARBOUR_BENCH_CDYLIB");
    let symbols = o
        .cdylib_symbols
        .as_ref()
        .expect("HARBOUR_BENCH_CDYLIB_SYMBOLS");
    r.size(&size::measure(cdylib, symbols));
    let notes = if o.quick { 500 } else { 10_000 };
    r.memory(
        notes,
        rss::measure("session", notes),
        rss::measure("backup", if o.quick { 200 } else { 1_000 }),
        rss::measure_glance(notes),
    );
    r.finish()
}
