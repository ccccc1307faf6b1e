-- Agent tokens (H2). Keep in step with ../postgresql/V3__agent_tokens.sql.
-- The token itself is a JWT and is never stored; this row lets admins list and revoke it.
CREATE TABLE agent_tokens (
  id          VARCHAR(36)  PRIMARY KEY,
  name        VARCHAR(128) NOT NULL,
  created_by  VARCHAR(64)  NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  revoked_at  TIMESTAMP WITH TIME ZONE
);
