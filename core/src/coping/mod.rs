//! The young person's own coping: their toolbox (the library's ideas as they made them their
//! own), which ideas a moment offers, and private check-ins.
//!
//! The library's ideas are content (signed, readable with no unlock); everything here is the
//! person's, encrypted in the vault, in backups, rotated and erased like notes.

pub(crate) mod checkins;
pub(crate) mod moment;
pub(crate) mod toolbox;

pub use checkins::{
    CheckIn, CheckInList, Helped, MAX_BEFORE_CHARS, MAX_TRIED, MAX_TRIED_CHARS, Tried, WhatHelped,
};
pub use moment::IDEAS_PER_MOMENT;
pub use toolbox::{MAX_ACTIVITY_CHARS, MAX_OWN_ACTIVITIES, Toolbox, ToolboxItem};
