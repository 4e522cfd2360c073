-- 0006: webhooks of assessments and their durable outbox.

-- An assessment's webhook: '' when it has none. The secret signs each delivery (HMAC-SHA256)
-- and is shown to the interviewer once, when the URL is set.
ALTER TABLE assessments ADD COLUMN webhook_url TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN webhook_secret TEXT NOT NULL DEFAULT '';
-- When the sweeper noticed that an invite expired unstarted (0: not yet).
ALTER TABLE invites ADD COLUMN expired_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX invites_unexpired ON invites (expires_at) WHERE started_at = 0 AND revoked_at = 0 AND expired_at = 0;

-- The outbox: a row is written in the transaction of its event, so a delivery is never
-- lost to a restart; the delivery loop updates it after each try.
CREATE TABLE webhook_deliveries (
	id            INTEGER PRIMARY KEY,
	assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
	invite_id     INTEGER NOT NULL,
	event         TEXT    NOT NULL, -- invite.submitted, invite.expired
	url           TEXT    NOT NULL, -- the URL when the event happened
	body          TEXT    NOT NULL, -- the JSON sent, signed as is
	created_at    INTEGER NOT NULL,
	attempts      INTEGER NOT NULL DEFAULT 0,
	next_at       INTEGER NOT NULL,           -- when to try next
	delivered_at  INTEGER NOT NULL DEFAULT 0, -- a 2xx answer
	failed_at     INTEGER NOT NULL DEFAULT 0, -- given up after the last attempt
	last_status   INTEGER NOT NULL DEFAULT 0,
	last_error    TEXT    NOT NULL DEFAULT '',
	last_at       INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX webhook_deliveries_assessment ON webhook_deliveries (assessment_id, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE delivered_at = 0 AND failed_at = 0;
