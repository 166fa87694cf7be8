package db

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// Changes of users, memberships and role assignments (R1–R10). Each public
// method is one transaction; see admin.go.

// Invite is the invitation a created user receives (R14): the hash of the
// token to store and the mail to send with the link.
type Invite struct {
	TokenHash []byte
	Link      string
	// PasswordHash, when set, replaces the invitation: the administrator
	// chose the first password (seed 000); the account is ACTIVE and must
	// change it at the first sign-in. Nothing is emailed.
	PasswordHash string
}

// LookupCandidate finds the accounts a username and a tax code belong to
// and decides the outcome of R1 for the tenant.
func (s *UserService) LookupCandidate(ctx context.Context, tenantID int64, username, taxCode string) (domain.Candidate, error) {
	find := func(column, value string) (*domain.AccountMatch, error) {
		var rows []struct {
			ID       int64  `bun:"id"`
			Username string `bun:"username"`
			Member   bool   `bun:"member"`
		}
		err := s.db.NewRaw(`SELECT u.id, u.username,
				EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.tenant_id = ?) AS member
			FROM users u WHERE `+column+` = ?`, tenantID, value).Scan(ctx, &rows)
		if err != nil || len(rows) == 0 {
			return nil, mapError(err)
		}
		return &domain.AccountMatch{UserID: rows[0].ID, Username: rows[0].Username, MemberOfTenant: rows[0].Member}, nil
	}
	byUsername, err := find("u.username", username)
	if err != nil {
		return domain.Candidate{}, err
	}
	byTaxCode, err := find("u.tax_code", taxCode)
	if err != nil {
		return domain.Candidate{}, err
	}
	return domain.DecideCandidate(byUsername, byTaxCode), nil
}

// RecordLookup writes the audit event of a candidate lookup: probing tax
// codes is visible in the trail. The typed username is kept only when
// nobody has it; otherwise the account found is named by its id, so that
// erasing that account later pseudonymises the row.
func (s *UserService) RecordLookup(ctx context.Context, ac domain.AuditContext, tenantID int64, username string, c domain.Candidate) error {
	return s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		after := map[string]any{"outcome": string(c.Outcome)}
		if c.UserID != 0 {
			after["userId"] = c.UserID
		} else {
			after["username"] = username
		}
		return RecordChange(ctx, tx, ac, domain.AuditEvent{TenantID: &tenantID, Action: "user.lookup",
			TargetType: "Tenant", TargetID: &tenantID, After: after}, nil)
	})
}

// addRole gives a locked user a role in a tenant, creating the membership
// when needed, after checking R9 against the roles the membership holds.
// It returns the membership and the new assignment.
func addRole(ctx context.Context, tx bun.IDB, userID, tenantID int64, role *domain.Role, createMembership bool) (*membershipModel, *roleAssignmentModel, error) {
	if err := checkRoleFitsTenant(ctx, tx, role, tenantID); err != nil {
		return nil, nil, err
	}
	var m membershipModel
	err := tx.NewSelect().Model(&m).Where("tenant_id = ? AND user_id = ?", tenantID, userID).For("UPDATE").Scan(ctx)
	if err != nil {
		if domain.ErrorCode(mapError(err)) != domain.ENOTFOUND {
			return nil, nil, mapError(err)
		}
		if !createMembership {
			return nil, nil, &domain.Error{Code: domain.EINVALID, Field: "tenantId", Reason: domain.ReasonNotAMember,
				Message: "The user is not a member of this tenant; attach them first."}
		}
		m = membershipModel{TenantID: tenantID, UserID: userID}
		if _, err := tx.NewInsert().Model(&m).Returning("*").Exec(ctx); err != nil {
			return nil, nil, mapError(err)
		}
	} else if createMembership {
		return nil, nil, &domain.Error{Code: domain.ECONFLICT, Field: "tenantId", Reason: domain.ReasonAlreadyMember,
			Message: "The user is already a member of this tenant."}
	}
	var held []roleAssignmentModel
	if err := tx.NewSelect().Model(&held).Where("membership_id = ? AND product_id = ?", m.ID, role.ProductID).Scan(ctx); err != nil {
		return nil, nil, mapError(err)
	}
	heldDomain := make([]*domain.RoleAssignment, len(held))
	for i := range held {
		heldDomain[i] = held[i].domain()
	}
	if err := domain.CheckAssignRole(role, heldDomain); err != nil {
		return nil, nil, err
	}
	if _, err := tx.NewRaw(`INSERT INTO membership_products (membership_id, product_id, category) VALUES (?, ?, ?)
		ON CONFLICT (membership_id, product_id) DO NOTHING`, m.ID, role.ProductID, string(role.Category)).Exec(ctx); err != nil {
		return nil, nil, mapError(err)
	}
	ra := roleAssignmentModel{MembershipID: m.ID, TenantID: tenantID, UserID: userID, ProductID: role.ProductID,
		RoleID: role.ID, Category: string(role.Category), Status: string(domain.AssignmentActive)}
	if _, err := tx.NewInsert().Model(&ra).Returning("*").Exec(ctx); err != nil {
		return nil, nil, mapError(err)
	}
	return &m, &ra, nil
}

// checkRoleFitsTenant applies R12's site rule with the tenant as stored.
func checkRoleFitsTenant(ctx context.Context, tx bun.IDB, role *domain.Role, tenantID int64) error {
	if !role.RequiresSite {
		return nil
	}
	var t tenantModel
	if err := tx.NewSelect().Model(&t).Column("id", "parent_id").Where("id = ?", tenantID).Scan(ctx); err != nil {
		return notFoundOr(err, "Tenant not found.")
	}
	return domain.CheckRoleFitsTenant(role, t.domain())
}

