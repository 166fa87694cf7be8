-- A tenant's failed sign-ins (issue 16.6, seed 003): the records whose
-- tenants include it, newest first.
CREATE INDEX failed_logins_tenant_ids_idx ON failed_logins USING gin (tenant_ids);
