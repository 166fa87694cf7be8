package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// NominationService stores the admin nomination workflow (R20): requests,
// the issued forms, the legal representative's decision, and the grant of
// the role once a signed form verifies.
type NominationService struct{ db *DB }

func NewNominationService(db *DB) *NominationService { return &NominationService{db: db} }

var _ domain.NominationService = (*NominationService)(nil)

type nominationModel struct {
	bun.BaseModel `bun:"table:nominations,alias:n"`

	ID       int64 `bun:"id,pk,autoincrement"`
	TenantID int64 `bun:"tenant_id"`
	// SortKey is the sort key of a nominations page, as text (FindNominations).
	SortKey            *string    `bun:"sort_key,scanonly"`
	UserID             int64      `bun:"user_id"`
	ProductID          int64      `bun:"product_id"`
	RoleID             int64      `bun:"role_id"`
	Status             string     `bun:"status"`
	LegalRepGivenName  string     `bun:"legal_rep_given_name"`
	LegalRepFamilyName string     `bun:"legal_rep_family_name"`
	LegalRepTaxCode    string     `bun:"legal_rep_tax_code"`
	SentTo             string     `bun:"sent_to"`
	TokenHash          []byte     `bun:"token_hash"`
	FormPDF            []byte     `bun:"form_pdf"`
	FormSHA256         []byte     `bun:"form_sha256"`
	ContentSHA256      []byte     `bun:"content_sha256"`
	RequestedBy        *int64     `bun:"requested_by"`
	RequestedAt        time.Time  `bun:"requested_at,nullzero,default:now()"`
	ExpiresAt          time.Time  `bun:"expires_at"`
	DecidedAt          *time.Time `bun:"decided_at"`
	DecidedBy          *int64     `bun:"decided_by"`
	Reason             *string    `bun:"reason"`
	SignerSubject      *string    `bun:"signer_subject"`
	SignerIssuer       *string    `bun:"signer_issuer"`
	SignerSerial       *string    `bun:"signer_serial"`
	SignerNotBefore    *time.Time `bun:"signer_not_before"`
	SignerNotAfter     *time.Time `bun:"signer_not_after"`
	SignerSHA256       *string    `bun:"signer_sha256"`
	SignerTaxCode      *string    `bun:"signer_tax_code"`
	SignedAt           *time.Time `bun:"signed_at"`
	Signature          []byte     `bun:"signature"`
	RoleAssignmentID   *int64     `bun:"role_assignment_id"`
	FailedUploads      int        `bun:"failed_uploads"`
}

// nominationColumns leaves out the large columns (form, signature).
var nominationColumns = []string{"id", "tenant_id", "user_id", "product_id", "role_id", "status",
	"legal_rep_given_name", "legal_rep_family_name", "legal_rep_tax_code", "sent_to", "form_sha256", "content_sha256",
	"requested_by", "requested_at", "expires_at", "decided_at", "decided_by", "reason",
	"signer_subject", "signer_issuer", "signer_serial", "signer_not_before", "signer_not_after", "signer_sha256",
	"signer_tax_code", "signed_at", "role_assignment_id", "failed_uploads"}

func (m *nominationModel) domain() *domain.Nomination {
	n := &domain.Nomination{
		ID: m.ID, TenantID: m.TenantID, UserID: m.UserID, ProductID: m.ProductID, RoleID: m.RoleID,
		Status: domain.NominationStatus(m.Status),
		LegalRepresentative: domain.LegalRepresentative{GivenName: m.LegalRepGivenName,
			FamilyName: m.LegalRepFamilyName, TaxCode: m.LegalRepTaxCode},
		SentTo: m.SentTo, FormSHA256: m.FormSHA256, ContentSHA256: m.ContentSHA256,
		RequestedBy: m.RequestedBy, RequestedAt: m.RequestedAt, ExpiresAt: m.ExpiresAt,
		DecidedAt: m.DecidedAt, DecidedBy: m.DecidedBy, Reason: deref(m.Reason), RoleAssignmentID: m.RoleAssignmentID,
	}
	if m.SignerSHA256 != nil {
		n.Signer = &domain.SignerCertificate{Subject: deref(m.SignerSubject), Issuer: deref(m.SignerIssuer),
			SerialNumber: deref(m.SignerSerial), SHA256Fingerprint: *m.SignerSHA256, TaxCode: deref(m.SignerTaxCode)}
		if m.SignerNotBefore != nil {
			n.Signer.NotBefore = *m.SignerNotBefore
		}
		if m.SignerNotAfter != nil {
			n.Signer.NotAfter = *m.SignerNotAfter
		}
		if m.SignedAt != nil {
			n.Signer.SignedAt = *m.SignedAt
		}
	}
	return n
}