// SetModuleLevel gives a member a level of a single-level module, or
// replaces the level they hold, in one transaction: the member never holds
// two levels, nor none in between (seed 003). The replaced level's status
// (suspended or not) carries over. authorizeReplaced decides on taking the
// old level away (the viewer must be able to manage it). It returns the
// new assignment and the replaced one (nil when there was none).
func (s *UserService) SetModuleLevel(ctx context.Context, userID, tenantID int64, role *domain.Role,
	authorizeReplaced func(*domain.RoleAssignment) error, ac domain.AuditContext) (*domain.RoleAssignment, *domain.RoleAssignment, error) {
	var ra, old *roleAssignmentModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := lockUser(ctx, tx, userID); err != nil {
			return err
		}
		var m membershipModel
		if err := tx.NewSelect().Model(&m).Where("tenant_id = ? AND user_id = ?", tenantID, userID).For("UPDATE").Scan(ctx); err != nil {
			if domain.ErrorCode(mapError(err)) == domain.ENOTFOUND {
				return &domain.Error{Code: domain.EINVALID, Field: "tenantId", Reason: domain.ReasonNotAMember,
					Message: "The user is not a member of this tenant; attach them first."}
			}
			return mapError(err)
		}
		var held []roleAssignmentModel
		if err := tx.NewSelect().Model(&held).Where("membership_id = ? AND product_id = ?", m.ID, role.ProductID).Scan(ctx); err != nil {
			return mapError(err)
		}
		heldDomain := make([]*domain.RoleAssignment, len(held))
		for i := range held {
			heldDomain[i] = held[i].domain()
		}
		replaced, err := domain.PlanLevelChange(role, heldDomain)
		if err != nil {
			return err
		}
		if replaced == nil {
			if _, ra, err = addRole(ctx, tx, userID, tenantID, role, false); err != nil {
				return err
			}
			return record(ctx, tx, ac, change{tenantID: &tenantID, action: "roleAssignment.create", targetType: "RoleAssignment",
				targetID: ra.ID, after: assignmentDoc(ra), eventType: domain.EventRoleAssignmentCreated, eventTenant: []int64{tenantID},
				payload: assignmentPayload(ra)})
		}
		if err := authorizeReplaced(replaced); err != nil {
			return err
		}
		// A first level goes through addRole, which applies the site rule.
		if err := checkRoleFitsTenant(ctx, tx, role, tenantID); err != nil {
			return err
		}
		old = &held[slices.IndexFunc(held, func(h roleAssignmentModel) bool { return h.ID == replaced.ID })]
		if old.Category == string(role.Category) {
			// Same category: the assignment changes role in place.
			ra = new(roleAssignmentModel)
			if _, err := tx.NewUpdate().Model(ra).Set("role_id = ?", role.ID).Set("updated_at = now()").
				Where("id = ?", old.ID).Returning("*").Exec(ctx); err != nil {
				return mapError(err)
			}
		} else {
			// ADMIN ↔ OPERATOR: the product's category changes with it (R9
			// keys assignments by it), so the level is replaced by a new row.
			if _, err := tx.NewDelete().Model((*roleAssignmentModel)(nil)).Where("id = ?", old.ID).Exec(ctx); err != nil {
				return mapError(err)
			}
			if _, err := tx.NewRaw(`UPDATE membership_products SET category = ? WHERE membership_id = ? AND product_id = ?`,
				string(role.Category), m.ID, role.ProductID).Exec(ctx); err != nil {
				return mapError(err)
			}
			ra = &roleAssignmentModel{MembershipID: m.ID, TenantID: tenantID, UserID: userID, ProductID: role.ProductID,
				RoleID: role.ID, Category: string(role.Category), Status: old.Status}
			if _, err := tx.NewInsert().Model(ra).Returning("*").Exec(ctx); err != nil {
				return mapError(err)
			}
		}
		payload := assignmentPayload(ra)
		payload["previousRoleId"] = old.RoleID
		return record(ctx, tx, ac, change{tenantID: &tenantID, action: "roleAssignment.setLevel", targetType: "RoleAssignment",
			targetID: ra.ID, before: assignmentDoc(old), after: assignmentDoc(ra), eventType: domain.EventRoleAssignmentLevelChanged,
			eventTenant: []int64{tenantID}, payload: payload})
	})
	if err != nil {
		return nil, nil, err
	}
	var replaced *domain.RoleAssignment
	if old != nil {
		replaced = old.domain()
	}
	return ra.domain(), replaced, nil
}

func assignmentDoc(ra *roleAssignmentModel) map[string]any {
	return map[string]any{"userId": ra.UserID, "tenantId": ra.TenantID, "membershipId": ra.MembershipID,
		"productId": ra.ProductID, "roleId": ra.RoleID, "category": ra.Category, "status": ra.Status}
}

