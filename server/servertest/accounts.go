package servertest

import (
	"context"
	"tenantadmin/auth"
	"tenantadmin/db"
	"testing"
)

const InvitationStatusQuery = `query($token: String!) { invitationStatus(token: $token) { state username expiresAt } }`

const AcceptMutation = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { username userErrors { field code message } } }`

// invite creates an INVITED user of the company with an invitation and
// returns the user and the token.
func Invite(t *testing.T, w *World, username string) (int64, string) {
	t.Helper()
	id := w.F.User(username, w.Company)
	w.F.Assign(id, w.Company, "segmenti", "user")
	w.F.Exec("UPDATE users SET status = 'INVITED' WHERE id = ?", id)
	token, hash := auth.NewToken()
	if err := db.CreateInvitation(context.Background(), w.M.DB, id, &w.Company, &w.CompanyAdmin, hash); err != nil {
		t.Fatal(err)
	}
	return id, token
}

const RecoveryMutation = `mutation($input: RequestAccountRecoveryInput!) { requestAccountRecovery(input: $input) { accepted userErrors { code } } }`

const ResetMutation = `mutation($input: ResetPasswordWithTokenInput!) { resetPasswordWithToken(input: $input) { username userErrors { field code message } } }`

const BootstrapMutation = `mutation($input: BootstrapPlatformAdminInput!) {
  bootstrapPlatformAdmin(input: $input) { user { username status } userErrors { field code message } }
}`
