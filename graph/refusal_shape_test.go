package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

// selfScopedMutations act only on the viewer's own account, on a token
// sent by email, or on nothing a tenant owns: a viewer of another tenant
// has nothing there to be refused.
var selfScopedMutations = []string{
	"login", "logout", "changePassword", "changeExpiredPassword", "revokeSession", "revokeOtherSessions",
	"acceptInvitation", "requestAccountRecovery", "resetPasswordWithToken", "beginTotpEnrollment",
	"confirmTotpEnrollment", "updateMyPreferences", "updateMyPhone", "requestEmailChange", "confirmEmailChange",
	"bootstrapPlatformAdmin",
}

// TestRefusalShape: every mutation refuses an administrator of another
// tenant the same way (README "Errors", issue 13 item 9): a GraphQL error
// FORBIDDEN, a null payload, no userErrors, and nothing
// changed. A mutation that hides the object's existence answers exactly as
// for an unknown ID. Every mutation of the schema is covered here or listed
// as self-scoped, so a new mutation cannot skip the check.
func TestRefusalShape(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	other := w.Token(t, w.OtherAdmin)

	// The company's objects the other tenant's admin goes after.
	var groupID int64
	w.F.Exec("INSERT INTO groups (tenant_id, product_id, name) SELECT ?, id, 'Team' FROM products WHERE code = 'segmenti'", w.Company)
	w.Scalar(t, &groupID, "SELECT id FROM groups WHERE name = 'Team'")
	w.F.Exec("INSERT INTO group_members (group_id, user_id) VALUES (?, ?)", groupID, w.Operator)
	assignment := servertest.GlobalID("RoleAssignment", w.AssignmentID(t, w.Operator, w.Company, "segmenti", "user"))
	membership := servertest.GlobalID("Membership", w.MembershipID(t, w.Operator, w.Company))
	sa, errs := w.CreateSA(t, w.Token(t, w.CompanyAdmin), map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "crm-sync"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	tok, _, errs := w.CreateToken(t, w.Token(t, w.CompanyAdmin), map[string]any{"serviceAccountId": sa.ID, "name": "production"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	// A nomination of the company, started by its cob administrator.
	cobAdmin := w.F.User("cob.admin", w.Company)
	w.F.Assign(cobAdmin, w.Company, "cob", "master")
	w.F.Exec("UPDATE tenants SET certified_email = 'filiale@pec.example.test' WHERE id = ?", w.Company)
	nominate := func(viewer string) *servertest.Payload {
		return w.Mutate(t, viewer, "startNomination", "StartNominationInput", "nomination { id }", map[string]any{
			"tenantId": servertest.GlobalID("Tenant", w.Company), "userId": servertest.GlobalID("User", w.Operator),
			"productId": w.Product(t, "cob"), "roleId": w.Role(t, "cob", "master"), "legalRepresentative": servertest.Mario()})
	}
	nomination, _ := servertest.Dig(nominate(w.Token(t, cobAdmin)).OK(t), "nomination", "id").(string)
	if nomination == "" {
		t.Fatal("no nomination to refuse")
	}

	company, operator := servertest.GlobalID("Tenant", w.Company), servertest.GlobalID("User", w.Operator)
	segmenti, guest := w.Product(t, "segmenti"), w.Role(t, "segmenti", "guest")
	group := servertest.GlobalID("Group", groupID)
	cases := []struct {
		field, inputType string
		input            map[string]any
	}{
		{"lookupUserCandidate", "LookupUserCandidateInput", map[string]any{"tenantId": company, "username": "x.y", "taxCode": servertest.ValidCF(3)}},
		{"createUser", "CreateUserInput", map[string]any{"tenantId": company, "username": "x.intruder", "taxCode": servertest.ValidCF(5),
			"givenName": "X", "familyName": "Y", "email": "x@example.test", "productId": segmenti, "roleId": guest}},
		{"attachExistingUser", "AttachExistingUserInput", map[string]any{"tenantId": company, "username": "holding.admin", "taxCode": servertest.ValidCF(900),
			"productId": segmenti, "roleId": guest}},
		{"updateUserProfile", "UpdateUserProfileInput", map[string]any{"userId": operator, "expectedVersion": 1, "givenName": "X"}},
		{"attachUserToTenant", "AttachUserToTenantInput", map[string]any{"userId": operator, "tenantId": servertest.GlobalID("Tenant", w.Site),
			"productId": segmenti, "roleId": guest}},
		{"detachUserFromTenant", "DetachUserFromTenantInput", map[string]any{"membershipId": membership}},
		{"removeUserFromTenant", "RemoveUserFromTenantInput", map[string]any{"userId": operator, "tenantId": company}},
		{"assignRole", "AssignRoleInput", map[string]any{"userId": operator, "tenantId": company, "roleId": guest}},
		{"setModuleLevel", "SetModuleLevelInput", map[string]any{"userId": operator, "tenantId": company, "roleId": guest}},
		{"onboardTenantAdministrator", "OnboardTenantAdministratorInput", map[string]any{"userId": operator, "tenantId": company,
			"roleId": w.Role(t, "io-platform", "amministratore"), "reason": "contract 42"}},
		{"suspendRoleAssignment", "RoleAssignmentInput", map[string]any{"roleAssignmentId": assignment}},
		{"reactivateRoleAssignment", "RoleAssignmentInput", map[string]any{"roleAssignmentId": assignment}},
		{"removeRoleAssignment", "RoleAssignmentInput", map[string]any{"roleAssignmentId": assignment}},
		{"suspendUser", "UserStatusInput", map[string]any{"userId": operator}},
		{"reactivateUser", "UserStatusInput", map[string]any{"userId": operator}},
		{"suspendUsers", "BulkUsersInput", map[string]any{"tenantId": company, "userIds": []string{operator}}},
		{"reactivateUsers", "BulkUsersInput", map[string]any{"tenantId": company, "userIds": []string{operator}}},
		{"removeUsersFromTenant", "BulkUsersInput", map[string]any{"tenantId": company, "userIds": []string{operator}}},
		{"createGroup", "CreateGroupInput", map[string]any{"tenantId": company, "productId": segmenti, "name": "Intruders"}},
		{"updateGroup", "UpdateGroupInput", map[string]any{"groupId": group, "expectedVersion": 1, "name": "Renamed"}},
		{"deleteGroup", "DeleteGroupInput", map[string]any{"groupId": group}},
		{"addUserToGroup", "GroupMemberInput", map[string]any{"groupId": group, "userId": servertest.GlobalID("User", w.CompanyAdmin)}},
		{"removeUserFromGroup", "GroupMemberInput", map[string]any{"groupId": group, "userId": operator}},
		{"createTenant", "CreateTenantInput", map[string]any{"parentId": company, "name": "Below"}},
		{"updateTenant", "UpdateTenantInput", map[string]any{"tenantId": company, "expectedVersion": 1, "name": "Renamed"}},
		{"resendInvitation", "ResendInvitationInput", map[string]any{"userId": operator}},
		{"unlockUser", "UnlockUserInput", map[string]any{"userId": operator}},
		{"adminResetPassword", "AdminResetPasswordInput", map[string]any{"userId": operator}},
		{"adminResetSecondFactor", "AdminResetSecondFactorInput", map[string]any{"userId": operator}},
		{"startNomination", "StartNominationInput", map[string]any{"tenantId": company, "userId": operator,
			"productId": w.Product(t, "cob"), "roleId": w.Role(t, "cob", "master"), "legalRepresentative": servertest.Mario()}},
		{"runMonthlyDigest", "RunMonthlyDigestInput", map[string]any{"period": "2026-01"}},
		{"createServiceAccount", "CreateServiceAccountInput", map[string]any{"tenantId": company, "username": "intruder"}},
		{"createServiceAccountToken", "CreateServiceAccountTokenInput", map[string]any{"serviceAccountId": sa.ID, "name": "stolen"}},
		{"rotateServiceAccountToken", "RotateServiceAccountTokenInput", map[string]any{"tokenId": tok.ID}},
		{"revokeServiceAccountToken", "RevokeServiceAccountTokenInput", map[string]any{"tokenId": tok.ID}},
	}
	// Objects the mutations above may touch beyond the shared snapshot.
	extra := func() string {
		var b strings.Builder
		for _, table := range []string{"service_accounts", "service_account_tokens", "nominations", "tenants"} {
			var dump string
			w.Scalar(t, &dump, fmt.Sprintf("SELECT coalesce(json_agg(to_jsonb(x) ORDER BY to_jsonb(x)::text), '[]')::text FROM %s x", table))
			fmt.Fprintf(&b, "%s: %s\n", table, dump)
		}
		return b.String()
	}

	covered := slices.Clone(selfScopedMutations)
	for _, c := range cases {
		covered = append(covered, c.field)
		t.Run(c.field, func(t *testing.T) {
			before, beforeExtra := w.Snapshot(t), extra()
			p := w.Mutate(t, other, c.field, c.inputType, "__typename", c.input)
			refused(t, p)
			w.Unchanged(t, before)
			if extra() != beforeExtra {
				t.Error("a refused change changed service accounts, tokens, nominations or tenants")
			}
		})
	}

	// rejectNomination hides whether the nomination exists: the other
	// tenant's admin gets exactly the answer for an unknown ID.
	covered = append(covered, "rejectNomination")
	t.Run("rejectNomination", func(t *testing.T) {
		reject := func(id string) string {
			p := w.Mutate(t, other, "rejectNomination", "RejectNominationInput", "nomination { status }",
				map[string]any{"nominationId": id, "reason": "mine now"})
			b, _ := json.Marshal(map[string]any{"errors": p.Res.Errors, "data": p.Data})
			return string(b)
		}
		before := extra()
		hidden, unknown := reject(nomination), reject(servertest.GlobalID("Nomination", 999999))
		if hidden != unknown || !strings.Contains(hidden, "NOMINATION_NOT_FOUND") {
			t.Fatalf("another tenant's nomination answers\n%s\nan unknown one\n%s", hidden, unknown)
		}
		if extra() != before {
			t.Error("the refused rejection changed the nomination")
		}
	})

	t.Run("EveryMutationCovered", func(t *testing.T) {
		var schema struct {
			Schema struct {
				MutationType struct{ Fields []struct{ Name string } }
			} `json:"__schema"`
		}
		w.M.GQL(t, "", `{ __schema { mutationType { fields { name } } } }`, nil).Decode(t, &schema)
		var missing []string
		for _, f := range schema.Schema.MutationType.Fields {
			if !slices.Contains(covered, f.Name) {
				missing = append(missing, f.Name)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Fatalf("mutations without a refusal case (add one, or list them as self-scoped): %v", missing)
		}
	})
}

// refused asserts the one shape of a refusal: a GraphQL error with
// extensions.code FORBIDDEN, and no payload (so no userErrors).
func refused(t *testing.T, p *servertest.Payload) {
	t.Helper()
	if c := p.Code(); c != "FORBIDDEN" {
		t.Fatalf("%s: code %q, want a GraphQL error FORBIDDEN; errors %+v data %s", p.Field, c, p.Res.Errors, p.Res.Data)
	}
	if p.Data != nil {
		t.Fatalf("%s: refused with a payload beside the error: %v", p.Field, p.Data)
	}
}
