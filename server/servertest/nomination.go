package servertest

import (
	"strings"
	"testing"
)

// Helpers of the oversight tests (issue 6): nominations (R20).

// PayloadErrors decodes a payload's userErrors.
type PayloadErrors struct {
	UserErrors []struct {
		Field []string
		Code  string
	}
}

// Code is the first userErrors code ("" when none).
func (p PayloadErrors) Code() string {
	if len(p.UserErrors) == 0 {
		return ""
	}
	return p.UserErrors[0].Code
}

// StartNominationMutation starts a nomination (R20).
const StartNominationMutation = `mutation($input: StartNominationInput!) {
  startNomination(input: $input) {
    nomination { id reference status sentTo formSha256 contentSha256 expiresAt
      legalRepresentative { givenName familyName taxCode }
      user { username } requestedBy { username } product { code } role { code } tenant { name } }
    userErrors { field code message }
  }
}`

// StartedNomination decodes StartNominationMutation.
type StartedNomination struct {
	StartNomination struct {
		PayloadErrors
		Nomination *struct {
			ID, Reference, Status, SentTo, FormSha256, ContentSha256 string
			LegalRepresentative                                      struct{ GivenName, FamilyName, TaxCode string }
			User, RequestedBy                                        *struct{ Username string }
		}
	}
}

// RepTaxCode is the legal representative's tax code (Mario).
const RepTaxCode = "RSSMRA85T10A562S"

// NominationWorld is NewWorld plus an administrator of the cob product
// (whose master role requires nomination) and a nominee in the company.
type NominationWorld struct {
	*World
	CobAdmin, Nominee, Nominee2 int64
	Cob, Master, Operatore      int64
}

// NewNominationWorld runs a server and builds the nomination world in its database.
func NewNominationWorld(t *testing.T) *NominationWorld {
	w := &NominationWorld{World: NewWorld(t)}
	w.CobAdmin = w.F.User("cob.admin", w.Company)
	w.F.Assign(w.CobAdmin, w.Company, "cob", "master")
	w.Nominee = w.F.User("anna.verdi", w.Company)
	w.F.Assign(w.Nominee, w.Company, "segmenti", "user")
	w.Nominee2 = w.F.User("luca.bianchi", w.Company)
	w.F.Assign(w.Nominee2, w.Company, "segmenti", "user")
	w.Cob = w.Int64(t, "SELECT id FROM products WHERE code = 'cob'")
	w.Master = w.Int64(t, "SELECT id FROM roles WHERE product_id = ? AND code = 'master'", w.Cob)
	w.Operatore = w.Int64(t, "SELECT id FROM roles WHERE product_id = ? AND code = 'operatore'", w.Cob)
	w.F.Exec("UPDATE tenants SET certified_email = 'filiale@pec.example.test' WHERE id = ?", w.Company)
	return w
}

// Input is the variables of StartNominationMutation for a nominee, a role of cob and a legal representative.
func (w *NominationWorld) Input(userID, roleID int64, rep map[string]any, confirm bool) map[string]any {
	return map[string]any{"input": map[string]any{
		"tenantId": GlobalID("Tenant", w.Company), "userId": GlobalID("User", userID),
		"productId": GlobalID("Product", w.Cob), "roleId": GlobalID("Role", roleID),
		"legalRepresentative": rep, "confirmLegalRepresentativeChange": confirm,
	}}
}

// Mario is the legal representative of the company.
func Mario() map[string]any {
	return map[string]any{"givenName": "Mario", "familyName": "Rossi", "taxCode": strings.ToLower(RepTaxCode)}
}

// Start runs StartNominationMutation as viewer.
func (w *NominationWorld) Start(t *testing.T, viewer int64, in map[string]any) StartedNomination {
	t.Helper()
	var out StartedNomination
	w.M.GQL(t, w.M.MustLogin(t, viewer), StartNominationMutation, in).Decode(t, &out)
	return out
}

// LinkToken reads the token of the latest nomination email.
func (w *NominationWorld) LinkToken(t *testing.T) string {
	t.Helper()
	link := w.Text(t, "SELECT data->>'link' FROM email_outbox WHERE template = 'nomination' ORDER BY id DESC LIMIT 1")
	i := strings.LastIndex(link, "/nominations/")
	if i < 0 || !strings.HasPrefix(link, w.M.URL()) {
		t.Fatalf("link = %q", link)
	}
	return link[i+len("/nominations/"):]
}

// RejectNominationMutation rejects a nomination by its link token.
const RejectNominationMutation = `mutation($input: RejectNominationInput!) {
  rejectNomination(input: $input) { status nomination { status reason } userErrors { field code } }
}`

// Rejected decodes RejectNominationMutation.
type Rejected struct {
	RejectNomination struct {
		PayloadErrors
		Status     *string
		Nomination *struct {
			Status string
			Reason *string
		}
	}
}
