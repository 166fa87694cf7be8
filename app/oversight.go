package app

import (
	"context"
	"strings"
	"time"

	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/nomination"
)

// Oversight (issue 6): nominations (R20) and the monthly digest (R25).

// NominationStore is the nominations of R20.
type NominationStore interface {
	Start(ctx context.Context, in db.StartNomination, ac domain.AuditContext) (*domain.Nomination, error)
	Approve(ctx context.Context, tokenHash, signature []byte, verify db.VerifySignature, ac domain.AuditContext) (*domain.Nomination, error)
	Reject(ctx context.Context, tokenHash []byte, reason string, ac domain.AuditContext) (*domain.Nomination, error)
	Cancel(ctx context.Context, id int64, reason string, ac domain.AuditContext) (*domain.Nomination, error)
	NominationByID(ctx context.Context, id int64) (*domain.Nomination, error)
	NominationByToken(ctx context.Context, tokenHash []byte) (*db.NominationLink, error)
	ExpireDue(ctx context.Context, ac domain.AuditContext) (int, error)
}

// DigestStore is the monthly digest of R25.
type DigestStore interface {
	RunDigest(ctx context.Context, p domain.Period, compose db.ComposeDigest, ac domain.AuditContext) (domain.DigestResult, error)
	DigestPending(ctx context.Context, p domain.Period) (bool, error)
}

// UserDirectory reads the users a viewer may see (scope from
// domain.Authorizer.UserDirectoryScope; the viewer's own row always).
type UserDirectory interface {
	VisibleUsersByIDs(ctx context.Context, viewerID int64, scope domain.Scope, ids []int64) ([]*domain.User, error)
}

// TenantFinder reads a tenant by ID.
type TenantFinder interface {
	FindTenantByID(ctx context.Context, id int64) (*domain.Tenant, error)
}

var (
	_ NominationStore = (*db.NominationService)(nil)
	_ DigestStore     = (*db.OversightService)(nil)
	_ UserDirectory   = (*db.UserService)(nil)
	_ TenantFinder    = (*db.TenantService)(nil)
)

// NominationLink is the emailed link of a nomination: the page where the
// legal representative downloads the form and uploads it signed.
func (a *App) NominationLink(token string) string {
	return a.PublicURL + "/nominations/" + token
}

// StartNominationInput is a request that the legal representative nominate
// a user to a nomination-only role.
type StartNominationInput struct {
	TenantID, UserID, ProductID, RoleID int64
	LegalRepresentative                 domain.LegalRepresentative
	// ConfirmLegalRepresentativeChange replaces the tenant's recorded
	// legal representative with another person.
	ConfirmLegalRepresentativeChange bool
}

// StartNomination opens a request (R20): the PDF form is issued and
// emailed with a single-use link to the tenant's certified address.
func (a *App) StartNomination(ctx context.Context, in StartNominationInput) (*domain.Nomination, error) {
	c, err := a.begin(ctx, need{allow: func(v *domain.Viewer, az *domain.Authorizer) error {
		return az.CanNominate(v, in.TenantID, in.ProductID)
	}})
	if err != nil {
		return nil, err
	}
	// The nominee must be someone the requester may see (R6): no probing
	// of other tenants' people through nominations.
	if visible, err := a.visibleUser(ctx, c.Actor, in.UserID); err != nil {
		return nil, err
	} else if !visible {
		return nil, domain.FieldError("userId", "USER_NOT_FOUND", "No such user.")
	}
	tenant, err := a.TenantByID.FindTenantByID(ctx, in.TenantID)
	if err != nil {
		return nil, err
	}
	rep, err := domain.NormalizeLegalRepresentative(tenant.Country, in.LegalRepresentative)
	if err != nil {
		return nil, err
	}
	token, hash := auth.NewToken()
	link := a.NominationLink(token)
	return a.Nominations.Start(ctx, db.StartNomination{
		TenantID: in.TenantID, UserID: in.UserID, ProductID: in.ProductID, RoleID: in.RoleID, LegalRepresentative: rep,
		ConfirmLegalRepresentativeChange: in.ConfirmLegalRepresentativeChange, TokenHash: hash,
		Issue: func(form domain.NominationForm, language string) (db.IssuedNomination, error) {
			return issueNomination(form, language, link), nil
		},
	}, c.Audit)
}

// issueNomination renders a request's PDF form and writes its email.
func issueNomination(form domain.NominationForm, language, link string) db.IssuedNomination {
	return db.IssuedNomination{FormPDF: nomination.FormPDF(form, language), ContentSHA256: nomination.ContentHash(form),
		Email: db.Email{Template: "nomination", Language: language, Data: map[string]any{
			"link": link, "request": nomination.RequestReference(form.RequestID), "tenantName": form.TenantName,
			"nomineeName": form.NomineeName, "nomineeUsername": form.NomineeUsername, "productName": form.ProductName,
			"roleName": form.RoleName, "legalRepresentative": form.LegalRepresentative.FullName(),
			"expiresAt": form.ExpiresAt.UTC().Format(time.RFC3339),
		}}}
}

// visibleUser tells whether the actor may see the user (the viewer always
// sees themselves).
func (a *App) visibleUser(ctx context.Context, act Actor, userID int64) (bool, error) {
	var scope domain.Scope
	if userID != act.Viewer.UserID {
		var err error
		if scope, err = act.Authz.UserDirectoryScope(ctx, act.Viewer); err != nil {
			return false, err
		}
	}
	users, err := a.Directory.VisibleUsersByIDs(ctx, act.Viewer.UserID, scope, []int64{userID})
	return len(users) == 1, err
}

