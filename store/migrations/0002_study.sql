-- 0002: cards a user set aside (suspended until lifted, or buried until a time), and two
-- review settings: the daily review limit and the order new cards come in.

CREATE TABLE card_flags (
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	card_id      TEXT    NOT NULL,
	suspended    INTEGER NOT NULL DEFAULT 0,
	buried_until INTEGER NOT NULL DEFAULT 0, -- Unix ms; 0 = not buried
	PRIMARY KEY (user_id, card_id)
) STRICT, WITHOUT ROWID;

ALTER TABLE settings ADD COLUMN reviews_per_day INTEGER NOT NULL DEFAULT 200;
ALTER TABLE settings ADD COLUMN new_order TEXT NOT NULL DEFAULT 'file';