// CreateUser creates a person INVITED, homed in the tenant, with a
// membership and one role, and sends the invitation (R1, R14). The caller
// has validated the input and decided that the viewer manages the product
// there.
func (s *UserService) CreateUser(ctx context.Context, in domain.NewUser, role *domain.Role, inv Invite, ac domain.AuditContext) (*domain.User, *domain.Membership, error) {
	var u userModel
	var m *membershipModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var tenantName string
		if err := tx.NewRaw("SELECT name FROM tenants WHERE id = ?", in.TenantID).Scan(ctx, &tenantName); err != nil {
			return notFoundOr(err, "Tenant not found.")
		}
		u = userModel{Kind: string(domain.KindHuman), Username: in.Username, TaxCode: &in.TaxCode, TaxCountry: &in.TaxCountry,
			GivenName: in.GivenName, FamilyName: in.FamilyName, Email: &in.Email, Language: in.Language, TimeZone: in.TimeZone,
			Phone: nullable(in.Phone), Gender: nullable(in.Gender), BirthDate: parseDate(in.BirthDate),
			Status: string(domain.UserInvited), HomeTenantID: &in.TenantID, Version: 1}
		if _, err := tx.NewInsert().Model(&u).Returning("*").Exec(ctx); err != nil {
			return mapError(err)
		}
		var ra *roleAssignmentModel
		var err error
		if m, ra, err = addRole(ctx, tx, u.ID, in.TenantID, role, true); err != nil {
			return err
		}
		firstAccess := "invitation"
		if inv.PasswordHash != "" {
			firstAccess = "password"
			if _, err := tx.NewRaw(`INSERT INTO credentials (user_id, password_hash, password_changed_at, must_change_password)
				VALUES (?, ?, now(), true)`, u.ID, inv.PasswordHash).Exec(ctx); err != nil {
				return mapError(err)
			}
			if _, err := tx.NewUpdate().Model(&u).Set("status = ?", string(domain.UserActive)).WherePK().Returning("*").Exec(ctx); err != nil {
				return mapError(err)
			}
		} else {
			if err := CreateInvitation(ctx, tx, u.ID, &in.TenantID, ac.ActorID, inv.TokenHash); err != nil {
				return err
			}
			if err := EnqueueEmail(ctx, tx, Email{To: in.Email, Template: "invitation", Language: in.Language,
				TenantID: &in.TenantID, UserID: &u.ID, Data: map[string]any{
					"link": inv.Link, "username": u.Username, "tenantName": tenantName, "invitedBy": actorName(ctx, tx, ac),
					"givenName": u.GivenName, "hours": int(InvitationTTL.Hours()),
				}}); err != nil {
				return err
			}
		}
		after := userDoc(&u)
		after["firstAccess"] = firstAccess
		after["tenantId"], after["productId"], after["roleId"] = in.TenantID, role.ProductID, role.ID
		if err := record(ctx, tx, ac, change{tenantID: &in.TenantID, action: "user.create", targetType: "User", targetID: u.ID,
			after: after, eventType: "USER_CREATED", eventTenant: []int64{in.TenantID}, payload: map[string]any{"userId": u.ID}}); err != nil {
			return err
		}
		return record(ctx, tx, ac, change{tenantID: &in.TenantID, action: "roleAssignment.create", targetType: "RoleAssignment",
			targetID: ra.ID, after: assignmentDoc(ra), eventType: "ROLE_ASSIGNMENT_CREATED", eventTenant: []int64{in.TenantID},
			payload: assignmentPayload(ra)})
	})
	if err != nil {
		return nil, nil, err
	}
	return u.domain(), m.domain(), nil
}

func assignmentPayload(ra *roleAssignmentModel) map[string]any {
	return map[string]any{"userId": ra.UserID, "roleAssignmentId": ra.ID, "productId": ra.ProductID, "roleId": ra.RoleID, "status": ra.Status}
}

// actorName is how invitations name the administrator who sent them.
func actorName(ctx context.Context, tx bun.IDB, ac domain.AuditContext) string {
	if ac.ActorID == nil {
		return ac.ActorLabel
	}
	var name string
	if err := tx.NewRaw("SELECT trim(given_name || ' ' || family_name) FROM users WHERE id = ?", *ac.ActorID).Scan(ctx, &name); err != nil || name == "" {
		return ac.ActorLabel
	}
	return name
}

// AttachExistingUser adds the account that has both the username and the
// tax code to a tenant with one role (R1's "attach that account instead").
// Requiring both keeps an administrator from attaching arbitrary accounts.
func (s *UserService) AttachExistingUser(ctx context.Context, tenantID int64, username, taxCode string, role *domain.Role, ac domain.AuditContext) (*domain.User, *domain.Membership, error) {
	var u *userModel
	var m *membershipModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var id int64
		if err := tx.NewRaw("SELECT id FROM users WHERE username = ? AND tax_code = ?", username, taxCode).Scan(ctx, &id); err != nil {
			if domain.ErrorCode(mapError(err)) == domain.ENOTFOUND {
				return &domain.Error{Code: domain.EINVALID, Field: "username", Reason: domain.ReasonNoMatchingAccount,
					Message: "No account has both this username and this tax code."}
			}
			return mapError(err)
		}
		var err error
		if u, err = lockUser(ctx, tx, id); err != nil {
			return err
		}
		if m, err = s.attach(ctx, tx, u, tenantID, role, ac); err != nil {
			return err
		}
		return tellHomeTenantOfAttach(ctx, tx, u, m, ac)
	})
	if err != nil {
		return nil, nil, err
	}
	return u.domain(), m.domain(), nil
}

