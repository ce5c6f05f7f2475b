//! Timing helpers: medians, spreads and percentiles over repeated runs.

use std::time::{Duration, Instant};

pub fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub median: Duration,
    pub min: Duration,
    pub max: Duration,
    pub p99: Duration,
    pub runs: usize,
}

pub fn summarise(mut samples: Vec<Duration>) -> Summary {
    samples.sort();
    let n = samples.len().max(1);
    let at = |q: f64| samples[((n as f64 - 1.0) * q).round() as usize];
    Summary {
        median: at(0.5),
        min: samples[0],
        max: samples[n - 1],
        p99: at(0.99),
        runs: samples.len(),
    }
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000_000.0
}
