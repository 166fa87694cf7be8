-- Module levels (issue 16.2, seed 003): on some products the roles are
-- levels of one module and a member holds exactly one of them per tenant.
ALTER TABLE products ADD COLUMN single_level boolean NOT NULL DEFAULT false;

-- Roles that left the catalog file stay where they are assigned (their
-- holders keep them until changed) but are never given again.
ALTER TABLE roles ADD COLUMN retired boolean NOT NULL DEFAULT false;