// tellHomeTenantOfAttach records, in the person's home tenant's audit
// trail, that another tenant attached the account (R1, issue 13 item 7),
// and queues the notice to the person in their language.
func tellHomeTenantOfAttach(ctx context.Context, tx bun.IDB, u *userModel, m *membershipModel, ac domain.AuditContext) error {
	home := derefInt(u.HomeTenantID)
	if !domain.HomeTenantHearsOfAttach(home, m.TenantID) {
		return nil
	}
	var tenantName string
	if err := tx.NewRaw("SELECT name FROM tenants WHERE id = ?", m.TenantID).Scan(ctx, &tenantName); err != nil {
		return mapError(err)
	}
	after := map[string]any{"userId": u.ID, "username": u.Username, "tenantId": m.TenantID, "tenantName": tenantName,
		"membershipId": m.ID, "noticeSent": u.Email != nil}
	if err := RecordChange(ctx, tx, ac, domain.AuditEvent{TenantID: &home, Action: "user.attachedByOtherTenant",
		TargetType: "User", TargetID: &u.ID, After: after}, nil); err != nil {
		return err
	}
	if u.Email == nil {
		return nil
	}
	return EnqueueEmail(ctx, tx, Email{To: *u.Email, Template: "attached_to_tenant", Language: u.Language, UserID: &u.ID, TenantID: &home,
		Data: map[string]any{"username": u.Username, "givenName": u.GivenName, "tenantName": tenantName}})
}

// attach creates a membership with one role for a locked user and records it.
func (s *UserService) attach(ctx context.Context, tx bun.IDB, u *userModel, tenantID int64, role *domain.Role, ac domain.AuditContext) (*membershipModel, error) {
	m, ra, err := addRole(ctx, tx, u.ID, tenantID, role, true)
	if err != nil {
		return nil, err
	}
	if err := record(ctx, tx, ac, change{tenantID: &tenantID, action: "membership.create", targetType: "Membership", targetID: m.ID,
		after:     map[string]any{"userId": u.ID, "username": u.Username, "tenantId": tenantID},
		eventType: "MEMBERSHIP_CREATED", eventTenant: []int64{tenantID}, payload: map[string]any{"userId": u.ID, "membershipId": m.ID}}); err != nil {
		return nil, err
	}
	return m, record(ctx, tx, ac, change{tenantID: &tenantID, action: "roleAssignment.create", targetType: "RoleAssignment",
		targetID: ra.ID, after: assignmentDoc(ra), eventType: "ROLE_ASSIGNMENT_CREATED", eventTenant: []int64{tenantID},
		payload: assignmentPayload(ra)})
}

// AttachUserToTenant attaches a user to another tenant with one role (R8).
// authorize decides, under the lock, from the user's memberships.
func (s *UserService) AttachUserToTenant(ctx context.Context, userID, tenantID int64, role *domain.Role, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.Membership, error) {
	var m *membershipModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u, err := lockUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		t, err := targetOf(ctx, tx, u)
		if err != nil {
			return err
		}
		if err := authorize(t); err != nil {
			return err
		}
		m, err = s.attach(ctx, tx, u, tenantID, role, ac)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m.domain(), nil
}

// AssignRole gives a member of a tenant a role (R9): a role on a product
// the user has none on, or another role of the same category.
func (s *UserService) AssignRole(ctx context.Context, userID, tenantID int64, role *domain.Role, ac domain.AuditContext) (*domain.RoleAssignment, error) {
	var ra *roleAssignmentModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := lockUser(ctx, tx, userID); err != nil {
			return err
		}
		var err error
		if _, ra, err = addRole(ctx, tx, userID, tenantID, role, false); err != nil {
			return err
		}
		return record(ctx, tx, ac, change{tenantID: &tenantID, action: "roleAssignment.create", targetType: "RoleAssignment",
			targetID: ra.ID, after: assignmentDoc(ra), eventType: "ROLE_ASSIGNMENT_CREATED", eventTenant: []int64{tenantID},
			payload: assignmentPayload(ra)})
	})
	if err != nil {
		return nil, err
	}
	return ra.domain(), nil
}

// OnboardAdministrator grants a nomination-only role without a nomination:
// platform staff's onboarding of a tenant's first administrator (R20's one
// exception). authorize decides on the number of the tenant's active
// holders of nomination-only roles on the product, counted under a lock
// of the tenant so that two onboardings cannot both see none. The trail
// records it as an onboarding, with the reason given.
func (s *UserService) OnboardAdministrator(ctx context.Context, userID, tenantID int64, role *domain.Role, reason string,
	authorize func(holders int) error, ac domain.AuditContext) (*domain.RoleAssignment, error) {
	var ra *roleAssignmentModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var t tenantModel
		if err := tx.NewSelect().Model(&t).Where("id = ?", tenantID).For("UPDATE").Scan(ctx); err != nil {
			return notFoundOr(err, "Tenant not found.")
		}
		holders, err := tx.NewSelect().TableExpr("role_assignments AS ra").Join("JOIN roles AS r ON r.id = ra.role_id").
			Where("ra.tenant_id = ? AND ra.product_id = ? AND r.requires_nomination AND ra.status = 'ACTIVE'", tenantID, role.ProductID).
			Count(ctx)
		if err != nil {
			return mapError(err)
		}
		if err := authorize(int(holders)); err != nil {
			return err
		}
		if _, err := lockUser(ctx, tx, userID); err != nil {
			return err
		}
		if _, ra, err = addRole(ctx, tx, userID, tenantID, role, false); err != nil {
			return err
		}
		after := assignmentDoc(ra)
		after["reason"] = reason
		return record(ctx, tx, ac, change{tenantID: &tenantID, action: "roleAssignment.onboardAdministrator", targetType: "RoleAssignment",
			targetID: ra.ID, after: after, eventType: "ROLE_ASSIGNMENT_CREATED", eventTenant: []int64{tenantID},
			payload: assignmentPayload(ra)})
	})
	if err != nil {
		return nil, err
	}
	return ra.domain(), nil
}

