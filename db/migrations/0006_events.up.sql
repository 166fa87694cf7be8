-- Real-time events (R28), audit trail retention (R26) and service accounts
-- (R27).

-- The relay's durable position. Every event with id <= published_through is
-- final (its transaction committed or rolled back) and has been published;
-- events with id <= pruned_through may have been deleted by the retention
-- job, so a dashboard resuming from an older cursor must reload instead.
CREATE TABLE event_relay_state (
    id                integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    published_through bigint NOT NULL DEFAULT 0,
    pruned_through    bigint NOT NULL DEFAULT 0,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
INSERT INTO event_relay_state DEFAULT VALUES;

-- The audit event written with the change (RecordChange), so that a change
-- event can point to the full audit record. No foreign key: audit retention
-- deletes old rows independently.
ALTER TABLE events ADD COLUMN audit_event_id bigint;

-- Wakes the relay as soon as events commit: NOTIFY is delivered at commit,
-- and several notifications of one transaction fold into one.
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tenantadmin_events', '');
    RETURN NULL;
END $$;
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_notify();

-- event_relay_horizon returns the last event id allocated so far and the
-- transactions (virtual transaction ids) that may still be writing events.
-- Ids are allocated before commit, so a lower id can commit after a higher
-- one; but a transaction takes its RowExclusiveLock on events before it
-- allocates an id and keeps it until it ends. Once none of the returned
-- writers holds that lock any more, every id <= last_id is final: committed
-- and visible, or rolled back for good. The sequence is read before the
-- locks, in this order, which is why this is a function.
CREATE FUNCTION event_relay_horizon(OUT last_id bigint, OUT writers text[])
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    called boolean;
BEGIN
    SELECT s.last_value, s.is_called INTO last_id, called
        FROM events_id_seq s;
    IF NOT called THEN
        last_id := last_id - 1;
    END IF;
    SELECT coalesce(array_agg(l.virtualtransaction), '{}') INTO writers
        FROM pg_locks l
        WHERE l.locktype = 'relation'
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.relation = 'events'::regclass
          AND l.mode = 'RowExclusiveLock'
          AND l.pid IS DISTINCT FROM pg_backend_pid();
END $$;

-- Audit queries filter by action and time inside a tenant.
CREATE INDEX audit_events_tenant_action_idx ON audit_events (tenant_id, action, id);

-- Service accounts (R27): users of kind SERVICE, scoped to one tenant, with
-- a description for the humans who manage them.
CREATE TABLE service_accounts (
    user_id     bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    tenant_id   bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    created_by  bigint,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX service_accounts_tenant_idx ON service_accounts (tenant_id, user_id);

-- Bearer tokens of service accounts. Only the SHA-256 of a token is stored;
-- hint is its recognisable beginning ("sat_" and a few characters).
CREATE TABLE service_account_tokens (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_account_id bigint NOT NULL REFERENCES service_accounts (user_id) ON DELETE CASCADE,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash         bytea NOT NULL,
    hint               text NOT NULL,
    created_by         bigint,
    created_at         timestamptz NOT NULL DEFAULT now(),
    expires_at         timestamptz NOT NULL,
    last_used_at       timestamptz,
    revoked_at         timestamptz,
    rotated_from_id    bigint REFERENCES service_account_tokens (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX service_account_tokens_hash_key ON service_account_tokens (token_hash);
CREATE INDEX service_account_tokens_account_idx ON service_account_tokens (service_account_id, id);
