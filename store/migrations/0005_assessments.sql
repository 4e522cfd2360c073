-- 0005: roles, take-home assessments and their invites, personal API tokens and the
-- audit log of assessments.

-- An account's role. The first account (it takes over the local user, id 1) is admin.
-- 'candidate' is the store user an invite owns its drafts and attempts as: it has no
-- password, never signs in and is not listed as an account.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'member'
	CHECK (role IN ('admin', 'interviewer', 'member', 'candidate'));
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
UPDATE users SET role = 'admin' WHERE id = 1;

CREATE TABLE assessments (
	id                 INTEGER PRIMARY KEY,
	owner_id           INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	title              TEXT    NOT NULL,
	labs               TEXT    NOT NULL, -- JSON array of lab slugs, in order
	cards              TEXT    NOT NULL, -- JSON array of card ids
	time_limit_minutes INTEGER NOT NULL CHECK (time_limit_minutes > 0),
	expires_at         INTEGER NOT NULL,
	note               TEXT    NOT NULL,
	created_at         INTEGER NOT NULL
) STRICT;
CREATE INDEX assessments_owner ON assessments (owner_id, id);

-- An invite's drafts and attempts belong to its own candidate user (user_id), so the
-- workspace's tables and code serve it unchanged and nothing else can reach them.
CREATE TABLE invites (
	id             INTEGER PRIMARY KEY,
	assessment_id  INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
	user_id        INTEGER NOT NULL UNIQUE REFERENCES users (id),
	token_hash     BLOB    NOT NULL UNIQUE, -- SHA-256 of the token; the token is shown once
	label          TEXT    NOT NULL,
	created_at     INTEGER NOT NULL,
	expires_at     INTEGER NOT NULL, -- the link must be started before this
	extra_ms       INTEGER NOT NULL DEFAULT 0,
	opened_at      INTEGER NOT NULL DEFAULT 0,
	started_at     INTEGER NOT NULL DEFAULT 0,
	finished_at    INTEGER NOT NULL DEFAULT 0,
	auto_submitted INTEGER NOT NULL DEFAULT 0 CHECK (auto_submitted IN (0, 1)),
	revoked_at     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX invites_assessment ON invites (assessment_id, id);
CREATE INDEX invites_running ON invites (started_at) WHERE finished_at = 0 AND revoked_at = 0 AND started_at <> 0;

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         TEXT    NOT NULL,
	token_hash   BLOB    NOT NULL UNIQUE,
	created_at   INTEGER NOT NULL,
	last_used_at INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE audit_log (
	id            INTEGER PRIMARY KEY,
	assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
	invite_id     INTEGER NOT NULL DEFAULT 0, -- 0: the assessment itself
	attempt_id    INTEGER NOT NULL DEFAULT 0, -- the attempt a submit event made
	actor         TEXT    NOT NULL,           -- an account's name, "candidate" or "system"
	event         TEXT    NOT NULL,
	detail        TEXT    NOT NULL DEFAULT '',
	at            INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_log_assessment ON audit_log (assessment_id, id);
