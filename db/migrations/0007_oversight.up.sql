-- Oversight (issue 6): admin nominations signed by the legal representative
-- (R20), the password policy and last login that security findings and the
-- monthly digest read (R22, R25), and the digest's run ledger.

-- The tenant's legal representative, who signs the nomination of a new
-- administrator; replacing them needs the requester's confirmation (R20).
ALTER TABLE tenants
    ADD COLUMN legal_rep_given_name  text,
    ADD COLUMN legal_rep_family_name text,
    ADD COLUMN legal_rep_tax_code    text,
    ADD COLUMN legal_rep_email       text;

-- Password expiry policy (R15) read by the security findings (R22). The
-- authentication work (issue 3) owns this column; it is declared with the
-- same name and type, IF NOT EXISTS, so that either migration may come first.
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS password_max_age_days integer;

-- Last successful sign-in, for the 30-day inactivity flag of the monthly
-- digest (R25). Login (issue 3) sets it; IF NOT EXISTS for the same reason.
ALTER TABLE users ADD COLUMN IF NOT EXISTS last_login_at timestamptz;

-- A nomination request (R20): the role is granted only when the legal
-- representative uploads the issued form, signed (CAdES .p7m). Only the hash
-- of the emailed token is stored; the issued PDF is kept byte for byte so
-- that the signed content can be compared with it.
CREATE TABLE nominations (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id             bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id               bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    product_id            bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    role_id               bigint NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    status                text NOT NULL DEFAULT 'PENDING'
                          CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED')),
    legal_rep_given_name  text NOT NULL,
    legal_rep_family_name text NOT NULL,
    legal_rep_tax_code    text NOT NULL,
    sent_to               text NOT NULL,
    token_hash            bytea NOT NULL,
    form_pdf              bytea,
    form_sha256           bytea,
    content_sha256        bytea,
    requested_by          bigint,
    requested_at          timestamptz NOT NULL DEFAULT now(),
    expires_at            timestamptz NOT NULL,
    decided_at            timestamptz,
    decided_by            bigint,
    reason                text,
    -- The signer certificate, recorded at approval.
    signer_subject        text,
    signer_issuer         text,
    signer_serial         text,
    signer_not_before     timestamptz,
    signer_not_after      timestamptz,
    signer_sha256         text,
    signer_tax_code       text,
    signed_at             timestamptz,
    signature             bytea,
    role_assignment_id    bigint,
    failed_uploads        integer NOT NULL DEFAULT 0,
    CONSTRAINT nominations_token_hash_key UNIQUE (token_hash)
);
-- One open request per person and role in a tenant.
CREATE UNIQUE INDEX nominations_pending_key ON nominations (tenant_id, user_id, role_id) WHERE status = 'PENDING';
CREATE INDEX nominations_tenant_idx ON nominations (tenant_id, id DESC);
CREATE INDEX nominations_expiry_idx ON nominations (expires_at) WHERE status = 'PENDING';

-- The monthly digest's ledger (R25): the primary key makes a period's digest
-- of a tenant happen once, whichever replica runs it and however often.
CREATE TABLE digest_runs (
    period     text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    tenant_id  bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    sent_to    text,
    summary    jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period, tenant_id)
);

-- The digest and the security findings read assignments by creation time
-- and users by state.
CREATE INDEX role_assignments_tenant_created_idx ON role_assignments (tenant_id, created_at);
CREATE INDEX users_status_idx ON users (status) WHERE status <> 'ACTIVE';
