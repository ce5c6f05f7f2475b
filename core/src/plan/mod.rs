//! The safety plan: the young person's own, in Harbour's neutral wording.
//!
//! Eight sections, each an ordered list of items, each private by default or *quick access*
//! (readable without the PIN, through the device-only key). Every saved change is kept as an
//! encrypted version that can be restored; "last reviewed" and a suggested next review date
//! let an app offer a gentle reminder. The section wording is Harbour's own: the Stanley–Brown
//! form's wording needs its authors' permission, so it is background only.

mod codec;
mod model;
pub mod share;
mod store;

pub use model::*;
pub(crate) use store::*;