// NominationByToken is the nomination a link's token opens, with its issued
// form, for the link's holder (who is not signed in: the token is the
// authority). An unknown token is the store's invalid-link error.
func (a *App) NominationByToken(ctx context.Context, token string) (*db.NominationLink, error) {
	return a.Nominations.NominationByToken(ctx, auth.HashToken(token))
}

// ApproveNomination verifies the signed form the link's holder uploads
// (CAdES, against NominationRoots and the request's legal representative)
// and, when it checks out, grants the role.
func (a *App) ApproveNomination(ctx context.Context, token string, signature []byte, ac domain.AuditContext) (*domain.Nomination, error) {
	roots, now := a.NominationRoots, time.Now()
	return a.Nominations.Approve(ctx, auth.HashToken(token), signature, func(issuedForm []byte, taxCode string) (*domain.SignerCertificate, error) {
		return nomination.Verify(signature, nomination.Expectation{IssuedForm: issuedForm, LegalRepresentativeTaxCode: taxCode,
			Roots: roots, Now: now})
	}, ac)
}

// nominationReason checks the reason a request is closed with.
func nominationReason(reason *string) (string, error) {
	if reason == nil {
		return "", nil
	}
	r := strings.TrimSpace(*reason)
	if len(r) > 500 {
		return "", domain.FieldError("reason", "REASON_TOO_LONG", "The reason is at most 500 characters.")
	}
	return r, nil
}

// RejectNominationByLink closes a request at the legal representative's
// word, through the link (no account).
func (a *App) RejectNominationByLink(ctx context.Context, token string, reason *string, ac domain.AuditContext) (*domain.Nomination, error) {
	r, err := nominationReason(reason)
	if err != nil {
		return nil, err
	}
	return a.Nominations.Reject(ctx, auth.HashToken(token), r, ac)
}

// CancelNomination closes a request as an administrator who may nominate
// on its product; a request of a tenant the viewer may not oversee is
// NOMINATION_NOT_FOUND.
func (a *App) CancelNomination(ctx context.Context, id int64, reason *string) (*domain.Nomination, error) {
	r, err := nominationReason(reason)
	if err != nil {
		return nil, err
	}
	c, err := a.begin(ctx, need{})
	if err != nil {
		return nil, err
	}
	notFound := domain.FieldError("nominationId", "NOMINATION_NOT_FOUND", "No such nomination.")
	n, err := a.Nominations.NominationByID(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	if err := c.Authz.CanOversee(ctx, c.Viewer, n.TenantID); err != nil {
		return nil, notFound
	}
	if err := c.Authz.CanNominate(c.Viewer, n.TenantID, n.ProductID); err != nil {
		return nil, err
	}
	return a.Nominations.Cancel(ctx, id, r, c.Audit)
}

// RunMonthlyDigest sends an ended month's digest to the tenants that have
// not had it (platform staff, R25).
func (a *App) RunMonthlyDigest(ctx context.Context, period string) (domain.DigestResult, error) {
	c, err := a.begin(ctx, need{allow: func(v *domain.Viewer, az *domain.Authorizer) error { return az.CanRunDigest(v) }})
	if err != nil {
		return domain.DigestResult{}, err
	}
	p, err := domain.ParsePeriod(period)
	if err != nil {
		return domain.DigestResult{}, err
	}
	if domain.PeriodOf(time.Now()).Start().Before(p.End()) {
		return domain.DigestResult{}, domain.FieldError("period", "PERIOD_NOT_ENDED", "The digest covers a month that has ended.")
	}
	return a.Digests.RunDigest(ctx, p, a.DigestEmail, c.Audit)
}

// digestTemplate is the mail template of the monthly digest (mail/).
const digestTemplate = "monthly_digest"

// DigestEmail composes a tenant's monthly digest email of period (R25)
// from the digest's data: the template, the tenant's language, and what
// the template renders (the period, the tenant's name, the link to its
// users page, the per-product lines and the inactivity threshold in
// days). The sent email and the preview (Tenant.monthlyDigest) are both
// composed here; the store fills in the recipient.
func (a *App) DigestEmail(p domain.Period, t *domain.Tenant, products []domain.DigestProduct) db.Email {
	link := a.UsersPageLink(t.ID)
	return db.Email{Template: digestTemplate, Language: domain.TenantLanguage(t.Country),
		Data: map[string]any{"period": p.String(), "tenantName": t.Name, "usersLink": link, "link": link,
			"products": products, "inactiveDays": int(domain.InactivityThreshold.Hours() / 24)}}
}

// The scheduled duties (package jobs) act as the system.
var (
	systemAudit = domain.AuditContext{ActorLabel: "system"}
	digestAudit = domain.AuditContext{ActorLabel: "system:monthly-digest"}
)

// ExpireNominations expires the overdue requests (R20).
func (a *App) ExpireNominations(ctx context.Context) (int, error) {
	return a.Nominations.ExpireDue(ctx, systemAudit)
}

// SendDueDigest sends period's digest to the tenants that have not had it;
// ran is false when none was due.
func (a *App) SendDueDigest(ctx context.Context, p domain.Period) (res domain.DigestResult, ran bool, err error) {
	pending, err := a.Digests.DigestPending(ctx, p)
	if err != nil || !pending {
		return res, false, err
	}
	res, err = a.Digests.RunDigest(ctx, p, a.DigestEmail, digestAudit)
	return res, true, err
}
