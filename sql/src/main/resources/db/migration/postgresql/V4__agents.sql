-- Node agents (postgresql). Keep in step with ../h2/V4__agents.sql.

-- A node whose agent has said hello. For motherships and rain servers this row marks the record as
-- agent-managed (it then gets commands and is watched for heartbeats); a generic node exists only here.
CREATE TABLE agent_nodes (
  node_id        VARCHAR(36)  PRIMARY KEY,
  kind           VARCHAR(16)  NOT NULL,
  name           VARCHAR(128) NOT NULL,
  address        VARCHAR(512) NOT NULL,
  agent_version  VARCHAR(64)  NOT NULL,
  state          VARCHAR(16)  NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The durable outbox: every command to a node, numbered per node without gaps. A command stays
-- PENDING until its result arrives or it expires; the agent dedupes by command_id.
CREATE TABLE agent_commands (
  command_id   VARCHAR(36)  PRIMARY KEY,
  node_id      VARCHAR(36)  NOT NULL,
  seq          BIGINT       NOT NULL,
  action       VARCHAR(32)  NOT NULL,
  args         TEXT NOT NULL,
  state        VARCHAR(16)  NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  finished_at  TIMESTAMP WITH TIME ZONE,
  result       TEXT,
  CONSTRAINT agent_commands_node_seq UNIQUE (node_id, seq)
);
CREATE INDEX agent_commands_pending ON agent_commands (state, node_id, seq);
