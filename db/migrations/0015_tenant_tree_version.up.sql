-- The tenant tree's version (issue 17.1): every statement that may change
-- which tenant is below which (a tenant added, removed, or given another
-- parent) adds one, in its own transaction. A request reads it with its
-- viewer, in the same statement; a server process keeps the tree of the
-- newest version it has read, and answers a subtree from it while that
-- version is at least the request's (db/tenant_tree.go), instead of walking
-- the tenants in PostgreSQL on every administrator's request.
CREATE TABLE tenant_tree_version (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL
);
INSERT INTO tenant_tree_version (version) VALUES (1);

CREATE FUNCTION tenant_tree_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tenant_tree_version SET version = version + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER tenants_tree_changed AFTER INSERT OR DELETE OR UPDATE OF id, parent_id ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION tenant_tree_changed();
CREATE TRIGGER tenants_tree_truncated AFTER TRUNCATE ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION tenant_tree_changed();
