-- 0001: users, sessions, per-user settings, card states, the review log and lab attempts.
-- Times are Unix milliseconds (UTC); 0 stands for "never" where a time may be absent.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL COLLATE NOCASE UNIQUE,
	password_hash TEXT    NOT NULL DEFAULT '', -- argon2id PHC string; '' = cannot sign in
	created_at    INTEGER NOT NULL
) STRICT;

-- The local user owns progress until the first account takes over its row.
INSERT INTO users (id, name, password_hash, created_at)
VALUES (1, 'local', '', CAST(unixepoch('subsec') * 1000 AS INTEGER));

CREATE TABLE sessions (
	token_hash BLOB    PRIMARY KEY, -- SHA-256 of the token; the token itself is never stored
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- A user without a row here has the default settings.
CREATE TABLE settings (
	user_id           INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	desired_retention REAL    NOT NULL,
	new_per_day       INTEGER NOT NULL,
	rollover_hour     INTEGER NOT NULL,
	max_interval_days INTEGER NOT NULL,
	time_zone         TEXT    NOT NULL
) STRICT;

-- One row per (user, card) once the card has been rated; no row = new.
CREATE TABLE card_states (
	user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	card_id        TEXT    NOT NULL,
	due            INTEGER NOT NULL,
	stability      REAL    NOT NULL,
	difficulty     REAL    NOT NULL,
	scheduled_days INTEGER NOT NULL,
	learning_step  INTEGER NOT NULL,
	reps           INTEGER NOT NULL,
	lapses         INTEGER NOT NULL,
	state          INTEGER NOT NULL,
	last_review    INTEGER NOT NULL,
	PRIMARY KEY (user_id, card_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX card_states_due ON card_states (user_id, due);

-- Every rating with the card's state before and after it, so Undo can restore the
-- state before and statistics need not replay the scheduler. had_state = 0 means the
-- card had no row before (the before_* columns then hold a new card due at reviewed_at).
CREATE TABLE review_log (
	id                    INTEGER PRIMARY KEY,
	user_id               INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	card_id               TEXT    NOT NULL,
	reviewed_at           INTEGER NOT NULL,
	rating                INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
	elapsed_ms            INTEGER NOT NULL,
	had_state             INTEGER NOT NULL,
	before_state          INTEGER NOT NULL,
	before_due            INTEGER NOT NULL,
	before_stability      REAL    NOT NULL,
	before_difficulty     REAL    NOT NULL,
	before_scheduled_days INTEGER NOT NULL,
	before_learning_step  INTEGER NOT NULL,
	before_reps           INTEGER NOT NULL,
	before_lapses         INTEGER NOT NULL,
	before_last_review    INTEGER NOT NULL,
	after_state           INTEGER NOT NULL,
	after_due             INTEGER NOT NULL,
	after_stability       REAL    NOT NULL,
	after_difficulty      REAL    NOT NULL,
	after_scheduled_days  INTEGER NOT NULL,
	after_learning_step   INTEGER NOT NULL,
	after_reps            INTEGER NOT NULL,
	after_lapses          INTEGER NOT NULL,
	after_last_review     INTEGER NOT NULL
) STRICT;
CREATE INDEX review_log_user_time ON review_log (user_id, reviewed_at);

CREATE TABLE attempts (
	id          INTEGER PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	lab         TEXT    NOT NULL,
	mode        TEXT    NOT NULL CHECK (mode IN ('run', 'submit')),
	verdict     TEXT    NOT NULL,
	result_json TEXT    NOT NULL, -- the grader's result as given; '' if none
	source      TEXT    NOT NULL, -- JSON object: file name -> content
	duration_ms INTEGER NOT NULL,
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX attempts_user_lab ON attempts (user_id, lab, id);