// StartNomination is what a requester asks for (R20).
type StartNomination struct {
	TenantID, UserID, ProductID, RoleID int64
	// LegalRepresentative is validated (domain.NormalizeLegalRepresentative).
	LegalRepresentative domain.LegalRepresentative
	// ConfirmLegalRepresentativeChange must be true to replace the tenant's
	// recorded legal representative with another person.
	ConfirmLegalRepresentativeChange bool
	// TokenHash is the stored form of the emailed token.
	TokenHash []byte
	// Issue makes the request's documents from the form as stored (the
	// application renders the PDF and writes the email): Start stores the
	// PDF and its hashes and queues the email to the tenant's certified
	// address, in its transaction.
	Issue func(form domain.NominationForm, language string) (IssuedNomination, error)
}

// IssuedNomination is what the application issues for a new request.
type IssuedNomination struct {
	FormPDF []byte
	// ContentSHA256 identifies the form's content (what a signed copy must
	// carry), FormSHA256 the PDF's bytes (computed here).
	ContentSHA256 []byte
	// Email is the message to the tenant's certified address; Start sets
	// its recipient and tenant.
	Email Email
}

// Start creates a pending nomination in one transaction: it checks the
// role and the nominee, records or replaces (with confirmation) the tenant's
// legal representative, stores the PDF form in.Issue renders, and enqueues
// the email in.Issue writes to the tenant's certified address.
func (s *NominationService) Start(ctx context.Context, in StartNomination, ac domain.AuditContext) (*domain.Nomination, error) {
	var out *domain.Nomination
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var tenant tenantModel
		if err := tx.NewSelect().Model(&tenant).Where("id = ?", in.TenantID).For("UPDATE").Scan(ctx); err != nil {
			return mapError(err)
		}
		if deref(tenant.CertifiedEmail) == "" {
			return domain.FieldError("tenantId", "TENANT_HAS_NO_CERTIFIED_EMAIL",
				"The tenant has no certified email address (PEC) to send the nomination to.")
		}
		var role roleModel
		err := roleColumns(tx.NewSelect().Model(&role)).Where("r.id = ? AND r.product_id = ?", in.RoleID, in.ProductID).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.FieldError("roleId", "ROLE_NOT_OF_PRODUCT", "The role does not belong to the product.")
		} else if err != nil {
			return err
		}
		if !role.RequiresNomination {
			return domain.FieldError("roleId", "NOMINATION_NOT_REQUIRED", "This role is assigned directly; it needs no nomination.")
		}
		if err := domain.CheckRoleFitsTenant(role.domain(), tenant.domain()); err != nil {
			return err
		}
		var product productModel
		if err := tx.NewSelect().Model(&product).Where("id = ?", in.ProductID).Scan(ctx); err != nil {
			return mapError(err)
		}
		var user userModel
		if err := tx.NewSelect().Model(&user).Where("id = ?", in.UserID).Scan(ctx); err != nil {
			return mapError(err)
		}
		if user.Kind != string(domain.KindHuman) {
			return domain.FieldError("userId", "NOMINEE_NOT_A_PERSON", "Only a person can be nominated administrator.")
		}
		if err := checkAssignable(ctx, tx, in.TenantID, in.UserID, in.ProductID, role); err != nil {
			return err
		}

		rep := in.LegalRepresentative
		recorded := tenant.domain().LegalRepresentative
		switch {
		case recorded != nil && recorded.SamePerson(rep):
			if rep.Email == "" {
				rep.Email = recorded.Email
			}
		case recorded != nil && !in.ConfirmLegalRepresentativeChange:
			return &domain.Error{Code: domain.EINVALID, Field: "legalRepresentative", Reason: "LEGAL_REPRESENTATIVE_CHANGE_NEEDS_CONFIRMATION",
				Message: "This replaces the tenant's legal representative " + recorded.FullName() + "; confirm the change."}
		}
		if recorded == nil || *recorded != rep {
			if err := recordLegalRepresentative(ctx, tx, &tenant, recorded, rep, ac); err != nil {
				return err
			}
		}

		n := nominationModel{TenantID: in.TenantID, UserID: in.UserID, ProductID: in.ProductID, RoleID: in.RoleID,
			Status: string(domain.NominationPending), LegalRepGivenName: rep.GivenName, LegalRepFamilyName: rep.FamilyName,
			LegalRepTaxCode: rep.TaxCode, SentTo: *tenant.CertifiedEmail, TokenHash: in.TokenHash,
			RequestedBy: ac.ActorID, ExpiresAt: time.Now().Add(domain.NominationTTL)}
		if _, err := tx.NewInsert().Model(&n).ExcludeColumn("requested_at").Returning("id, requested_at, expires_at").Exec(ctx); err != nil {
			return mapError(err)
		}
		// Timestamps are kept to the microsecond by PostgreSQL: render from
		// the stored values so that a re-rendered form is identical.
		form := domain.NominationForm{RequestID: n.ID, TenantName: tenant.Name, TenantTaxCode: deref(tenant.TaxCode),
			NomineeName: user.GivenName + " " + user.FamilyName, NomineeUsername: user.Username, NomineeTaxCode: deref(user.TaxCode),
			ProductName: product.Name, RoleName: role.Name, LegalRepresentative: rep,
			RequestedAt: n.RequestedAt, ExpiresAt: n.ExpiresAt}
		issued, err := in.Issue(form, domain.TenantLanguage(tenant.Country))
		if err != nil {
			return err
		}
		n.FormPDF = issued.FormPDF
		sum := sha256.Sum256(n.FormPDF)
		n.FormSHA256, n.ContentSHA256 = sum[:], issued.ContentSHA256
		if _, err := tx.NewUpdate().Model(&n).Column("form_pdf", "form_sha256", "content_sha256").WherePK().Exec(ctx); err != nil {
			return err
		}
		email := issued.Email
		email.To, email.TenantID = n.SentTo, &n.TenantID
		if err := EnqueueEmail(ctx, tx, email); err != nil {
			return err
		}
		out = n.domain()
		return RecordChange(ctx, tx, ac, domain.AuditEvent{
			TenantID: &n.TenantID, Action: "nomination.start", TargetType: "Nomination", TargetID: &n.ID,
			After: map[string]any{"userId": n.UserID, "productId": n.ProductID, "roleId": n.RoleID,
				"legalRepresentativeTaxCode": rep.TaxCode, "sentTo": n.SentTo, "expiresAt": n.ExpiresAt},
		}, &Event{TenantID: &n.TenantID, Type: "NOMINATION_CREATED", SubjectType: "Nomination", SubjectID: &n.ID,
			Payload: map[string]any{"userId": n.UserID, "productId": n.ProductID, "roleId": n.RoleID, "status": n.Status}})
	})
	if err != nil {
		return nil, mapError(err)
	}
	return out, nil
}

