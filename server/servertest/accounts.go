package servertest

import (
	"context"
	"testing"

	"tenantadmin/auth"
	"tenantadmin/db"
)

// InvitationStatusQuery reads an invitation by its token.
const InvitationStatusQuery = `query($token: String!) { invitationStatus(token: $token) { state username expiresAt } }`

// AcceptMutation accepts an invitation.
const AcceptMutation = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { username userErrors { field code message } } }`

// Invite creates an INVITED user of the company with an invitation and
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

// RecoveryMutation asks for an account recovery email.
const RecoveryMutation = `mutation($input: RequestAccountRecoveryInput!) { requestAccountRecovery(input: $input) { accepted userErrors { code } } }`

// ResetMutation sets a password with a recovery token.
const ResetMutation = `mutation($input: ResetPasswordWithTokenInput!) { resetPasswordWithToken(input: $input) { username userErrors { field code message } } }`

// BootstrapMutation creates the first platform administrator.
const BootstrapMutation = `mutation($input: BootstrapPlatformAdminInput!) {
  bootstrapPlatformAdmin(input: $input) { user { username status } userErrors { field code message } }
}`
