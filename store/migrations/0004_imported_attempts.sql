-- 0004: attempts read from a progress file are marked imported. They are kept and shown,
-- but a lab's status comes only from gradings this server did itself: a progress file
-- is the user's own JSON, and anyone can write "passed" into it.
ALTER TABLE attempts ADD COLUMN imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));