// recordLegalRepresentative replaces the tenant's legal representative,
// bumping its version, with an audit record of before and after.
func recordLegalRepresentative(ctx context.Context, tx bun.Tx, t *tenantModel, before *domain.LegalRepresentative, rep domain.LegalRepresentative, ac domain.AuditContext) error {
	if _, err := tx.NewRaw(`UPDATE tenants SET legal_rep_given_name = ?, legal_rep_family_name = ?, legal_rep_tax_code = ?,
		legal_rep_email = ?, version = version + 1, updated_at = now() WHERE id = ?`,
		rep.GivenName, rep.FamilyName, rep.TaxCode, nullable(rep.Email), t.ID).Exec(ctx); err != nil {
		return err
	}
	asMap := func(l *domain.LegalRepresentative) map[string]any {
		if l == nil {
			return nil
		}
		return map[string]any{"givenName": l.GivenName, "familyName": l.FamilyName, "taxCode": l.TaxCode, "email": l.Email}
	}
	return RecordChange(ctx, tx, ac, domain.AuditEvent{
		TenantID: &t.ID, Action: "tenant.legal_representative.change", TargetType: "Tenant", TargetID: &t.ID,
		Before: asMap(before), After: asMap(&rep),
	}, &Event{TenantID: &t.ID, Type: "TENANT_UPDATED", SubjectType: "Tenant", SubjectID: &t.ID,
		Payload: map[string]any{"fields": []string{"legalRepresentative"}}})
}

