package servertest

import (
	"context"
	"strings"
	"testing"
	"time"
)

// UserError is one entry of a payload's userErrors.
type UserError struct {
	Field         []string
	Code, Message string
}

// ServiceAccountOut is the selection of a service account in CreateServiceAccountMutation.
type ServiceAccountOut struct {
	ID, UID, Username, Description, Status string
	Tenant                                 *struct{ ID string }
	User                                   *struct{ ID, Kind string }
}

// CreateSA creates a service account through the API and returns it and
// the userErrors.
func (w *World) CreateSA(t *testing.T, token string, input map[string]any) (ServiceAccountOut, []UserError) {
	t.Helper()
	var out struct {
		CreateServiceAccount struct {
			ServiceAccount *ServiceAccountOut
			UserErrors     []UserError
		}
	}
	w.M.GQL(t, token, CreateServiceAccountMutation, map[string]any{"input": input}).Decode(t, &out)
	p := out.CreateServiceAccount
	if p.ServiceAccount == nil {
		return ServiceAccountOut{}, p.UserErrors
	}
	return *p.ServiceAccount, p.UserErrors
}

// TokenOut is the selection of a service account token (TokenFields).
type TokenOut struct {
	ID, Name, Hint, Status string
	ExpiresAt              time.Time
	LastUsedAt, RevokedAt  *time.Time
	RotatedFrom            *struct{ ID string }
}

// TokenFields is the selection of a service account token.
const TokenFields = `id name hint status expiresAt lastUsedAt revokedAt rotatedFrom { id }`

// CreateToken creates a service account token through the API and returns it, its secret and the userErrors.
func (w *World) CreateToken(t *testing.T, token string, input map[string]any) (TokenOut, string, []UserError) {
	t.Helper()
	var out struct {
		CreateServiceAccountToken struct {
			Token      *TokenOut
			Secret     *string
			UserErrors []UserError
		}
	}
	w.M.GQL(t, token, `mutation($input: CreateServiceAccountTokenInput!) {
		createServiceAccountToken(input: $input) { token { `+TokenFields+` } secret userErrors { field code message } } }`,
		map[string]any{"input": input}).Decode(t, &out)
	p := out.CreateServiceAccountToken
	if p.Token == nil {
		return TokenOut{}, "", p.UserErrors
	}
	return *p.Token, *p.Secret, p.UserErrors
}

// Codes lists the userErrors' codes, comma-separated.
func Codes(errs []UserError) string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Code)
	}
	return strings.Join(s, ",")
}

// WhoAmI returns the username and kind the bearer token authenticates as,
// or "" when it is anonymous.
func (m *Main) WhoAmI(t *testing.T, token string) string {
	t.Helper()
	var out struct {
		Viewer *struct {
			User struct{ Username, Kind string }
		}
	}
	m.GQL(t, token, `{ viewer { user { username kind } } }`, nil).Decode(t, &out)
	if out.Viewer == nil {
		return ""
	}
	return out.Viewer.User.Username + "/" + out.Viewer.User.Kind
}

// CreateServiceAccountMutation creates a service account.
const CreateServiceAccountMutation = `mutation($input: CreateServiceAccountInput!) {
  createServiceAccount(input: $input) {
    serviceAccount { id uid username description status tenant { id } user { id kind } }
    userErrors { field code message }
  }
}`

// ServiceAccount creates a service account in tenant (with a role there, so
// it counts against the tenant too) and returns its id; tokens are made
// with NewToken. Each call signs the admin in afresh, so the setup never
// spends the admin's own session budget.
func (w *World) ServiceAccount(t *testing.T, admin, tenant int64, username string) string {
	t.Helper()
	sa, errs := w.CreateSA(t, w.M.MustLogin(t, admin), map[string]any{"tenantId": GlobalID("Tenant", tenant), "username": username})
	if len(errs) > 0 {
		t.Fatalf("create %s: %v", username, errs)
	}
	var id int64
	if err := w.M.DB.QueryRowContext(context.Background(), "SELECT id FROM users WHERE username = ?", username).Scan(&id); err != nil {
		t.Fatal(err)
	}
	w.F.Assign(id, tenant, "segmenti", "user")
	return sa.ID
}

// NewToken creates a token of a service account and returns its secret.
func (w *World) NewToken(t *testing.T, admin int64, saID, name string) string {
	t.Helper()
	_, secret, errs := w.CreateToken(t, w.M.MustLogin(t, admin), map[string]any{"serviceAccountId": saID, "name": name})
	if len(errs) > 0 || secret == "" {
		t.Fatalf("token %s: %v", name, errs)
	}
	return secret
}