// lockAssignment authorizes a change of an assignment, then locks its
// user and the assignment. The facts decided on (tenant, product, user)
// never change, so a refused request locks nothing.
func lockAssignment(ctx context.Context, tx bun.IDB, id int64, authorize func(*domain.RoleAssignment) error) (*userModel, *roleAssignmentModel, error) {
	notFound := func(err error) error { return notFoundOr(err, "Role assignment not found.") }
	var ra roleAssignmentModel
	if err := tx.NewSelect().Model(&ra).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, nil, notFound(err)
	}
	if err := authorize(ra.domain()); err != nil {
		return nil, nil, err
	}
	u, err := lockUser(ctx, tx, ra.UserID)
	if err != nil {
		return nil, nil, err
	}
	if err := tx.NewSelect().Model(&ra).Where("id = ?", id).For("UPDATE").Scan(ctx); err != nil {
		return nil, nil, notFound(err)
	}
	return u, &ra, nil
}

// SetAssignmentStatus suspends or reactivates one role assignment (R5,
// R10): the user keeps the role but cannot use it while suspended.
func (s *UserService) SetAssignmentStatus(ctx context.Context, id int64, status domain.AssignmentStatus, authorize func(*domain.RoleAssignment) error, ac domain.AuditContext) (*domain.RoleAssignment, error) {
	var ra *roleAssignmentModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if _, ra, err = lockAssignment(ctx, tx, id, authorize); err != nil {
			return err
		}
		if ra.Status == string(status) {
			if status == domain.AssignmentSuspended {
				return &domain.Error{Code: domain.EINVALID, Reason: domain.ReasonAlreadySuspended, Message: "The role is already suspended."}
			}
			return &domain.Error{Code: domain.EINVALID, Reason: domain.ReasonNotSuspended, Message: "The role is not suspended."}
		}
		before := assignmentDoc(ra)
		if err := tx.NewRaw("UPDATE role_assignments SET status = ?, updated_at = now() WHERE id = ? RETURNING *",
			string(status), id).Scan(ctx, ra); err != nil {
			return mapError(err)
		}
		action, ev := "roleAssignment.suspend", "ROLE_ASSIGNMENT_SUSPENDED"
		if status == domain.AssignmentActive {
			action, ev = "roleAssignment.reactivate", "ROLE_ASSIGNMENT_REACTIVATED"
		}
		return record(ctx, tx, ac, change{tenantID: &ra.TenantID, action: action, targetType: "RoleAssignment", targetID: ra.ID,
			before: before, after: assignmentDoc(ra), eventType: ev, eventTenant: []int64{ra.TenantID}, payload: assignmentPayload(ra)})
	})
	if err != nil {
		return nil, err
	}
	return ra.domain(), nil
}

// RemovalResult says what a removal took with it (R10).
type RemovalResult struct {
	domain.RemovalEffect
	UserID int64
}

// RemoveRoleAssignment removes one role assignment and cascades (R10): the
// last role on a product leaves that product's groups, the last role in a
// tenant ends the membership, the last membership anywhere deletes the
// account (personal data erased, audit trail pseudonymised).
func (s *UserService) RemoveRoleAssignment(ctx context.Context, id int64, authorize func(*domain.RoleAssignment) error, ac domain.AuditContext) (RemovalResult, error) {
	var res RemovalResult
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u, ra, err := lockAssignment(ctx, tx, id, authorize)
		if err != nil {
			return err
		}
		res.UserID = u.ID
		if _, err := tx.NewRaw("DELETE FROM role_assignments WHERE id = ?", id).Exec(ctx); err != nil {
			return mapError(err)
		}
		if err := record(ctx, tx, ac, change{tenantID: &ra.TenantID, action: "roleAssignment.delete", targetType: "RoleAssignment",
			targetID: ra.ID, before: assignmentDoc(ra), eventType: "ROLE_ASSIGNMENT_DELETED", eventTenant: []int64{ra.TenantID},
			payload: assignmentPayload(ra)}); err != nil {
			return err
		}
		var counts struct {
			OnProduct    int `bun:"on_product"`
			InMembership int `bun:"in_membership"`
			Others       int `bun:"others"`
		}
		if err := tx.NewRaw(`SELECT
				(SELECT count(*) FROM role_assignments WHERE membership_id = ? AND product_id = ?) AS on_product,
				(SELECT count(*) FROM role_assignments WHERE membership_id = ?) AS in_membership,
				(SELECT count(*) FROM memberships WHERE user_id = ? AND id <> ?) AS others`,
			ra.MembershipID, ra.ProductID, ra.MembershipID, u.ID, ra.MembershipID).Scan(ctx, &counts); err != nil {
			return mapError(err)
		}
		res.RemovalEffect = domain.PlanRoleRemoval(counts.OnProduct, counts.InMembership, counts.Others, u.PlatformAdmin)
		if res.ProductRemoved {
			if _, err := tx.NewRaw("DELETE FROM membership_products WHERE membership_id = ? AND product_id = ?",
				ra.MembershipID, ra.ProductID).Exec(ctx); err != nil {
				return mapError(err)
			}
			if _, err := tx.NewRaw(`DELETE FROM group_members WHERE user_id = ?
				AND group_id IN (SELECT id FROM groups WHERE tenant_id = ? AND product_id = ?)`, u.ID, ra.TenantID, ra.ProductID).Exec(ctx); err != nil {
				return mapError(err)
			}
		}
		if res.MembershipRemoved {
			if err := removeMembership(ctx, tx, ac, u, ra.MembershipID, ra.TenantID); err != nil {
				return err
			}
		}
		if res.UserDeleted {
			return deleteUser(ctx, tx, ac, u, ra.TenantID)
		}
		return nil
	})
	return res, err
}

