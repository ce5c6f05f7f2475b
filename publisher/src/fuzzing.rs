//! Fuzz entry points for the decoders this crate owns, beside harbour-core's
//! (`harbour_core::fuzzing`): the fuzz crate and the corpus replay use both tables.

use harbour_core::fuzzing::Target;

/// An HSDS 3.0 export, as the publisher tool imports it.
pub fn hsds(data: &[u8]) {
    let checked = jiff::civil::date(2026, 11, 1);
    let _ = crate::hsds::import(data, checked);
}

/// Every target of this crate, by name.
pub const TARGETS: &[(&str, Target)] = &[("hsds", hsds)];
