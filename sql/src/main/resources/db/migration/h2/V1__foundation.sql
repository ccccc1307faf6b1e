-- Foundation schema (H2). Keep in step with ../postgresql/V1__foundation.sql.
CREATE TABLE tenants (
  id          VARCHAR(36)  PRIMARY KEY,
  name        VARCHAR(64)  NOT NULL UNIQUE,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE users (
  id             VARCHAR(36)  PRIMARY KEY,
  username       VARCHAR(64)  NOT NULL UNIQUE,
  password_hash  VARCHAR(512) NOT NULL,
  tenant_id      VARCHAR(36)  NOT NULL REFERENCES tenants (id),
  roles          VARCHAR(256) NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Values the hubs of one installation share, e.g. the JWT signing key.
CREATE TABLE hub_settings (
  name    VARCHAR(128)  PRIMARY KEY,
  content VARCHAR(4096) NOT NULL
);

-- One row whose lock orders event writers: sequence numbers are handed out in commit order
-- and without gaps, so a reader resuming from "since" can never skip an event.
CREATE TABLE event_sequence (
  id        INT    PRIMARY KEY,
  last_seq  BIGINT NOT NULL
);
INSERT INTO event_sequence (id, last_seq) VALUES (1, 0);

CREATE TABLE events (
  seq         BIGINT        PRIMARY KEY,
  type        VARCHAR(128)  NOT NULL,
  subject     VARCHAR(256)  NOT NULL,
  tenant_id   VARCHAR(36),
  payload     CHARACTER VARYING NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX events_type ON events (type, seq);
