-- Sort orders of the other admin lists (issue 15.3): one index per key,
-- the id breaking ties, so that db/keyset.go reads a page upwards or
-- downwards from the index. The expressions must stay identical to the
-- orderColumns of db/tenant.go, db/audit_query.go, db/service_account.go
-- and db/nomination.go. The recording orders (audit CREATED_AT, nominations
-- CREATED_AT) are the ids and use the existing indexes; the audit trail of
-- one tenant sorted by action uses audit_events_tenant_action_idx (0006).
-- The keys are plain (NULLS LAST) as the key columns are NOT NULL, and
-- db/keyset.go sorts them without NULLS (see orderColumn).
--
-- EXPLAIN ANALYZE of a page after the first (TestListOrderPlansUseIndexes,
-- 10,000 tenants, 300,000 audit events, a tenant with 3,000 service
-- accounts and 5,000 nominations): each reads 51 entries of its index,
-- forwards or backwards, in 0.05 to 0.7 ms; with NULLS FIRST in the ORDER
-- BY every page sorted all its rows (top-N heapsort).
CREATE INDEX tenants_order_name_idx ON tenants (name, id);
CREATE INDEX tenants_order_country_idx ON tenants (country, id);
CREATE INDEX tenants_order_created_idx ON tenants (created_at, id);
CREATE INDEX audit_events_order_action_idx ON audit_events (action, id);
CREATE INDEX service_accounts_tenant_created_idx ON service_accounts (tenant_id, created_at, user_id);
CREATE INDEX nominations_tenant_expiry_idx ON nominations (tenant_id, expires_at, id);
