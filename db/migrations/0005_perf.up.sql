-- Read path of the users page at scale (1M users, 10k tenants): indexes and
-- one denormalised column, chosen with EXPLAIN (ANALYZE, BUFFERS) on the
-- benchmark dataset (see BENCHMARKS.md).

-- memberships.username copies users.username (which never changes, R2) so
-- that a tenant's users are read in page order straight from an index: a
-- page of 50 costs 50 index entries instead of a walk over every user or a
-- sort of the whole tenant. A trigger fills it on every insert, whatever the
-- caller passes, and a rename (should one ever happen) is propagated.
ALTER TABLE memberships ADD COLUMN username text;
UPDATE memberships m SET username = u.username FROM users u WHERE u.id = m.user_id;
ALTER TABLE memberships ALTER COLUMN username SET NOT NULL;

CREATE FUNCTION memberships_set_username() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT username INTO NEW.username FROM users WHERE id = NEW.user_id;
    RETURN NEW;
END $$;
CREATE TRIGGER memberships_set_username BEFORE INSERT OR UPDATE OF user_id, username ON memberships
    FOR EACH ROW EXECUTE FUNCTION memberships_set_username();

CREATE FUNCTION users_propagate_username() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE memberships SET username = NEW.username WHERE user_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER users_propagate_username AFTER UPDATE OF username ON users
    FOR EACH ROW WHEN (OLD.username IS DISTINCT FROM NEW.username) EXECUTE FUNCTION users_propagate_username();

-- A tenant's member by user, with the username: the holders of a role
-- filter are matched to their membership and sorted without visiting the
-- table. Same constraint name, so a duplicate is still ALREADY_MEMBER.
ALTER TABLE memberships DROP CONSTRAINT memberships_tenant_id_user_id_key,
    ADD CONSTRAINT memberships_tenant_id_user_id_key UNIQUE (tenant_id, user_id) INCLUDE (username, id);

-- A tenant's members in username order (the page), with what the filters
-- and the page need, for index-only scans.
CREATE INDEX memberships_tenant_username_idx ON memberships (tenant_id, username) INCLUDE (user_id, id);

-- A user's memberships with their tenant: the membership probe of a page
-- walked in username order over many tenants, and the batch load of
-- memberships, without visiting the table.
DROP INDEX memberships_user_id_idx;
CREATE INDEX memberships_user_id_idx ON memberships (user_id, tenant_id) INCLUDE (id);

-- Role filters (category, product, role, assignment status) answered from
-- the index: the users of a tenant holding some roles (counts, and the set
-- a tenant's page is matched against), per user for the platform-wide page.
CREATE INDEX role_assignments_tenant_role_idx ON role_assignments (tenant_id, role_id, user_id) INCLUDE (status);
-- A tenant's role assignments by user: the role filter checked for one
-- member while walking the members in username order. It replaces
-- (tenant_id, product_id, user_id): a product filter is a set of roles.
CREATE INDEX role_assignments_tenant_user_idx ON role_assignments (tenant_id, user_id) INCLUDE (role_id, status);
DROP INDEX role_assignments_tenant_product_idx;
DROP INDEX role_assignments_user_id_idx;
CREATE INDEX role_assignments_user_id_idx ON role_assignments (user_id) INCLUDE (role_id, tenant_id, status);

-- Platform-wide role filters (a count over every holder of some roles)
-- read the holders from the index instead of the table.
DROP INDEX role_assignments_role_id_idx;
CREATE INDEX role_assignments_role_id_idx ON role_assignments (role_id, user_id) INCLUDE (status);

-- Users in username order with what a walk over them checks (the id for
-- the membership and role probes, the status filter) without visiting the
-- table. Same name, so a duplicate is still reported as USERNAME_TAKEN.
CREATE UNIQUE INDEX users_username_covering_key ON users (username) INCLUDE (id, status);
DROP INDEX users_username_key;
ALTER INDEX users_username_covering_key RENAME TO users_username_key;

-- Counting users by status inside a tenant joins the few non-active users
-- instead of probing every member (ACTIVE is counted as the rest).
CREATE INDEX users_inactive_status_idx ON users (status, id) WHERE status <> 'ACTIVE';
