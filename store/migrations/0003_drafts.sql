-- 0003: lab drafts. A draft is what a user's editor holds for a lab, saved as they type;
-- draft_snapshots keep its history, coalesced (one row per stretch of editing) and
-- bounded per user and lab, so an assessment can replay how a solution came about.

CREATE TABLE drafts (
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	lab        TEXT    NOT NULL,
	files      TEXT    NOT NULL, -- JSON object: file name -> source
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, lab)
) STRICT, WITHOUT ROWID;

-- A snapshot with reset = 1 records a reset to the starter (files '{}').
CREATE TABLE draft_snapshots (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	lab        TEXT    NOT NULL,
	files      TEXT    NOT NULL,
	reset      INTEGER NOT NULL DEFAULT 0,
	started_at INTEGER NOT NULL, -- the first save folded into this snapshot
	saved_at   INTEGER NOT NULL  -- the last
) STRICT;
CREATE INDEX draft_snapshots_lab ON draft_snapshots (user_id, lab, id);
