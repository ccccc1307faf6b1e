-- Tenancy (postgresql). Keep in step with ../h2/V5__tenancy.sql.

-- Web components and instances belong to the tenant that deployed them (tenants.id). Rows from
-- before tenancy belong to the tenant 'system', the admin's. An instance keeps its own copy so a
-- STOPPING instance whose component was undeployed still has an owner. NULL only when rows
-- existed without a 'system' tenant; such rows are visible to admins alone.
ALTER TABLE web_components ADD COLUMN tenant_id VARCHAR(36);
UPDATE web_components SET tenant_id = (SELECT id FROM tenants WHERE name = 'system');
ALTER TABLE instances ADD COLUMN tenant_id VARCHAR(36);
UPDATE instances SET tenant_id = (SELECT id FROM tenants WHERE name = 'system');

-- Who caused each event: 'user:<username>', 'agent:<agent token name>' or 'hub' (its own timers).
-- Events written before this column existed say 'unknown'.
ALTER TABLE events ADD COLUMN actor VARCHAR(200) DEFAULT 'unknown' NOT NULL;
ALTER TABLE events ALTER COLUMN actor DROP DEFAULT;
CREATE INDEX events_tenant ON events (tenant_id, seq);
