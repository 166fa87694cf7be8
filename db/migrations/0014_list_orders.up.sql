-- Sort orders of the other admin lists (issue 15.3): one index per key,
-- the id breaking ties, so that db/keyset.go reads a page upwards or
-- downwards from the index. The expressions must stay identical to the
-- orderColumns of db/tenant.go, db/audit_query.go, db/service_account.go
-- and db/nomination.go. The recording orders (audit CREATED_AT, nominations
-- CREATED_AT) are the ids and use the existing indexes; the audit trail of
-- one tenant sorted by action uses audit_events_tenant_action_idx (0006).
-- EXPLAIN figures: TestListOrderPlansUseIndexes (db/list_order_test.go).
CREATE INDEX tenants_order_name_idx ON tenants (name, id);
CREATE INDEX tenants_order_country_idx ON tenants (country, id);
CREATE INDEX tenants_order_created_idx ON tenants (created_at, id);
CREATE INDEX audit_events_order_action_idx ON audit_events (action, id);
CREATE INDEX service_accounts_tenant_created_idx ON service_accounts (tenant_id, created_at, user_id);
CREATE INDEX nominations_tenant_expiry_idx ON nominations (tenant_id, expires_at, id);