// removeMembership deletes a membership (its roles go with it) and the
// user's places in the tenant's groups, and records it.
func removeMembership(ctx context.Context, tx bun.IDB, ac domain.AuditContext, u *userModel, membershipID, tenantID int64) error {
	var roleIDs []int64
	if err := tx.NewRaw("SELECT role_id FROM role_assignments WHERE membership_id = ? ORDER BY id", membershipID).Scan(ctx, &roleIDs); err != nil {
		return mapError(err)
	}
	if _, err := tx.NewRaw(`DELETE FROM group_members WHERE user_id = ?
		AND group_id IN (SELECT id FROM groups WHERE tenant_id = ?)`, u.ID, tenantID).Exec(ctx); err != nil {
		return mapError(err)
	}
	if _, err := tx.NewRaw("DELETE FROM memberships WHERE id = ?", membershipID).Exec(ctx); err != nil {
		return mapError(err)
	}
	if roleIDs == nil {
		roleIDs = []int64{}
	}
	return record(ctx, tx, ac, change{tenantID: &tenantID, action: "membership.delete", targetType: "Membership", targetID: membershipID,
		before:    map[string]any{"userId": u.ID, "username": u.Username, "tenantId": tenantID, "roleIds": roleIDs},
		eventType: "MEMBERSHIP_DELETED", eventTenant: []int64{tenantID}, payload: map[string]any{"userId": u.ID, "membershipId": membershipID}})
}

// DetachUserFromTenant ends a user's membership of a tenant with every role
// it holds (R8); detaching from the last tenant deletes the account (R10).
// authorize decides from the tenant, the user and the products the
// membership holds roles on, read under the lock.
func (s *UserService) DetachUserFromTenant(ctx context.Context, membershipID int64, authorize func(tenantID, userID int64, productIDs []int64) error, ac domain.AuditContext) (RemovalResult, error) {
	var res RemovalResult
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var m membershipModel
		if err := tx.NewSelect().Model(&m).Where("id = ?", membershipID).Scan(ctx); err != nil {
			return notFoundOr(err, "Membership not found.")
		}
		u, err := lockUser(ctx, tx, m.UserID)
		if err != nil {
			return err
		}
		var productIDs []int64
		if err := tx.NewRaw("SELECT product_id FROM membership_products WHERE membership_id = ? ORDER BY product_id FOR UPDATE",
			membershipID).Scan(ctx, &productIDs); err != nil {
			return mapError(err)
		}
		if err := authorize(m.TenantID, m.UserID, productIDs); err != nil {
			return err
		}
		res.UserID = u.ID
		if err := removeMembership(ctx, tx, ac, u, m.ID, m.TenantID); err != nil {
			return err
		}
		var others int
		if err := tx.NewRaw("SELECT count(*) FROM memberships WHERE user_id = ?", u.ID).Scan(ctx, &others); err != nil {
			return mapError(err)
		}
		res.RemovalEffect = domain.PlanDetach(others, u.PlatformAdmin)
		if res.UserDeleted {
			return deleteUser(ctx, tx, ac, u, m.TenantID)
		}
		return nil
	})
	return res, err
}

// userChange applies fn to a locked user and records the change on every
// tenant the user belongs to. authorize decides from the target's facts.
func (s *UserService) userChange(ctx context.Context, userID int64, expectedVersion *int, action, eventType string,
	authorize func(domain.TargetUser) error, fn func(ctx context.Context, tx bun.Tx, u *userModel) error, ac domain.AuditContext) (*domain.User, error) {
	var u *userModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if u, err = lockUser(ctx, tx, userID); err != nil {
			return err
		}
		t, err := targetOf(ctx, tx, u)
		if err != nil {
			return err
		}
		if err := authorize(t); err != nil {
			return err
		}
		if err := domain.CheckVersion("user", u.Version, expectedVersion); err != nil {
			return err
		}
		before := userDoc(u)
		if err := fn(ctx, tx, u); err != nil {
			return err
		}
		after := userDoc(u)
		b, a := changedDocs("userId", before, after)
		if len(a) == 1 { // only userId: nothing changed, nothing to record
			return nil
		}
		if _, err := tx.NewUpdate().Model(u).
			Column("given_name", "family_name", "tax_code", "tax_country", "email", "email_verified", "phone", "gender", "birth_date",
				"language", "time_zone", "status").
			Set("version = version + 1, updated_at = now()").WherePK().Returning("*").Exec(ctx); err != nil {
			return mapError(err)
		}
		b["version"], a["version"] = before["version"], u.Version
		home := derefInt(u.HomeTenantID)
		var tenant *int64
		if home != 0 {
			tenant = &home
		} else if len(t.TenantIDs) > 0 {
			tenant = &t.TenantIDs[0]
		}
		return record(ctx, tx, ac, change{tenantID: tenant, action: action, targetType: "User", targetID: u.ID,
			before: b, after: a, eventType: eventType, eventTenant: t.TenantIDs,
			payload: map[string]any{"userId": u.ID, "status": u.Status, "version": u.Version, "before": b, "after": a}})
	})
	if err != nil {
		return nil, err
	}
	return u.domain(), nil
}

