//! Argon2id for the user's PIN or passphrase.
//!
//! Parameters are calibrated on the device at vault creation (about 0.75 s at 64 MiB, at
//! least 3 passes), stored in the key slot and bound into its associated data. Any parameters
//! read back from storage or from a file are checked against hard caps *before* any memory is
//! allocated, so a hostile file cannot make the app allocate gigabytes or spin for hours.

use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Block, Params, Version};
use zeroize::{Zeroize, Zeroizing};

use super::keys::{KEY_LEN, Key32};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    pub const MAX_MEMORY_KIB: u32 = 256 * 1024;
    pub const MAX_ITERATIONS: u32 = 16;
    pub const MAX_PARALLELISM: u32 = 4;

    /// The production target: 64 MiB, one lane.
    pub const DEFAULT_MEMORY_KIB: u32 = 64 * 1024;
    /// Low-memory phones step down to these, in order.
    pub const FALLBACK_MEMORY_KIB: [u32; 2] = [32 * 1024, 19 * 1024];

    /// Deliberately weak parameters so test suites run in milliseconds. Never for real data.
    pub const TESTING: KdfParams = KdfParams {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    };

    /// Refuses parameters outside the caps. Called before any allocation.
    pub fn check(&self) -> Result<()> {
        let ok = (1..=Self::MAX_PARALLELISM).contains(&self.parallelism)
            && (1..=Self::MAX_ITERATIONS).contains(&self.iterations)
            && self.memory_kib <= Self::MAX_MEMORY_KIB
            && self.memory_kib >= 8 * self.parallelism;
        if ok {
            Ok(())
        } else {
            Err(Error::KdfParamsOutOfRange)
        }
    }

    fn argon2(&self) -> Result<Argon2<'static>> {
        self.check()?;
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .map_err(|_| Error::KdfParamsOutOfRange)?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// How a new key slot picks its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KdfProfile {
    /// Measure this device and aim for `target` per unlock, using at most `max_memory_kib`.
    Calibrated {
        target: Duration,
        max_memory_kib: u32,
    },
    /// Exactly these parameters (still checked against the caps).
    Fixed(KdfParams),
    /// [`KdfParams::TESTING`]: fast and weak, for tests only.
    Testing,
}

impl Default for KdfProfile {
    fn default() -> Self {
        KdfProfile::Calibrated {
            target: Duration::from_millis(750),
            max_memory_kib: KdfParams::DEFAULT_MEMORY_KIB,
        }
    }
}

impl KdfProfile {
    /// The parameters a new key slot will use.
    pub fn params(&self) -> Result<KdfParams> {
        match *self {
            KdfProfile::Fixed(p) => p.check().map(|()| p),
            KdfProfile::Testing => Ok(KdfParams::TESTING),
            KdfProfile::Calibrated {
                target,
                max_memory_kib,
            } => calibrate(target, max_memory_kib),
        }
    }
}

/// Allocates Argon2's working memory without aborting the process if the phone is short of it.
fn allocate(params: &KdfParams) -> Result<Vec<Block>> {
    let count = Params::new(params.memory_kib, 1, params.parallelism, None)
        .map_err(|_| Error::KdfParamsOutOfRange)?
        .block_count();
    let mut blocks = Vec::new();
    blocks
        .try_reserve_exact(count)
        .map_err(|_| Error::OutOfMemory)?;
    blocks.resize(count, Block::new());
    Ok(blocks)
}

fn run(argon: &Argon2<'_>, params: &KdfParams, secret: &[u8], salt: &[u8]) -> Result<Key32> {
    let mut blocks = allocate(params)?;
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    let result = argon.hash_password_into_with_memory(secret, salt, out.as_mut(), &mut blocks);
    // The working memory is derived from the secret: wipe it like the reference
    // implementation does.
    blocks.zeroize();
    result.map_err(|_| Error::KdfParamsOutOfRange)?;
    Key32::from_slice(out.as_ref())
}

/// Derives a 256-bit key from the secret. The caps are checked before anything is allocated.
pub(crate) fn derive(params: &KdfParams, secret: &[u8], salt: &[u8]) -> Result<Key32> {
    let argon = params.argon2()?;
    run(&argon, params, secret, salt)
}

/// The raw Argon2id output, for checking Harbour's KDF against other implementations
/// (benchmarks and test vectors). Same caps and memory handling as every unlock.
pub fn derive_raw(params: &KdfParams, secret: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
    let key = derive(params, secret, salt)?;
    Ok(Zeroizing::new(*key.expose()))
}

fn time_derive(params: &KdfParams) -> Result<Duration> {
    let started = Instant::now();
    derive(params, b"calibration", b"calibration-salt")?;
    Ok(started.elapsed())
}

