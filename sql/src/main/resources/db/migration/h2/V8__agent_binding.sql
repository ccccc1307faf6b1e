-- Agent identity (h2). Keep in step with ../postgresql/V8__agent_binding.sql.

-- The agent token (its id, the JWT's jti) a node is bound to: the token that first registered it,
-- or the one an admin enrolled it for. Hellos, heartbeats and frames for the node with another token
-- are refused. NULL only for nodes registered before this migration: their next hello binds them.
ALTER TABLE agent_nodes ADD COLUMN agent_token_id VARCHAR(64);

-- A REST-registered mothership or rain server an admin enrolled for an agent token: the hello with
-- that token makes it agent-managed (and the row is deleted); no other token's hello can.
CREATE TABLE node_enrolments (
  node_id         VARCHAR(36)  PRIMARY KEY,
  agent_token_id  VARCHAR(64)  NOT NULL,
  enrolled_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
