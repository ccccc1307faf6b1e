-- One writer per database (postgresql). Keep in step with ../h2/V7__leases.sql.

-- The lease of the hub that runs the singletons (the hypervisor). Times are the database's clock in
-- epoch milliseconds, so hubs with skewed clocks agree on expiry. Taking the lease adds 1 to epoch;
-- every write a singleton makes first checks, in its own transaction, that epoch is still its own.
CREATE TABLE leases (
  name           VARCHAR(64)   PRIMARY KEY,
  holder         VARCHAR(64),
  holder_info    VARCHAR(512),
  clustered      BOOLEAN       NOT NULL,
  epoch          BIGINT        NOT NULL,
  renewed_at_ms  BIGINT        NOT NULL,
  expires_at_ms  BIGINT        NOT NULL
);
INSERT INTO leases (name, holder, holder_info, clustered, epoch, renewed_at_ms, expires_at_ms)
  VALUES ('singletons', NULL, NULL, FALSE, 0, 0, 0);

-- The epoch of the leader that wrote each hypervisor event (NULL for other writers): an audit that
-- no deposed leader's write was applied after its successor's.
ALTER TABLE events ADD COLUMN epoch BIGINT;

-- Mutating requests the leader applied, by request id, with their first answer: a retry of one
-- (after a takeover, or by a client repeating its X-Request-Id) is answered again, not re-applied.
CREATE TABLE applied_requests (
  request_id     VARCHAR(160)  PRIMARY KEY,
  fingerprint    VARCHAR(64)   NOT NULL,
  reply          TEXT NOT NULL,
  applied_at_ms  BIGINT        NOT NULL
);
CREATE INDEX applied_requests_at ON applied_requests (applied_at_ms);
