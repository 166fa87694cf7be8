-- Delegated administration (R1–R13): pending email changes, group versions,
-- and what erasing a deleted user's personal data from the audit trail needs.

-- A user's own email change (R3): the new address is used only once the
-- link sent to it is opened. Only the hash of the emailed token is stored.
CREATE TABLE email_changes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    new_email   text NOT NULL,
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX email_changes_user_idx ON email_changes (user_id, id);

ALTER TABLE groups ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX groups_tenant_product_idx ON groups (tenant_id, product_id, name);

-- Audit documents about a user carry "userId"; these indexes find a
-- deleted user's rows without scanning the trail.
CREATE INDEX audit_events_before_user_idx ON audit_events ((before ->> 'userId'));
CREATE INDEX audit_events_after_user_idx ON audit_events ((after ->> 'userId'));

-- pseudonymize_personal_data replaces, in an audit document, the username
-- by the pseudonym and every other personal-data key by null (R10: the
-- trail is kept, the person is no longer identifiable in it).
CREATE FUNCTION pseudonymize_personal_data(doc jsonb, pseudonym text, personal_keys text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN doc IS NULL OR jsonb_typeof(doc) <> 'object' THEN doc ELSE
        coalesce((SELECT jsonb_object_agg(key, CASE
                WHEN key = 'username' THEN to_jsonb(pseudonym)
                WHEN key = ANY (personal_keys) THEN 'null'::jsonb
                ELSE value END)
            FROM jsonb_each(doc)), '{}'::jsonb)
    END
$$;
