//! What the figures were measured on, read from the machine itself.

use std::process::Command;

fn first_line_with(path: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
}

fn command(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// One line: CPU, cores, memory, kernel, compiler.
pub fn describe() -> String {
    let cpu =
        first_line_with("/proc/cpuinfo", "model name").unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_gib = first_line_with("/proc/meminfo", "MemTotal")
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let rustc = command("rustc", &["--version"]).unwrap_or_else(|| "rustc (unknown)".into());
    format!(
        "{cpu}, {cores} vCPU, {mem_gib:.0} GiB RAM, Linux {kernel}, {rustc}, {} build",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release (fat LTO, one codegen unit)"
        }
    )
}

pub fn today() -> String {
    jiff::Zoned::now().date().to_string()
}
