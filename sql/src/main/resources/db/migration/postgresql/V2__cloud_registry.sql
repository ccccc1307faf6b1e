-- The cloud registry (PostgreSQL). Keep in step with ../h2/V2__cloud_registry.sql.
-- JSON documents (URL patterns, labels, descriptors) are stored as text and parsed by the hub.
-- TTL deadlines live in memory only: a restarted hub gives every node a fresh TTL rather than
-- writing each heartbeat.

CREATE TABLE rain_servers (
  id           VARCHAR(36)   PRIMARY KEY,
  name         VARCHAR(128)  NOT NULL,
  address      VARCHAR(512)  NOT NULL,
  urls         TEXT NOT NULL,
  labels       TEXT NOT NULL,
  ttl_seconds  INT,
  state        VARCHAR(16)   NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE motherships (
  id              VARCHAR(36)   PRIMARY KEY,
  name            VARCHAR(128)  NOT NULL,
  address         VARCHAR(512)  NOT NULL,
  cpu             DOUBLE PRECISION NOT NULL,
  ram_mb          BIGINT        NOT NULL,
  bandwidth_mbps  DOUBLE PRECISION NOT NULL,
  labels          TEXT NOT NULL,
  ttl_seconds     INT,
  state           VARCHAR(16)   NOT NULL,
  draining        BOOLEAN       NOT NULL,
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE web_components (
  id          VARCHAR(64)  NOT NULL,
  version     VARCHAR(32)  NOT NULL,
  descriptor  TEXT NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (id, version)
);

CREATE TABLE instances (
  id            VARCHAR(36)  PRIMARY KEY,
  component_id  VARCHAR(64)  NOT NULL,
  version       VARCHAR(32)  NOT NULL,
  state         VARCHAR(16)  NOT NULL,
  generation    INT          NOT NULL,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX instances_component ON instances (component_id, version);

-- Where an instance runs: its primary and its replicas, each holding a reservation.
CREATE TABLE placements (
  instance_id     VARCHAR(36) NOT NULL,
  mothership_id   VARCHAR(36) NOT NULL,
  role            VARCHAR(16) NOT NULL,
  cpu             DOUBLE PRECISION NOT NULL,
  ram_mb          BIGINT      NOT NULL,
  bandwidth_mbps  DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (instance_id, mothership_id)
);
CREATE INDEX placements_mothership ON placements (mothership_id);

-- Which rain server holds a connection to which mothership.
CREATE TABLE wiring (
  rain_server_id  VARCHAR(36) NOT NULL,
  mothership_id   VARCHAR(36) NOT NULL,
  PRIMARY KEY (rain_server_id, mothership_id)
);
