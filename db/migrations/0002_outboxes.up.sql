-- Transactional outboxes: rows written in the same transaction as the change
-- they describe, delivered afterwards (email by the mailer, events by the
-- relay), so that nothing is lost between commit and delivery.

CREATE TABLE email_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_address      text NOT NULL,
    template        text NOT NULL,
    language        text NOT NULL DEFAULT 'it' CHECK (language IN ('it', 'fr', 'en')),
    data            jsonb NOT NULL DEFAULT '{}',
    tenant_id       bigint,
    user_id         bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    last_error      text
);
CREATE INDEX email_outbox_pending_idx ON email_outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX email_outbox_to_idx ON email_outbox (lower(to_address), id);

-- Invitations of R14: only the hash of the emailed token is stored.
CREATE TABLE invitations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id   bigint REFERENCES tenants (id) ON DELETE SET NULL,
    token_hash  bytea NOT NULL UNIQUE,
    created_by  bigint,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX invitations_user_idx ON invitations (user_id, id);

-- Change events for subscriptions (R28): ordered by id, which is also the
-- cursor a reconnecting dashboard resumes from.
CREATE TABLE events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   bigint,
    type        text NOT NULL,
    subject_type text NOT NULL,
    subject_id  bigint,
    payload     jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX events_tenant_idx ON events (tenant_id, id);
CREATE INDEX events_unpublished_idx ON events (id) WHERE published_at IS NULL;
