-- Security records belong to tenants (issue 13, item 7; R1, R23): a failed
-- sign-in is an event of the tenants the account belonged to when it
-- happened, and only their administrators see it. A tenant that attaches an
-- existing person later does not see what happened before, nor what other
-- tenants see.
ALTER TABLE failed_logins ADD COLUMN tenant_ids bigint[] NOT NULL DEFAULT '{}';

-- Earlier records: the tenants whose membership existed at the time.
UPDATE failed_logins fl SET tenant_ids = coalesce((
    SELECT array_agg(m.tenant_id ORDER BY m.tenant_id) FROM memberships m
    WHERE m.user_id = fl.user_id AND m.created_at <= fl.created_at), '{}');
