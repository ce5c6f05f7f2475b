//! The calls a UI makes on its main thread — `is_unlocked`, `lock`, `vault_state` and the
//! quick-access reads a lock screen or widget shows — never wait behind slow work; a lock wins
//! over an unlock that is still deriving its key; and checking a secret holds up no other call.
//!
//! Deterministic, not timed: a key store that stops inside `unwrap` (which every secret check
//! calls after the KDF: with the state lock held in a rotation or at the end of a supported
//! session, without it in an unlock or a reauthentication) until the test lets it go.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use harbour_core::{
    Error, Harbour, KeyStoreError, MemoryKeyStore, PlatformKeyStore, Secret, Section, VaultState,
};
use harbour_tests::fixture::PIN;
use harbour_tests::testing_config;
use zeroize::Zeroizing;

/// A memory key store that, once armed, stops in `unwrap` until released.
struct GatedKeyStore {
    inner: MemoryKeyStore,
    gate: Mutex<Option<(Sender<()>, Receiver<()>)>>,
}

impl GatedKeyStore {
    /// Arms the gate: the next `unwrap` reports `entered` and waits for `release`.
    fn arm(&self) -> (Receiver<()>, Sender<()>) {
        let (entered_tx, entered_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel();
        *self.gate.lock().unwrap() = Some((entered_tx, release_rx));
        (entered_rx, release_tx)
    }
}

impl PlatformKeyStore for GatedKeyStore {
    fn wrap(&self, alias: &str, plaintext: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        self.inner.wrap(alias, plaintext)
    }
    fn unwrap(&self, alias: &str, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
        let gate = self.gate.lock().unwrap().take();
        if let Some((entered, release)) = gate {
            entered.send(()).unwrap();
            release.recv().unwrap();
        }
        self.inner.unwrap(alias, wrapped)
    }
    fn delete(&self, alias: &str) -> Result<(), KeyStoreError> {
        self.inner.delete(alias)
    }
}

fn setup() -> (tempfile::TempDir, Arc<GatedKeyStore>, Arc<Harbour>) {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(GatedKeyStore {
        inner: MemoryKeyStore::new(),
        gate: Mutex::new(None),
    });
    let h = Arc::new(Harbour::open(testing_config(dir.path()), keys.clone()).unwrap());
    h.create_vault(Secret::from_text(PIN)).unwrap();
    h.add_note("kept".into(), vec![]).unwrap();
    h.lock().unwrap();
    (dir, keys, h)
}

/// Runs `f` on another thread and fails if it has not answered within a generous bound
/// (the call under test is blocked forever otherwise, so this cannot flake on a slow CI).
fn answers<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(f()).unwrap());
    rx.recv_timeout(Duration::from_secs(20))
        .expect("the call waited behind the unlock")
}

/// Starts `call` on another thread and returns once it has stopped in the key store's
/// `unwrap` (mid-way through its secret check): its handle, and the sender that lets it go on.
fn stopped_in<T: Send + 'static>(
    keys: &GatedKeyStore,
    h: &Arc<Harbour>,
    call: impl FnOnce(&Harbour) -> T + Send + 'static,
) -> (std::thread::JoinHandle<T>, Sender<()>) {
    let (entered, release) = keys.arm();
    let h = h.clone();
    let handle = std::thread::spawn(move || call(&h));
    entered.recv().unwrap();
    (handle, release)
}

#[test]
fn is_unlocked_and_lock_answer_while_an_unlock_is_running_and_the_lock_wins() {
    let (_dir, keys, h) = setup();
    let (unlocking, release) = stopped_in(&keys, &h, |h| h.unlock(Secret::from_text(PIN))); // mid-way through its secret check

    let h2 = h.clone();
    assert!(!answers(move || h2.is_unlocked()));
    let h2 = h.clone();
    // Locked (the try under way is already counted: a kill mid-KDF must not give a free try).
    let state = answers(move || h2.vault_state()).unwrap();
    assert!(matches!(state, VaultState::Locked { .. }), "{state:?}");
    let h2 = h.clone();
    answers(move || h2.lock()).unwrap();

    release.send(()).unwrap();
    // The quick exit came after the unlock began: it wins, and the derived keys are dropped.
    assert_eq!(unlocking.join().unwrap(), Err(Error::Locked));
    assert!(!h.is_unlocked());
    assert_eq!(h.list_notes().unwrap_err(), Error::Locked);

    // Nothing was broken by it: the next unlock works and the note is there.
    h.unlock(Secret::from_text(PIN)).unwrap();
    assert!(h.is_unlocked());
    assert_eq!(h.list_notes().unwrap().notes.len(), 1);
}

#[test]
fn a_lock_during_a_long_call_wipes_the_keys_as_that_call_ends() {
    let (_dir, keys, h) = setup();
    h.unlock(Secret::from_text(PIN)).unwrap();
    // A rotation holds the state lock through the same key-store call.
    let (busy, release) = stopped_in(&keys, &h, |h| h.rotate_data_key(Secret::from_text(PIN)));
    let h2 = h.clone();
    answers(move || h2.lock()).unwrap();
    assert!(!h.is_unlocked(), "locked from the moment lock returned");
    release.send(()).unwrap();
    let _ = busy.join().unwrap();
    assert!(!h.is_unlocked());
    assert_eq!(h.list_notes().unwrap_err(), Error::Locked);
    assert_eq!(h.plan().unwrap_err(), Error::Locked);
}

