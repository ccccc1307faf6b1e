-- Topologies and their jobs, issue 11 (h2). Keep in step with ../postgresql/V9__workflows.sql.
-- Times are epoch milliseconds. The workflow engine (on the leader, fenced by the lease) is the only writer.

-- A deployed application. spec: the validated topology document plus its components' ids.
-- agent_token: the agent token (id, name, expiresAt) the local target's processes connect with.
CREATE TABLE topologies (
  id                 VARCHAR(36)  PRIMARY KEY,
  tenant_id          VARCHAR(36)  NOT NULL,
  name               VARCHAR(64)  NOT NULL,
  availability_zone  VARCHAR(64)  NOT NULL,
  target             VARCHAR(16)  NOT NULL,
  spec               TEXT         NOT NULL,
  state              VARCHAR(16)  NOT NULL,
  agent_token        TEXT,
  created_at         BIGINT       NOT NULL,
  updated_at         BIGINT       NOT NULL,
  CONSTRAINT topologies_name UNIQUE (tenant_id, name, availability_zone)
);

-- One node of a component. exports: the values its scripts published; placement: what the target
-- keeps to find the node again (a local process's pid and directory, a claimed agent node).
CREATE TABLE topology_nodes (
  id              VARCHAR(36)   PRIMARY KEY,
  topology_id     VARCHAR(36)   NOT NULL,
  component       VARCHAR(64)   NOT NULL,
  name            VARCHAR(128)  NOT NULL,
  role            VARCHAR(64)   NOT NULL,
  position        INT           NOT NULL,
  state           VARCHAR(16)   NOT NULL,
  settings        TEXT          NOT NULL,
  exports         TEXT          NOT NULL,
  agent_node_id   VARCHAR(36),
  placement       TEXT,
  created_at      BIGINT        NOT NULL,
  updated_at      BIGINT        NOT NULL
);
CREATE INDEX topology_nodes_topology ON topology_nodes (topology_id);

-- One operation on a topology. plan: its workflows, stages and tasks (fixed when it is created);
-- request_id: the API request that created it, so a request repeated across a takeover makes one job.
CREATE TABLE jobs (
  id            VARCHAR(36)   PRIMARY KEY,
  tenant_id     VARCHAR(36)   NOT NULL,
  topology_id   VARCHAR(36)   NOT NULL,
  kind          VARCHAR(32)   NOT NULL,
  state         VARCHAR(16)   NOT NULL,
  plan          TEXT          NOT NULL,
  error         TEXT,
  request_id    VARCHAR(200),
  done_tasks    INT           NOT NULL,
  total_tasks   INT           NOT NULL,
  created_at    BIGINT        NOT NULL,
  started_at    BIGINT,
  ended_at      BIGINT
);
CREATE INDEX jobs_topology ON jobs (topology_id, created_at);
CREATE INDEX jobs_state ON jobs (state);

-- Where each task of a job stands: the step it is at, the command that step sent (its id is kept,
-- so a resumed job asks for the same command and the agent answers with its stored result).
CREATE TABLE job_tasks (
  job_id       VARCHAR(36)   NOT NULL,
  task_id      VARCHAR(160)  NOT NULL,
  state        VARCHAR(16)   NOT NULL,
  step         INT           NOT NULL,
  attempts     INT           NOT NULL,
  command_id   VARCHAR(36),
  started_at   BIGINT,
  ended_at     BIGINT,
  not_before   BIGINT,
  exit_code    INT,
  last_lines   TEXT,
  detail       TEXT,
  PRIMARY KEY (job_id, task_id)
);

-- A generic node's labels from its hello: the existing target claims nodes by label.
ALTER TABLE agent_nodes ADD COLUMN labels TEXT;
