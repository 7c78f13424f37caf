-- Claim-code lockouts end by themselves (security review, issue 16): a lock lasts until
-- locked_until, and each lock since the last success or admin unlock (lock_count) lasts
-- twice as long as the one before, up to provisioning.lockout_max_s. locked_at stays: when
-- the current lock began. Locks from before this migration were permanent; they become the
-- first, shortest lock, counted from when they began (so most have already ended).
ALTER TABLE manufacturing_records ADD COLUMN locked_until BIGINT;
ALTER TABLE manufacturing_records ADD COLUMN lock_count INTEGER NOT NULL DEFAULT 0;
UPDATE manufacturing_records SET locked_until = locked_at + 900000, lock_count = 1 WHERE locked_at IS NOT NULL;