#[test]
fn an_unlock_with_no_lock_in_between_still_unlocks() {
    let (_dir, keys, h) = setup();
    let (unlocking, release) = stopped_in(&keys, &h, |h| h.unlock(Secret::from_text(PIN)));
    let h2 = h.clone();
    assert!(
        !answers(move || h2.is_unlocked()),
        "not unlocked until the keys are in"
    );
    release.send(()).unwrap();
    unlocking.join().unwrap().unwrap();
    assert!(h.is_unlocked());
    assert!(matches!(
        h.vault_state().unwrap(),
        VaultState::Unlocked { .. }
    ));
}

#[test]
fn quick_access_answers_while_an_unlock_is_running() {
    let (_dir, keys, h) = setup();
    h.unlock(Secret::from_text(PIN)).unwrap();
    let id = h.add_note("reasons".into(), vec![]).unwrap().id;
    h.set_note_quick_access(&id, true).unwrap();
    h.add_plan_item(Section::PeopleToAsk, "my aunt".into(), None, None)
        .unwrap();
    h.set_plan_quick_access(Section::PeopleToAsk, true).unwrap();
    h.lock().unwrap();

    let (unlocking, release) = stopped_in(&keys, &h, |h| h.unlock(Secret::from_text(PIN)));
    let h2 = h.clone();
    let notes = answers(move || h2.quick_access_notes()).unwrap();
    assert_eq!(notes.len(), 1);
    let h2 = h.clone();
    let quick = answers(move || h2.quick_access()).unwrap();
    assert_eq!((quick.sections.len(), quick.notes.len()), (1, 1));
    release.send(()).unwrap();
    unlocking.join().unwrap().unwrap();
}

#[test]
fn quick_access_read_beside_a_busy_lock_still_hides_notes_in_a_supported_session() {
    let (_dir, keys, h) = setup();
    h.unlock(Secret::from_text(PIN)).unwrap();
    let id = h.add_note("reasons".into(), vec![]).unwrap().id;
    h.set_note_quick_access(&id, true).unwrap();
    h.begin_supported_session().unwrap();

    // Ending the session checks the secret with the state lock held, through a key-store call.
    let (busy, release) = stopped_in(&keys, &h, |h| {
        h.end_supported_session(Secret::from_text(PIN))
    });
    let h2 = h.clone();
    assert!(answers(move || h2.quick_access()).unwrap().notes.is_empty());
    let h2 = h.clone();
    assert_eq!(
        answers(move || h2.quick_access_notes()).unwrap_err(),
        Error::SessionActive
    );
    release.send(()).unwrap();
    busy.join().unwrap().unwrap();
}

#[test]
fn notes_can_be_written_while_a_reauthentication_derives_its_key() {
    let (_dir, keys, h) = setup();
    h.unlock(Secret::from_text(PIN)).unwrap();
    // "Enter your PIN again" before an export: Argon2id runs without the state lock.
    let (reauth, release) = stopped_in(&keys, &h, |h| h.reauthenticate(Secret::from_text(PIN)));
    let h2 = h.clone();
    answers(move || h2.add_note("written meanwhile".into(), vec![])).unwrap();
    let h2 = h.clone();
    assert_eq!(answers(move || h2.list_notes()).unwrap().notes.len(), 2);
    release.send(()).unwrap();
    reauth.join().unwrap().unwrap();
    assert!(h.authenticated_at().is_some());
}

#[test]
fn a_lock_during_a_reauthentication_wins() {
    let (_dir, keys, h) = setup();
    h.unlock(Secret::from_text(PIN)).unwrap();
    let (reauth, release) = stopped_in(&keys, &h, |h| h.reauthenticate(Secret::from_text(PIN)));
    h.lock().unwrap();
    release.send(()).unwrap();
    assert_eq!(reauth.join().unwrap(), Err(Error::Locked));
    assert!(!h.is_unlocked());
    assert_eq!(h.authenticated_at(), None);
}

#[test]
fn an_unlock_nobody_waits_for_any_more_leaves_the_vault_locked() {
    let (_dir, _keys, h) = setup();
    // The FFI asks "is anyone still waiting?" (a cancelled coroutine says no) just before the
    // keys go in.
    assert_eq!(
        h.unlock_if_wanted(Secret::from_text(PIN), &|| false),
        Err(Error::Locked)
    );
    assert!(!h.is_unlocked());
    h.unlock_if_wanted(Secret::from_text(PIN), &|| true)
        .unwrap();
    assert!(h.is_unlocked());
}

/// A coping moment is a crisis call: while a rotation holds the state lock it still answers,
/// with what quick access can read, and "worse or not safe" still reaches help.
#[test]
fn a_coping_moment_answers_while_a_rotation_holds_the_state_lock() {
    let (_dir, keys, h) = setup();
    h.unlock(Secret::from_text(PIN)).unwrap();
    h.set_idea_favourite("blanket", true).unwrap();
    h.set_toolbox_quick_access(true).unwrap();
    let (busy, release) = stopped_in(&keys, &h, |h| h.rotate_data_key(Secret::from_text(PIN)));
    let h2 = h.clone();
    let moment =
        answers(move || h2.coping_moment(Some(harbour_core::Feeling::SadOrLonely))).unwrap();
    assert_eq!(
        moment.ideas[0].id, "blanket",
        "the quick-access toolbox, read beside the lock"
    );
    let h2 = h.clone();
    let after = answers(move || {
        h2.after_moment(
            None,
            harbour_core::HowNow::WorseOrNotSafe,
            &[],
            &Default::default(),
        )
    })
    .unwrap();
    assert!(matches!(after, harbour_core::AfterMoment::GetHelp { .. }));
    release.send(()).unwrap();
    busy.join().unwrap().unwrap();
}
