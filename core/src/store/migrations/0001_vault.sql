-- Schema 1: the vault, its key slots, wrong-secret throttling and coping notes.
--
-- Plaintext columns are an explicit allowlist (store::tests::plaintext_columns_are_allowlisted).
-- Everything the user wrote, and every timestamp and kind, is inside an encrypted BLOB.

CREATE TABLE vault (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    vault_id    BLOB    NOT NULL,  -- random; HKDF salt and part of platform key aliases
    epoch       INTEGER NOT NULL,  -- data-key generation; bumped by key rotation
    secret_kind TEXT    NOT NULL,  -- 'pin' or 'passphrase', so the app shows the right keyboard
    canary      BLOB    NOT NULL,  -- known value sealed under the canary subkey
    integrity   BLOB    NOT NULL   -- sealed accumulator over every record's (id, revision)
);

CREATE TABLE key_slot (
    kind  TEXT    PRIMARY KEY,     -- 'secret' or 'device'
    epoch INTEGER NOT NULL,
    blob  BLOB    NOT NULL         -- wrapped by the platform key store
);

CREATE TABLE unlock_attempts (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    failures        INTEGER NOT NULL,
    last_failure_ms INTEGER NOT NULL
);

-- Platform key aliases to delete once the transaction that retired them has committed.
CREATE TABLE retired_key (
    alias TEXT PRIMARY KEY
);

CREATE TABLE note (
    id          TEXT    PRIMARY KEY,
    revision    INTEGER NOT NULL,
    compartment INTEGER NOT NULL,  -- 0 private (needs the secret), 1 quick access
    body        BLOB    NOT NULL
);
