-- Node and instance lifecycle, issue 9 item 5 (postgresql). Keep in step with ../h2/V6__lifecycle.sql.
-- failure: why a FAILED instance failed, as JSON {action, step, script, exitCode, lastLines, nodeId, at}.
-- progress: the step its agent last reported starting (installing, configuring, starting...), null when idle.
-- target_version: the version an update was sent for; version changes only when the agent confirms it.
ALTER TABLE instances ADD COLUMN failure TEXT;
ALTER TABLE instances ADD COLUMN progress VARCHAR(32);
ALTER TABLE instances ADD COLUMN target_version VARCHAR(32);
-- Names are unique per kind; the hypervisor (the only writer) refuses duplicates with 409. No unique
-- index: databases written before this version may already hold duplicate names.
CREATE INDEX motherships_name ON motherships (name);
CREATE INDEX rain_servers_name ON rain_servers (name);
