-- Schema 2: the safety plan, its history, and small encrypted settings.
-- Same record shape as notes: only id, revision and compartment are plaintext.

CREATE TABLE plan_section (
    id          TEXT    PRIMARY KEY,  -- the section's fixed key, e.g. 'warning_signs'
    revision    INTEGER NOT NULL,
    compartment INTEGER NOT NULL,     -- 1 when the user made the section quick access
    body        BLOB    NOT NULL
);

CREATE TABLE plan_version (
    id          TEXT    PRIMARY KEY,  -- zero-padded version number
    revision    INTEGER NOT NULL,
    compartment INTEGER NOT NULL,     -- always 0: history needs the secret
    body        BLOB    NOT NULL
);

CREATE TABLE setting (
    id          TEXT    PRIMARY KEY,
    revision    INTEGER NOT NULL,
    compartment INTEGER NOT NULL,
    body        BLOB    NOT NULL
);
