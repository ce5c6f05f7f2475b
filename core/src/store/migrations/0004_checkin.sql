-- Schema 4: private check-ins (how strong a feeling was, what came before, what was tried
-- and what helped). Same record shape as notes: only id, revision and compartment are
-- plaintext, and the id is random, so the table says nothing about when or how often.

CREATE TABLE checkin (
    id          TEXT    PRIMARY KEY,
    revision    INTEGER NOT NULL,
    compartment INTEGER NOT NULL,  -- 0 private (needs the secret), 1 quick access
    body        BLOB    NOT NULL
);

CREATE INDEX checkin_integrity ON checkin (id, revision, compartment);
