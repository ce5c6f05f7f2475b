//! Harbour's offline core.
//!
//! Three things live here, and nothing else: a young person's private writing, encrypted on
//! their phone (`vault`, `notes`, `plan`); help that works with no signal and no unlock
//! (`directory`, `library`); and a supported session in which a youth worker can help build a
//! plan without seeing private notes (`supported_session`). See `docs/DESIGN.md`
//! for the key hierarchy and the reasons behind it.
//!
//! The crate has no FFI types, no network access and no global state. Every entry point hangs
//! off [`Harbour`], which is `Send + Sync` and meant to be called from a background thread.
//!
//! Every module is private. What an app (through the FFI or the CLI) may name is re-exported
//! below, by hand, so the public surface is a list someone chose rather than whatever a module
//! happened to mark `pub`. [`authoring`] is the second, smaller surface: what pack tools, tests
//! and benchmarks need and an app never does.

mod atomic_file;
mod backup;
mod clock;
mod coping;
mod crash_point;
mod crypto;
mod directory;
mod error;
mod fold;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod harbour;
mod html;
mod keystore;
mod library;
mod notes;
mod pack;
mod plan;
mod secret;
mod stack;
mod store;
mod supported_session;
mod vault;
mod wording;

// The facade and how it is opened.
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
pub use harbour::{
    AfterMoment, Config, Harbour, HowNow, LockObserver, LockState, Moment, QuickAccess, TriageStep,
};
pub use keystore::{FileKeyStore, KeyStoreError, MemoryKeyStore, PlatformKeyStore};

// The vault and the secret that opens it.
pub use crypto::{KdfParams, KdfProfile};
pub use secret::{
    MAX_SECRET_BYTES, MIN_PASSPHRASE_CHARS, MIN_PIN_DIGITS, Secret, SecretKind, UserText,
};
pub use vault::{EraseReport, SetAside, VaultState};

// Private writing.
pub use notes::{MAX_NOTE_BYTES, MAX_TAG_CHARS, MAX_TAGS, Note, NoteList};
pub use plan::share::{ShareFormat, ShareOptions};
pub use plan::{
    Change, DEFAULT_REVIEW_DAYS, MAX_CONTACT_CHARS, MAX_ITEM_CHARS, MAX_ITEMS, Plan, PlanItem,
    PlanSection, PlanVersionInfo, Section,
};
pub use supported_session::{SessionProgress, SessionStep};

// Things that help right now: the person's toolbox and check-ins.
pub use coping::{
    CheckIn, CheckInList, Helped, IDEAS_PER_MOMENT, MAX_ACTIVITY_CHARS, MAX_BEFORE_CHARS,
    MAX_OWN_ACTIVITIES, MAX_TRIED, MAX_TRIED_CHARS, Toolbox, ToolboxItem, Tried, WhatHelped,
};

// Help with no signal and no unlock.
pub use directory::{
    AreaMatch, AreaSummary, Channel, ChannelKind, Eligibility, HelpNow, HelpOption, HelpQuery,
    Hours, MatchedBy, NotFoundWhy, OpenState, Organisation, Provenance, Response, STALE_AFTER_DAYS,
    Service, ServiceDetail, ServiceKind, Status, Topic, postcode_district_of,
};
pub use library::{
    Activity, Answer, Audience, Block, Breathing, Card, CardFilter, CardKind, ClinicalReview,
    Emergency, Feeling, FeelingLabel, HelpHint, Inline, Outcome, Question, RedFlag, Route,
    SessionPrompt, Source, Urgency,
};
pub use pack::{PackError, PackInfo, PackKind, PackSource};

// Backups.
pub use backup::{
    AgeError, MAX_BACKUP_BYTES, RestoreSummary, check_passphrase, generate_passphrase,
};

pub use fold::is_bidi_control;

/// What the tools that write packs (harbour-publish), the tests and the benchmarks need, and an
/// app never does: the whole content models, the checks a pack must pass, the signature format
/// and the raw key derivation. The checks live in the core, not in harbour-publish, because a
/// phone runs the same ones on every pack it loads.
pub mod authoring {
    /// The directory pack: its model, its checks and the pack shipped inside the library.
    pub mod directory {
        pub use crate::directory::model::*;
        pub use crate::directory::validate::{ESSENTIAL_SERVICES, problems, text_problems};
        pub use crate::directory::{BASELINE, Directory};
    }

    /// The library pack: its model, the content lint, the triage checker and the Markdown
    /// subset cards are written in.
    pub mod library {
        pub use crate::library::lint::{
            ALLOW, DENY, LintReport, MAX_SENTENCE_WORDS, MIN_CARD_EASE, MIN_MEAN_EASE,
            MIN_QUESTION_EASE, Reading, card_text, flagged, lint,
        };
        pub use crate::library::model::*;
        pub use crate::library::{BASELINE, markdown, plural, triage};
    }

    /// The pack envelope and its minisign signatures.
    pub mod pack {
        pub use crate::pack::minisign::{
            ALG_LEGACY, ALG_PREHASHED, PublicKey, SignatureFile, UNTRUSTED,
        };
        pub use crate::pack::{
            Baseline, DEV_PUBLIC_KEY, MAX_PACK_BYTES, PACK_FORMAT, Pack, pinned_keys,
        };
    }

    /// The age format backups are written in, to build and take apart backups in tests.
    pub mod age {
        pub use crate::backup::age::{DEFAULT_LOG_N, MAX_LOG_N, decrypt, encrypt};
    }

    /// The KDF without a vault around it, for the benchmark that sizes its parameters.
    pub mod kdf {
        pub use crate::crypto::kdf::derive_raw;
    }
}
