-- Access tokens can be revoked (security issue, requirement 3).
-- Every token carries its user's generation when it was issued; bumping the generation (password
-- change, admin reset, disable) makes every earlier token invalid, for good.
ALTER TABLE users ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0;

-- Single tokens revoked before they expire (logout), kept until their own expiry.
CREATE TABLE revoked_access_tokens (
  jti TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX revoked_access_tokens_expiry ON revoked_access_tokens (expires_at);
