package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"tenantadmin/db"
	"tenantadmin/domain"
)

type fakeNominations struct {
	NominationStore
	started []db.StartNomination
	issued  []db.IssuedNomination
	refusal error
}

func (f *fakeNominations) Start(_ context.Context, in db.StartNomination, ac domain.AuditContext) (*domain.Nomination, error) {
	f.started = append(f.started, in)
	form := domain.NominationForm{RequestID: 17, TenantName: "Comune di Prova", NomineeName: "Mario Rossi", NomineeUsername: "mario.rossi",
		ProductName: "Protocollo", RoleName: "Amministratore", LegalRepresentative: in.LegalRepresentative,
		RequestedAt: time.Now(), ExpiresAt: time.Now().Add(domain.NominationTTL)}
	issued, err := in.Issue(form, "it")
	if err != nil {
		return nil, err
	}
	f.issued = append(f.issued, issued)
	return &domain.Nomination{ID: 17, TenantID: in.TenantID}, nil
}

func (f *fakeNominations) Approve(_ context.Context, _, _ []byte, verify db.VerifySignature, _ domain.AuditContext) (*domain.Nomination, error) {
	_, f.refusal = verify([]byte("%PDF issued"), "RSSMRA85T10A562S")
	return nil, f.refusal
}

type fakeDirectory struct{ visible map[int64]bool }

func (d fakeDirectory) VisibleUsersByIDs(_ context.Context, _ int64, _ domain.Scope, ids []int64) ([]*domain.User, error) {
	var out []*domain.User
	for _, id := range ids {
		if d.visible[id] {
			out = append(out, &domain.User{ID: id})
		}
	}
	return out, nil
}

type fakeTenants struct{ TenantStore }

func (fakeTenants) FindTenantByID(_ context.Context, id int64) (*domain.Tenant, error) {
	return &domain.Tenant{ID: id, Country: "IT"}, nil
}

// nominator administers product P in tenant A.
var nominator = &domain.Viewer{UserID: 43, Username: "nina", Kind: domain.KindHuman, Status: domain.UserActive,
	Grants: []domain.Grant{{TenantID: tenantA, ProductID: productP, RoleID: 999, Category: domain.CategoryAdmin}}}

func nominationApp() (*App, *fakeNominations) {
	a, _, _ := newApp()
	n := &fakeNominations{}
	a.Nominations, a.Directory, a.TenantByID = n, fakeDirectory{visible: map[int64]bool{5: true}}, fakeTenants{}
	return a, n
}

var rep = domain.LegalRepresentative{GivenName: "Maria", FamilyName: "Bianchi", TaxCode: "RSSMRA85T10A562S"}

func TestStartNominationIssuesTheFormAndTheEmail(t *testing.T) {
	a, n := nominationApp()
	_, err := a.StartNomination(as(nominator), StartNominationInput{TenantID: tenantA, UserID: 5, ProductID: productP, RoleID: roleLegal,
		LegalRepresentative: rep})
	if err != nil {
		t.Fatal(err)
	}
	if len(n.issued) != 1 {
		t.Fatalf("issued %d", len(n.issued))
	}
	got := n.issued[0]
	if !strings.HasPrefix(string(got.FormPDF), "%PDF") || len(got.ContentSHA256) != 32 {
		t.Fatalf("form: %.8q, content hash %d bytes", got.FormPDF, len(got.ContentSHA256))
	}
	link, _ := got.Email.Data["link"].(string)
	if got.Email.Template != "nomination" || !strings.HasPrefix(link, "https://admin.example/nominations/") ||
		got.Email.Data["legalRepresentative"] != "Maria Bianchi" || got.Email.Data["request"] == "" {
		t.Fatalf("email %+v", got.Email)
	}
	// The link carries the token whose hash is stored, never the hash.
	if len(n.started[0].TokenHash) == 0 || strings.Contains(link, string(n.started[0].TokenHash)) {
		t.Fatalf("token hash %x, link %s", n.started[0].TokenHash, link)
	}
}

func TestStartNominationRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   StartNominationInput
		want string
	}{
		{"another tenant", StartNominationInput{TenantID: tenantB, UserID: 5, ProductID: productP, RoleID: roleLegal, LegalRepresentative: rep}, domain.EFORBIDDEN},
		{"a user the requester cannot see", StartNominationInput{TenantID: tenantA, UserID: 6, ProductID: productP, RoleID: roleLegal, LegalRepresentative: rep}, "USER_NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, n := nominationApp()
			_, err := a.StartNomination(as(nominator), tc.in)
			if code(err) != tc.want || len(n.started) != 0 {
				t.Fatalf("err %v (started %d), want %s", err, len(n.started), tc.want)
			}
		})
	}
}

func TestApproveNominationVerifiesTheSignature(t *testing.T) {
	a, n := nominationApp()
	_, err := a.ApproveNomination(context.Background(), "token", []byte("not a signature"), domain.AuditContext{})
	if e := domain.AsError(err); e == nil || e.Reason == "" || n.refusal == nil {
		t.Fatalf("err %v: want a refusal with a reason", err)
	}
}