/// Picks the number of passes that takes about `target` on this device.
///
/// Times one and three passes: the difference is the cost of a pass, the rest is the fixed
/// cost of allocating and touching the memory, which a single timing would mistake for work.
fn calibrate(target: Duration, max_memory_kib: u32) -> Result<KdfParams> {
    let candidates = std::iter::once(KdfParams::DEFAULT_MEMORY_KIB)
        .chain(KdfParams::FALLBACK_MEMORY_KIB)
        .filter(|&m| m <= max_memory_kib.min(KdfParams::MAX_MEMORY_KIB));
    for memory_kib in candidates {
        let with = |iterations| KdfParams {
            memory_kib,
            iterations,
            parallelism: 1,
        };
        let one = match time_derive(&with(1)) {
            Ok(t) => t,
            Err(Error::OutOfMemory) => continue,
            Err(e) => return Err(e),
        };
        let three = time_derive(&with(3))?;
        let per_pass = (three.saturating_sub(one) / 2).max(Duration::from_micros(100));
        let fixed = one.saturating_sub(per_pass);
        let budget = target.saturating_sub(fixed);
        let min_passes = if memory_kib == KdfParams::DEFAULT_MEMORY_KIB {
            3
        } else {
            2
        };
        let passes = budget.as_micros().div_ceil(per_pass.as_micros());
        let iterations = u32::try_from(passes)
            .unwrap_or(u32::MAX)
            .clamp(min_passes, KdfParams::MAX_ITERATIONS);
        return Ok(with(iterations));
    }
    Err(Error::OutOfMemory)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Harbour's own parameters through `derive`, against the reference C implementation:
    /// `echo -n 'correct horse' | argon2 harbour-bench-salt -id -t 3 -k 65536 -p 1 -l 32 -r`
    /// (Debian's argon2 20171227). harbour-bench checks the same on every run.
    #[test]
    fn derive_matches_the_reference_implementation() {
        let params = KdfParams {
            memory_kib: 65536,
            iterations: 3,
            parallelism: 1,
        };
        let out = derive_raw(&params, b"correct horse", b"harbour-bench-salt").unwrap();
        let hex: String = out.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "cbad16ef9977276b4e16ac2fe3b454171149b31c3d9c09c92d18e79043c5fc9b"
        );
    }

    /// RFC 9106, section 5.3: the Argon2id test vector (with secret and associated data, which
    /// Harbour itself does not use, to exercise the exact implementation that `derive` calls).
    #[test]
    fn argon2id_rfc9106_known_answer() {
        let params = Params::new(32, 3, 4, Some(32)).unwrap().to_owned();
        let mut builder = argon2::ParamsBuilder::new();
        builder
            .m_cost(params.m_cost())
            .t_cost(params.t_cost())
            .p_cost(params.p_cost())
            .output_len(32)
            .data(argon2::AssociatedData::new(&[0x04; 12]).unwrap());
        let argon = Argon2::new_with_secret(
            &[0x03; 8],
            Algorithm::Argon2id,
            Version::V0x13,
            builder.build().unwrap(),
        )
        .unwrap();
        let kp = KdfParams {
            memory_kib: 32,
            iterations: 3,
            parallelism: 4,
        };
        let key = run(&argon, &kp, &[0x01; 32], &[0x02; 16]).unwrap();
        let expected: [u8; 32] = [
            0x0d, 0x64, 0x0d, 0xf5, 0x8d, 0x78, 0x76, 0x6c, 0x08, 0xc0, 0x37, 0xa3, 0x4a, 0x8b,
            0x53, 0xc9, 0xd0, 0x1e, 0xf0, 0x45, 0x2d, 0x75, 0xb6, 0x5e, 0xb5, 0x25, 0x20, 0xe9,
            0x6b, 0x01, 0xe6, 0x59,
        ];
        assert_eq!(key.expose(), &expected);
    }

    #[test]
    fn caps_are_enforced_before_allocation() {
        // 4 TiB of memory would abort the process if it were allocated; the check must come
        // first and return an error.
        let huge = KdfParams {
            memory_kib: u32::MAX,
            iterations: 3,
            parallelism: 1,
        };
        assert_eq!(
            derive(&huge, b"x", b"saltsalt").unwrap_err(),
            Error::KdfParamsOutOfRange
        );
        for bad in [
            KdfParams {
                memory_kib: KdfParams::MAX_MEMORY_KIB + 1,
                iterations: 3,
                parallelism: 1,
            },
            KdfParams {
                memory_kib: 65536,
                iterations: 17,
                parallelism: 1,
            },
            KdfParams {
                memory_kib: 65536,
                iterations: 0,
                parallelism: 1,
            },
            KdfParams {
                memory_kib: 65536,
                iterations: 3,
                parallelism: 5,
            },
            KdfParams {
                memory_kib: 65536,
                iterations: 3,
                parallelism: 0,
            },
            KdfParams {
                memory_kib: 4,
                iterations: 3,
                parallelism: 1,
            },
        ] {
            assert_eq!(
                bad.check().unwrap_err(),
                Error::KdfParamsOutOfRange,
                "{bad:?}"
            );
            assert_eq!(
                derive(&bad, b"x", b"saltsalt").unwrap_err(),
                Error::KdfParamsOutOfRange
            );
        }
    }

    #[test]
    fn fixed_and_testing_profiles() {
        assert_eq!(KdfProfile::Testing.params().unwrap(), KdfParams::TESTING);
        let p = KdfParams {
            memory_kib: 1024,
            iterations: 2,
            parallelism: 1,
        };
        assert_eq!(KdfProfile::Fixed(p).params().unwrap(), p);
    }

    #[test]
    fn calibration_respects_memory_limit_and_minimum_passes() {
        let p = KdfProfile::Calibrated {
            target: Duration::from_millis(1),
            max_memory_kib: 19 * 1024,
        }
        .params()
        .unwrap();
        assert_eq!(p.memory_kib, 19 * 1024);
        assert!(p.iterations >= 2);
        p.check().unwrap();
    }
}