// UpdateProfile applies an administrator's change of identity and
// preferences (R3, R4, R7).
func (s *UserService) UpdateProfile(ctx context.Context, userID int64, expectedVersion *int, upd domain.ProfileUpdate, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.User, error) {
	return s.userChange(ctx, userID, expectedVersion, "user.update", "USER_UPDATED", authorize, func(ctx context.Context, tx bun.Tx, u *userModel) error {
		next, err := domain.ApplyProfileUpdate(*u.domain(), upd)
		if err != nil {
			return err
		}
		u.GivenName, u.FamilyName, u.TaxCode, u.TaxCountry = next.GivenName, next.FamilyName, nullable(next.TaxCode), nullable(next.TaxCountry)
		u.Language, u.TimeZone = next.Language, next.TimeZone
		u.Gender, u.BirthDate = nullable(next.Gender), parseDate(next.BirthDate)
		return nil
	}, ac)
}

// UpdatePreferences changes a user's own language and time zone (R4).
func (s *UserService) UpdatePreferences(ctx context.Context, userID int64, expectedVersion *int, language, timeZone *string, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.User, error) {
	return s.userChange(ctx, userID, expectedVersion, "user.preferences", "USER_UPDATED", authorize, func(ctx context.Context, tx bun.Tx, u *userModel) error {
		next, err := domain.ApplyProfileUpdate(*u.domain(), domain.ProfileUpdate{Language: language, TimeZone: timeZone})
		u.Language, u.TimeZone = next.Language, next.TimeZone
		return err
	}, ac)
}

// SetPhone sets or clears a user's own work phone (R3).
func (s *UserService) SetPhone(ctx context.Context, userID int64, expectedVersion *int, phone string, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.User, error) {
	return s.userChange(ctx, userID, expectedVersion, "user.phone", "USER_UPDATED", authorize, func(ctx context.Context, tx bun.Tx, u *userModel) error {
		u.Phone = nullable(phone)
		return nil
	}, ac)
}

// SetAccountStatus suspends or reactivates an account (R5). Reactivation
// returns the account to domain.ReactivatedStatus (ACTIVE with a password
// or for a service account, else INVITED) and clears the failed-login
// count.
func (s *UserService) SetAccountStatus(ctx context.Context, userID int64, expectedVersion *int, suspend bool, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.User, error) {
	action, ev := "user.suspend", "USER_SUSPENDED"
	if !suspend {
		action, ev = "user.reactivate", "USER_REACTIVATED"
	}
	return s.userChange(ctx, userID, expectedVersion, action, ev, authorize, func(ctx context.Context, tx bun.Tx, u *userModel) error {
		if suspend {
			if u.Status == string(domain.UserSuspended) {
				return &domain.Error{Code: domain.EINVALID, Reason: domain.ReasonAlreadySuspended, Message: "The account is already suspended."}
			}
			u.Status = string(domain.UserSuspended)
			return nil
		}
		if u.Status != string(domain.UserSuspended) {
			return &domain.Error{Code: domain.EINVALID, Reason: domain.ReasonNotSuspended, Message: "The account is not suspended."}
		}
		var hasPassword bool
		if err := tx.NewRaw("SELECT EXISTS (SELECT 1 FROM credentials WHERE user_id = ? AND password_hash IS NOT NULL)", u.ID).Scan(ctx, &hasPassword); err != nil {
			return mapError(err)
		}
		u.Status = string(domain.ReactivatedStatus(domain.UserKind(u.Kind), hasPassword))
		_, err := tx.NewRaw("UPDATE credentials SET failed_attempts = 0 WHERE user_id = ?", u.ID).Exec(ctx)
		return mapError(err)
	}, ac)
}

// RequestEmailChange stores a user's new email as pending and mails the
// confirmation link to it; the current address is told (R3). Earlier
// pending requests stop working.
func (s *UserService) RequestEmailChange(ctx context.Context, userID int64, newEmail string, tokenHash []byte, link string, ac domain.AuditContext) (*domain.User, error) {
	var u *userModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if u, err = lockUser(ctx, tx, userID); err != nil {
			return err
		}
		if deref(u.Email) == newEmail {
			return &domain.Error{Code: domain.EINVALID, Field: "email", Reason: domain.ReasonNothingToChange, Message: "This is already your email."}
		}
		if _, err := tx.NewRaw("UPDATE email_changes SET revoked_at = now() WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL",
			userID).Exec(ctx); err != nil {
			return mapError(err)
		}
		if _, err := tx.NewRaw("INSERT INTO email_changes (user_id, new_email, token_hash, expires_at) VALUES (?, ?, ?, ?)",
			userID, newEmail, tokenHash, expiresIn(domain.EmailChangeTTL)).Exec(ctx); err != nil {
			return mapError(err)
		}
		if err := EnqueueEmail(ctx, tx, Email{To: newEmail, Template: "email-change-verification", Language: u.Language, UserID: &u.ID,
			Data: map[string]any{"link": link, "username": u.Username}}); err != nil {
			return err
		}
		if u.Email != nil {
			if err := EnqueueEmail(ctx, tx, Email{To: *u.Email, Template: "email-change-requested", Language: u.Language, UserID: &u.ID,
				Data: map[string]any{"username": u.Username}}); err != nil {
				return err
			}
		}
		return record(ctx, tx, ac, change{tenantID: u.HomeTenantID, action: "user.emailChangeRequest", targetType: "User", targetID: u.ID,
			after: map[string]any{"userId": u.ID, "newEmail": newEmail}})
	})
	if err != nil {
		return nil, err
	}
	return u.domain(), nil
}