// checkAssignable refuses early what the grant would refuse: the role held
// already, or the other category held on the product (R9).
func checkAssignable(ctx context.Context, idb bun.IDB, tenantID, userID, productID int64, role roleModel) error {
	var held []struct {
		RoleID   int64  `bun:"role_id"`
		Category string `bun:"category"`
	}
	if err := idb.NewRaw(`SELECT role_id, category FROM role_assignments
		WHERE tenant_id = ? AND user_id = ? AND product_id = ?`, tenantID, userID, productID).Scan(ctx, &held); err != nil {
		return err
	}
	for _, h := range held {
		if h.RoleID == role.ID {
			e := *uniqueViolations["role_assignments_membership_id_role_id_key"]
			return &e
		}
		if h.Category != role.Category {
			e := *uniqueViolations["membership_products_pkey"]
			return &e
		}
	}
	return nil
}

// GrantNominatedRole gives the user the role on the product in the tenant,
// creating the membership and the product's category as needed, inside the
// caller's transaction, and records the change. It is the nomination
// workflow's own grant; the general assignRole of delegated administration
// (issue 4) is a separate path until the two are merged.
func GrantNominatedRole(ctx context.Context, tx bun.IDB, tenantID, userID, productID, roleID int64, ac domain.AuditContext) (assignmentID int64, err error) {
	var membershipID int64
	created := true
	err = tx.NewRaw(`INSERT INTO memberships (tenant_id, user_id) VALUES (?, ?)
		ON CONFLICT (tenant_id, user_id) DO NOTHING RETURNING id`, tenantID, userID).Scan(ctx, &membershipID)
	if errors.Is(err, sql.ErrNoRows) {
		created = false
		err = tx.NewRaw(`SELECT id FROM memberships WHERE tenant_id = ? AND user_id = ?`, tenantID, userID).Scan(ctx, &membershipID)
	}
	if err != nil {
		return 0, mapError(err)
	}
	var category string
	if err := tx.NewRaw(`SELECT category FROM roles WHERE id = ? AND product_id = ?`, roleID, productID).Scan(ctx, &category); err != nil {
		return 0, mapError(err)
	}
	var held string
	if err := tx.NewRaw(`WITH ins AS (
			INSERT INTO membership_products (membership_id, product_id, category) VALUES (?, ?, ?)
			ON CONFLICT (membership_id, product_id) DO NOTHING RETURNING category)
		SELECT category FROM ins UNION ALL
		SELECT category FROM membership_products WHERE membership_id = ? AND product_id = ?
		LIMIT 1`, membershipID, productID, category, membershipID, productID).Scan(ctx, &held); err != nil {
		return 0, mapError(err)
	}
	if held != category {
		e := *uniqueViolations["membership_products_pkey"]
		return 0, &e
	}
	if err := tx.NewRaw(`INSERT INTO role_assignments (membership_id, tenant_id, user_id, product_id, role_id, category)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, membershipID, tenantID, userID, productID, roleID, category).Scan(ctx, &assignmentID); err != nil {
		return 0, mapError(err)
	}
	if created {
		if err := RecordChange(ctx, tx, ac, domain.AuditEvent{
			TenantID: &tenantID, Action: "membership.create", TargetType: "Membership", TargetID: &membershipID,
			After: map[string]any{"userId": userID, "tenantId": tenantID},
		}, &Event{TenantID: &tenantID, Type: "MEMBERSHIP_CREATED", SubjectType: "Membership", SubjectID: &membershipID,
			Payload: map[string]any{"userId": userID}}); err != nil {
			return 0, err
		}
	}
	return assignmentID, RecordChange(ctx, tx, ac, domain.AuditEvent{
		TenantID: &tenantID, Action: "role_assignment.create", TargetType: "RoleAssignment", TargetID: &assignmentID,
		After: map[string]any{"userId": userID, "productId": productID, "roleId": roleID, "category": category, "status": "ACTIVE"},
	}, &Event{TenantID: &tenantID, Type: "ROLE_ASSIGNMENT_CREATED", SubjectType: "RoleAssignment", SubjectID: &assignmentID,
		Payload: map[string]any{"userId": userID, "productId": productID, "roleId": roleID, "membershipId": membershipID}})
}

// Errors of the link, distinct so that the HTTP layer can answer 404/410.
var (
	errLinkInvalid = &domain.Error{Code: domain.ENOTFOUND, Reason: "NOMINATION_LINK_INVALID", Message: "This nomination link is not valid."}
	errLinkUsed    = &domain.Error{Code: domain.ECONFLICT, Reason: "NOMINATION_CLOSED", Message: "This nomination was already decided; the link cannot be used again."}
	errExpired     = &domain.Error{Code: domain.ECONFLICT, Reason: "NOMINATION_EXPIRED", Message: "This nomination request has expired; ask the administrator for a new one."}
)

// legalRepAudit is the audit context of an action through the emailed
// link: the actor is the legal representative, who has no account.
func legalRepAudit(ac domain.AuditContext, n *nominationModel) domain.AuditContext {
	ac.ActorID = nil
	ac.ActorLabel = "legal representative " + n.LegalRepTaxCode
	return ac
}

// lockByToken loads a nomination by its token for update and refuses a
// used or expired link; an expired request is marked so (and committed by
// the caller) before the refusal.
func lockByToken(ctx context.Context, tx bun.Tx, tokenHash []byte, ac domain.AuditContext) (*nominationModel, error) {
	var n nominationModel
	if err := tx.NewSelect().Model(&n).Where("token_hash = ?", tokenHash).For("UPDATE").Scan(ctx); errors.Is(err, sql.ErrNoRows) {
		return nil, errLinkInvalid
	} else if err != nil {
		return nil, err
	}
	if err := openError(ctx, tx, &n, ac); err != nil {
		return nil, err
	}
	return &n, nil
}

// openError refuses a nomination that is no longer open; a pending one
// past its expiry is recorded as expired first.
func openError(ctx context.Context, tx bun.IDB, n *nominationModel, ac domain.AuditContext) error {
	switch {
	case n.Status == string(domain.NominationExpired):
		return errExpired
	case n.Status != string(domain.NominationPending):
		return errLinkUsed
	case !time.Now().Before(n.ExpiresAt):
		if err := closeNomination(ctx, tx, n, domain.NominationExpired, nil, "", ac); err != nil {
			return err
		}
		return errExpired
	}
	return nil
}

func closeNomination(ctx context.Context, tx bun.IDB, n *nominationModel, status domain.NominationStatus, by *int64, reason string, ac domain.AuditContext) error {
	if _, err := tx.NewRaw(`UPDATE nominations SET status = ?, decided_at = now(), decided_by = ?, reason = ? WHERE id = ?`,
		string(status), by, nullable(reason), n.ID).Exec(ctx); err != nil {
		return err
	}
	before := n.Status
	n.Status = string(status)
	return RecordChange(ctx, tx, ac, domain.AuditEvent{
		TenantID: &n.TenantID, Action: "nomination." + map[domain.NominationStatus]string{
			domain.NominationExpired: "expire", domain.NominationRejected: "reject", domain.NominationCancelled: "cancel"}[status],
		TargetType: "Nomination", TargetID: &n.ID,
		Before: map[string]any{"status": before}, After: map[string]any{"status": string(status), "reason": reason},
	}, &Event{TenantID: &n.TenantID, Type: "NOMINATION_" + string(status), SubjectType: "Nomination", SubjectID: &n.ID,
		Payload: map[string]any{"userId": n.UserID, "roleId": n.RoleID, "status": string(status)}})
}

// refusalOrError sorts an error of a link: application errors are
// refusals (what was written so far commits), others abort.
func refusalOrError(err error) (refusal, abort error) {
	if domain.AsError(err) != nil {
		return err, nil
	}
	return nil, err
}

// runOutcome commits what fn wrote even when it ends in a refusal (an
// expiry recorded, a refused upload counted), then returns the refusal.
func (s *NominationService) runOutcome(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) (refusal error, err error)) error {
	var refusal error
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		refusal, err = fn(ctx, tx)
		return err
	})
	if err != nil {
		return mapError(err)
	}
	return refusal
}

// MaxFailedUploads bounds the refused uploads of one request: the link is
// a bearer secret, and verification costs CPU.
const MaxFailedUploads = 20

// VerifySignature checks a signed upload against the form issued for the
// request and its legal representative: the signer, or a refusal (a
// domain error with a reason).
type VerifySignature func(issuedForm []byte, legalRepresentativeTaxCode string) (*domain.SignerCertificate, error)

// Approve has the signed form uploaded through the link verified and, only
// if every check passes, grants the role, consumes the link and records the
// signer certificate, in one transaction. A refused upload is counted and
// audited; the request stays pending for a corrected upload.
func (s *NominationService) Approve(ctx context.Context, tokenHash, signature []byte, verify VerifySignature, ac domain.AuditContext) (*domain.Nomination, error) {
	var out *domain.Nomination
	err := s.runOutcome(ctx, func(ctx context.Context, tx bun.Tx) (error, error) {
		n, err := lockByToken(ctx, tx, tokenHash, ac)
		if err != nil {
			return refusalOrError(err)
		}
		ac := legalRepAudit(ac, n)
		if n.FailedUploads >= MaxFailedUploads {
			return &domain.Error{Code: domain.ERATELIMITED, Reason: "TOO_MANY_FAILED_UPLOADS",
				Message: "Too many refused uploads for this request; ask the administrator for a new one."}, nil
		}
		signer, refused := verify(n.FormPDF, n.LegalRepTaxCode)
		if refused != nil {
			if _, err := tx.NewRaw(`UPDATE nominations SET failed_uploads = failed_uploads + 1 WHERE id = ?`, n.ID).Exec(ctx); err != nil {
				return nil, err
			}
			return refused, RecordChange(ctx, tx, ac, domain.AuditEvent{TenantID: &n.TenantID, Action: "nomination.signature_refused",
				TargetType: "Nomination", TargetID: &n.ID, After: map[string]any{"reason": domain.AsError(refused).Reason}}, nil)
		}
		assignmentID, err := GrantNominatedRole(ctx, tx, n.TenantID, n.UserID, n.ProductID, n.RoleID, ac)
		if err != nil {
			return nil, err // e.g. the role was granted meanwhile: nothing changes
		}
		if _, err := tx.NewRaw(`UPDATE nominations SET status = 'APPROVED', decided_at = now(), signer_subject = ?, signer_issuer = ?,
			signer_serial = ?, signer_not_before = ?, signer_not_after = ?, signer_sha256 = ?, signer_tax_code = ?, signed_at = ?,
			signature = ?, role_assignment_id = ? WHERE id = ?`,
			signer.Subject, signer.Issuer, signer.SerialNumber, signer.NotBefore, signer.NotAfter, signer.SHA256Fingerprint,
			nullable(signer.TaxCode), signer.SignedAt, signature, assignmentID, n.ID).Exec(ctx); err != nil {
			return nil, err
		}
		if err := tx.NewSelect().Model(n).Column(nominationColumns...).WherePK().Scan(ctx); err != nil {
			return nil, err
		}
		out = n.domain()
		return nil, RecordChange(ctx, tx, ac, domain.AuditEvent{TenantID: &n.TenantID, Action: "nomination.approve",
			TargetType: "Nomination", TargetID: &n.ID,
			Before: map[string]any{"status": "PENDING"},
			After: map[string]any{"status": "APPROVED", "roleAssignmentId": assignmentID, "signerSubject": signer.Subject,
				"signerIssuer": signer.Issuer, "signerSerial": signer.SerialNumber, "signerSha256": signer.SHA256Fingerprint,
				"signerTaxCode": signer.TaxCode, "signedAt": signer.SignedAt}},
			&Event{TenantID: &n.TenantID, Type: "NOMINATION_APPROVED", SubjectType: "Nomination", SubjectID: &n.ID,
				Payload: map[string]any{"userId": n.UserID, "roleId": n.RoleID, "roleAssignmentId": assignmentID, "status": "APPROVED"}})
	})
	return out, err
}

// Reject closes a pending nomination at the legal representative's word,
// through the link; the link is consumed.
func (s *NominationService) Reject(ctx context.Context, tokenHash []byte, reason string, ac domain.AuditContext) (*domain.Nomination, error) {
	var out *domain.Nomination
	err := s.runOutcome(ctx, func(ctx context.Context, tx bun.Tx) (error, error) {
		n, err := lockByToken(ctx, tx, tokenHash, ac)
		if err != nil {
			return refusalOrError(err)
		}
		if err := closeNomination(ctx, tx, n, domain.NominationRejected, nil, reason, legalRepAudit(ac, n)); err != nil {
			return nil, err
		}
		out, err = s.reload(ctx, tx, n.ID)
		return nil, err
	})
	return out, err
}

// Cancel closes a pending nomination at an administrator's request; the
// caller has checked that the viewer may (domain.Authorizer.CanNominate).
func (s *NominationService) Cancel(ctx context.Context, id int64, reason string, ac domain.AuditContext) (*domain.Nomination, error) {
	var out *domain.Nomination
	err := s.runOutcome(ctx, func(ctx context.Context, tx bun.Tx) (error, error) {
		var n nominationModel
		if err := tx.NewSelect().Model(&n).Column(nominationColumns...).Where("id = ?", id).For("UPDATE").Scan(ctx); err != nil {
			return nil, err
		}
		if err := openError(ctx, tx, &n, ac); err != nil {
			return refusalOrError(err)
		}
		if err := closeNomination(ctx, tx, &n, domain.NominationCancelled, ac.ActorID, reason, ac); err != nil {
			return nil, err
		}
		var err error
		out, err = s.reload(ctx, tx, n.ID)
		return nil, err
	})
	return out, err
}

func (s *NominationService) reload(ctx context.Context, idb bun.IDB, id int64) (*domain.Nomination, error) {
	var n nominationModel
	if err := idb.NewSelect().Model(&n).Column(nominationColumns...).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, err
	}
	return n.domain(), nil
}

// ExpireDue records the pending nominations past their expiry as expired,
// each with its audit record and event; it returns how many.
func (s *NominationService) ExpireDue(ctx context.Context, ac domain.AuditContext) (int, error) {
	n := 0
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var due []nominationModel
		if err := tx.NewSelect().Model(&due).Column(nominationColumns...).
			Where("status = 'PENDING' AND expires_at <= now()").For("UPDATE SKIP LOCKED").Limit(1000).Scan(ctx); err != nil {
			return err
		}
		for i := range due {
			if err := closeNomination(ctx, tx, &due[i], domain.NominationExpired, nil, "", ac); err != nil {
				return err
			}
		}
		n = len(due)
		return nil
	})
	return n, mapError(err)
}

// NominationByID returns one nomination; the caller checks visibility.
func (s *NominationService) NominationByID(ctx context.Context, id int64) (*domain.Nomination, error) {
	n, err := s.reload(ctx, s.db, id)
	return n, mapError(err)
}

// NominationLink is what the page behind the emailed link shows.
type NominationLink struct {
	Nomination  *domain.Nomination
	FormPDF     []byte
	TenantName  string
	Language    string
	NomineeName string
	ProductName string
	RoleName    string
}

// NominationByToken returns the nomination behind a link, with its issued
// form, whatever its state (the page says when it is closed).
func (s *NominationService) NominationByToken(ctx context.Context, tokenHash []byte) (*NominationLink, error) {
	var n nominationModel
	if err := s.db.NewSelect().Model(&n).Where("token_hash = ?", tokenHash).Scan(ctx); errors.Is(err, sql.ErrNoRows) {
		return nil, errLinkInvalid
	} else if err != nil {
		return nil, mapError(err)
	}
	out := &NominationLink{Nomination: n.domain(), FormPDF: n.FormPDF}
	var country string
	err := s.db.NewRaw(`SELECT t.name, t.country, u.given_name || ' ' || u.family_name, p.name, r.name
		FROM tenants t, users u, products p, roles r WHERE t.id = ? AND u.id = ? AND p.id = ? AND r.id = ?`,
		n.TenantID, n.UserID, n.ProductID, n.RoleID).Scan(ctx, &out.TenantName, &country, &out.NomineeName, &out.ProductName, &out.RoleName)
	out.Language = domain.TenantLanguage(country)
	return out, mapError(err)
}

// nominationOrderColumns are the orders of a tenant's nominations;
// CREATED_AT descending (newest first) is the default. CREATED_AT is the
// recording order, the id (nominations_tenant_idx); EXPIRES_AT has its
// index in migration 0014.
var nominationOrderColumns = map[string]orderColumn{
	"CREATED_AT": {"n.id", "bigint", false, false},
	"EXPIRES_AT": {"n.expires_at", "timestamptz", false, false},
}

// FindNominations lists a tenant's nominations in the order asked (newest
// first by default); status filters on the effective status (a pending
// request past its expiry is expired).
func (s *NominationService) FindNominations(ctx context.Context, tenantID int64, status *domain.NominationStatus, order domain.ListOrder, p domain.Page) (*domain.Connection[*domain.Nomination], error) {
	k, err := newKeyset("nominations", nominationOrderColumns, domain.ListOrder{Field: "CREATED_AT", Desc: true}, order, "n.id")
	if err != nil {
		return nil, err
	}
	w, err := k.window(p)
	if err != nil {
		return nil, err
	}
	q := s.db.NewSelect().Model((*nominationModel)(nil)).Where("n.tenant_id = ?", tenantID)
	if status != nil {
		switch *status {
		case domain.NominationPending:
			q.Where("n.status = 'PENDING' AND n.expires_at > now()")
		case domain.NominationExpired:
			q.Where("(n.status = 'EXPIRED' OR (n.status = 'PENDING' AND n.expires_at <= now()))")
		default:
			q.Where("n.status = ?", string(*status))
		}
	}
	countQ := q.Clone()
	var rows []nominationModel
	q = q.Model(&rows).Column(nominationColumns...).ColumnExpr(k.sortKey()+" AS sort_key").
		Where(w.where, w.args...).OrderExpr(k.orderBy(w.up)).Limit(int64(w.limit))
	if err := q.Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	rows, hasNext, hasPrev := trimPage(rows, w.limit, w.backward, p)
	conn := &domain.Connection[*domain.Nomination]{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	for i := range rows {
		conn.Nodes = append(conn.Nodes, rows[i].domain())
		conn.Cursors = append(conn.Cursors, k.cursor(rows[i].SortKey, rows[i].ID))
	}
	conn.Count = func(ctx context.Context) (int, error) {
		n, err := countQ.Count(ctx)
		return int(n), mapError(err)
	}
	return conn, nil
}

// RoleAssignmentByID returns one role assignment; the caller checks
// visibility.
func (s *NominationService) RoleAssignmentByID(ctx context.Context, id int64) (*domain.RoleAssignment, error) {
	var m roleAssignmentModel
	if err := s.db.NewSelect().Model(&m).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	return m.domain(), nil
}
