-- Core schema: tenants in a hierarchy, the product and role catalog, users,
-- memberships, role assignments, groups and the audit trail.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE tenants (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id       bigint REFERENCES tenants (id) ON DELETE RESTRICT,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    country         text NOT NULL DEFAULT 'IT' CHECK (country ~ '^[A-Z]{2}$'),
    tax_code        text,
    certified_email text,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX tenants_parent_id_idx ON tenants (parent_id, id);
CREATE UNIQUE INDEX tenants_country_tax_code_key ON tenants (country, tax_code) WHERE tax_code IS NOT NULL;
CREATE INDEX tenants_name_trgm_idx ON tenants USING gin (name gin_trgm_ops);

CREATE TABLE products (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    name        text NOT NULL,
    description text NOT NULL DEFAULT ''
);

CREATE TABLE roles (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id           bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    code                 text NOT NULL,
    name                 text NOT NULL,
    category             text NOT NULL CHECK (category IN ('ADMIN', 'OPERATOR')),
    permissions          text[] NOT NULL DEFAULT '{}',
    requires_nomination  boolean NOT NULL DEFAULT false,
    personal_data_access boolean NOT NULL DEFAULT true,
    requires_site        boolean NOT NULL DEFAULT false,
    UNIQUE (product_id, code),
    -- Referenced by role_assignments so that an assignment's denormalised
    -- product and category always match its role.
    UNIQUE (id, product_id, category)
);

CREATE TABLE users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid            uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    kind           text NOT NULL DEFAULT 'HUMAN' CHECK (kind IN ('HUMAN', 'SERVICE')),
    username       text NOT NULL CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
    tax_code       text,
    tax_country    text,
    given_name     text NOT NULL DEFAULT '',
    family_name    text NOT NULL DEFAULT '',
    name_verified  boolean NOT NULL DEFAULT false,
    email          text,
    email_verified boolean NOT NULL DEFAULT false,
    phone          text,
    language       text NOT NULL DEFAULT 'it' CHECK (language IN ('it', 'fr', 'en')),
    time_zone      text NOT NULL DEFAULT 'Europe/Rome',
    status         text NOT NULL DEFAULT 'INVITED' CHECK (status IN ('INVITED', 'ACTIVE', 'SUSPENDED', 'LOCKED')),
    home_tenant_id bigint REFERENCES tenants (id) ON DELETE RESTRICT,
    platform_admin boolean NOT NULL DEFAULT false,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE UNIQUE INDEX users_tax_code_key ON users (tax_code) WHERE tax_code IS NOT NULL;
CREATE INDEX users_home_tenant_id_idx ON users (home_tenant_id);
CREATE INDEX users_email_idx ON users (lower(email));
-- One trigram index serves the R21 text search over name, email, username
-- and tax code.
CREATE INDEX users_search_trgm_idx ON users USING gin (
    (username || ' ' || coalesce(tax_code, '') || ' ' || given_name || ' ' || family_name || ' ' || coalesce(email, '')) gin_trgm_ops
);

CREATE TABLE memberships (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, user_id)
);
CREATE INDEX memberships_user_id_idx ON memberships (user_id);

-- membership_products fixes the one category a membership has on a product:
-- its primary key is what forbids ADMIN and OPERATOR roles of one product in
-- one tenant for one user (R9).
CREATE TABLE membership_products (
    membership_id bigint NOT NULL REFERENCES memberships (id) ON DELETE CASCADE,
    product_id    bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    category      text NOT NULL CHECK (category IN ('ADMIN', 'OPERATOR')),
    PRIMARY KEY (membership_id, product_id),
    UNIQUE (membership_id, product_id, category)
);

CREATE TABLE role_assignments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    membership_id bigint NOT NULL,
    tenant_id     bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    product_id    bigint NOT NULL,
    role_id       bigint NOT NULL,
    category      text NOT NULL,
    status        text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (membership_id, role_id),
    FOREIGN KEY (membership_id, product_id, category)
        REFERENCES membership_products (membership_id, product_id, category) ON DELETE CASCADE,
    FOREIGN KEY (role_id, product_id, category)
        REFERENCES roles (id, product_id, category) ON DELETE CASCADE
);
CREATE INDEX role_assignments_tenant_product_idx ON role_assignments (tenant_id, product_id, user_id);
CREATE INDEX role_assignments_user_id_idx ON role_assignments (user_id);
CREATE INDEX role_assignments_role_id_idx ON role_assignments (role_id);

CREATE TABLE groups (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    active     boolean NOT NULL DEFAULT true,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, product_id, name)
);

CREATE TABLE group_members (
    group_id   bigint NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user_id_idx ON group_members (user_id);

-- The audit trail keeps no foreign keys to users: it outlives them, and a
-- deleted user's rows keep only a pseudonym in actor_label.
CREATE TABLE audit_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   bigint,
    actor_id    bigint,
    actor_label text NOT NULL DEFAULT '',
    action      text NOT NULL,
    target_type text NOT NULL DEFAULT '',
    target_id   bigint,
    before      jsonb,
    after       jsonb,
    ip          text NOT NULL DEFAULT '',
    user_agent  text NOT NULL DEFAULT '',
    request_id  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_tenant_idx ON audit_events (tenant_id, id);
CREATE INDEX audit_events_target_idx ON audit_events (target_type, target_id, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id);

-- Credentials live apart from identity so that reads of users never touch
-- secrets.
CREATE TABLE credentials (
    user_id              bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    password_hash        text,
    password_changed_at  timestamptz,
    must_change_password boolean NOT NULL DEFAULT false,
    failed_attempts      integer NOT NULL DEFAULT 0,
    totp_secret          text,
    totp_enrolled_at     timestamptz
);

-- One-time setup of the first platform administrator: only the hash of the
-- token printed at first start is stored.
CREATE TABLE setup_tokens (
    token_hash bytea PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