// ConfirmEmailChange applies the pending email of a valid, unused,
// unexpired token: the address is verified by the click (R3).
func (s *UserService) ConfirmEmailChange(ctx context.Context, tokenHash []byte, ac domain.AuditContext) (*domain.User, error) {
	var u *userModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var req struct {
			ID       int64  `bun:"id"`
			UserID   int64  `bun:"user_id"`
			NewEmail string `bun:"new_email"`
		}
		err := tx.NewRaw(`SELECT id, user_id, new_email FROM email_changes
			WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now() FOR UPDATE`, tokenHash).Scan(ctx, &req)
		if err != nil {
			if domain.ErrorCode(mapError(err)) == domain.ENOTFOUND {
				return &domain.Error{Code: domain.EINVALID, Field: "token", Reason: domain.ReasonInvalidToken,
					Message: "This link is invalid, expired or already used; request the change again."}
			}
			return mapError(err)
		}
		if ac.ActorID == nil { // the link proves who the user is
			ac.ActorID = &req.UserID
		}
		_, err = s.userChangeTx(ctx, tx, req.UserID, "user.emailChange", "USER_UPDATED", func(uu *userModel) {
			uu.Email, uu.EmailVerified = &req.NewEmail, true
			u = uu
		}, ac)
		if err != nil {
			return err
		}
		_, err = tx.NewRaw("UPDATE email_changes SET used_at = now() WHERE id = ?", req.ID).Exec(ctx)
		return mapError(err)
	})
	if err != nil {
		return nil, err
	}
	return u.domain(), nil
}

// userChangeTx is the part of userChange that runs in a caller's
// transaction, for changes already authorized by other means (a token).
func (s *UserService) userChangeTx(ctx context.Context, tx bun.Tx, userID int64, action, eventType string, fn func(*userModel), ac domain.AuditContext) (*userModel, error) {
	u, err := lockUser(ctx, tx, userID)
	if err != nil {
		return nil, err
	}
	if ac.ActorLabel == "" && ac.ActorID != nil && *ac.ActorID == u.ID {
		ac.ActorLabel = u.Username
	}
	tenants, err := memberTenantIDs(ctx, tx, u.ID)
	if err != nil {
		return nil, err
	}
	before := userDoc(u)
	fn(u)
	if _, err := tx.NewUpdate().Model(u).Column("email", "email_verified").
		Set("version = version + 1, updated_at = now()").WherePK().Returning("*").Exec(ctx); err != nil {
		return nil, mapError(err)
	}
	b, a := changedDocs("userId", before, userDoc(u))
	return u, record(ctx, tx, ac, change{tenantID: u.HomeTenantID, action: action, targetType: "User", targetID: u.ID,
		before: b, after: a, eventType: eventType, eventTenant: tenants,
		payload: map[string]any{"userId": u.ID, "status": u.Status, "version": u.Version}})
}

// PendingEmail returns the address a user asked to change to and has not
// confirmed yet, or "".
func (s *UserService) PendingEmail(ctx context.Context, userID int64) (string, error) {
	var emails []string
	err := s.db.NewRaw(`SELECT new_email FROM email_changes WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL
		AND expires_at > ? ORDER BY id DESC LIMIT 1`, userID, time.Now()).Scan(ctx, &emails)
	if err != nil || len(emails) == 0 {
		return "", mapError(err)
	}
	return emails[0], nil
}

// FindRoleAssignment returns one role assignment; callers check visibility.
func (s *UserService) FindRoleAssignment(ctx context.Context, id int64) (*domain.RoleAssignment, error) {
	var ra roleAssignmentModel
	if err := s.db.NewSelect().Model(&ra).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	return ra.domain(), nil
}

// FindMembership returns one membership; callers check visibility.
func (s *UserService) FindMembership(ctx context.Context, id int64) (*domain.Membership, error) {
	var m membershipModel
	if err := s.db.NewSelect().Model(&m).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	return m.domain(), nil
}

// FindMembershipOf returns the user's membership of the tenant;
// NOT_A_MEMBER when there is none.
func (s *UserService) FindMembershipOf(ctx context.Context, userID, tenantID int64) (*domain.Membership, error) {
	var m membershipModel
	if err := s.db.NewSelect().Model(&m).Where("tenant_id = ? AND user_id = ?", tenantID, userID).Scan(ctx); err != nil {
		if domain.ErrorCode(mapError(err)) == domain.ENOTFOUND {
			return nil, &domain.Error{Code: domain.EINVALID, Field: "userId", Reason: domain.ReasonNotAMember,
				Message: "The user is not a member of this tenant."}
		}
		return nil, mapError(err)
	}
	return m.domain(), nil
}

// ProductIDsOfTenants returns, per tenant, the products its users hold
// roles on (R21's product tabs).
func (s *UserService) ProductIDsOfTenants(ctx context.Context, tenantIDs []int64) (map[int64][]int64, error) {
	var rows []struct {
		TenantID  int64 `bun:"tenant_id"`
		ProductID int64 `bun:"product_id"`
	}
	err := s.db.NewRaw(`SELECT DISTINCT tenant_id, product_id FROM role_assignments WHERE tenant_id ? ORDER BY tenant_id, product_id`,
		oneOf(tenantIDs)).Scan(ctx, &rows)
	out := map[int64][]int64{}
	for _, r := range rows {
		out[r.TenantID] = append(out[r.TenantID], r.ProductID)
	}
	return out, mapError(err)
}
