package db

import (
	"context"
	"slices"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// changedFields names the fields of a change document (its keys but the
// tenant and version), sorted.
func changedFields(doc map[string]any) []string {
	var out []string
	for k := range doc {
		if k != "tenantId" && k != "version" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func tenantDoc(t *tenantModel) map[string]any {
	return map[string]any{"tenantId": t.ID, "parentId": t.ParentID, "name": t.Name, "country": t.Country,
		"taxCode": deref(t.TaxCode), "certifiedEmail": deref(t.CertifiedEmail), "passwordMaxAgeDays": t.PasswordMaxAgeDays,
		"version": t.Version}
}

// CreateTenant onboards a tenant or adds a site below a parent. When
// creator is given (a parent's administrator, not platform staff), the
// creator becomes a member of the new site with the given ADMIN roles, the
// ones they hold in the parent: a parent's admins only read children
// (R6), so without them nobody could manage the new site.
func (s *TenantService) CreateTenant(ctx context.Context, nt domain.NewTenant, creator *int64, adminRoles []*domain.Role, ac domain.AuditContext) (*domain.Tenant, error) {
	t := tenantModel{ParentID: nt.ParentID, Name: nt.Name, Country: nt.Country, TaxCode: nullable(nt.TaxCode),
		CertifiedEmail: nullable(nt.CertifiedEmail), Version: 1}
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if nt.ParentID != nil {
			// The parent must exist; lock it against a concurrent change.
			var id int64
			if err := tx.NewRaw("SELECT id FROM tenants WHERE id = ? FOR SHARE", *nt.ParentID).Scan(ctx, &id); err != nil {
				return notFoundOr(err, "Parent tenant not found.")
			}
		}
		if _, err := tx.NewInsert().Model(&t).Returning("*").Exec(ctx); err != nil {
			return mapError(err)
		}
		events := []int64{t.ID}
		if t.ParentID != nil {
			events = append(events, *t.ParentID)
		}
		if err := record(ctx, tx, ac, change{tenantID: &t.ID, action: "tenant.create", targetType: "Tenant", targetID: t.ID,
			after: tenantDoc(&t), eventType: "TENANT_CREATED", eventTenant: events,
			payload: map[string]any{"tenantId": t.ID, "parentId": t.ParentID}}); err != nil {
			return err
		}
		if creator == nil || len(adminRoles) == 0 {
			return nil
		}
		u, err := lockUser(ctx, tx, *creator)
		if err != nil {
			return err
		}
		us := &UserService{db: s.db}
		if _, err := us.attach(ctx, tx, u, t.ID, adminRoles[0], ac); err != nil {
			return err
		}
		for _, r := range adminRoles[1:] {
			_, ra, err := addRole(ctx, tx, u.ID, t.ID, r, false)
			if err != nil {
				return err
			}
			if err := record(ctx, tx, ac, change{tenantID: &t.ID, action: "roleAssignment.create", targetType: "RoleAssignment",
				targetID: ra.ID, after: assignmentDoc(ra), eventType: "ROLE_ASSIGNMENT_CREATED", eventTenant: []int64{t.ID},
				payload: assignmentPayload(ra)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t.domain(), nil
}

// UpdateTenant applies an update at the expected version. authorize
// decides whether the viewer may make it.
func (s *TenantService) UpdateTenant(ctx context.Context, id int64, expectedVersion *int, upd domain.TenantUpdate, authorize func(*domain.Tenant) error, ac domain.AuditContext) (*domain.Tenant, error) {
	var t tenantModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(&t).Where("id = ?", id).For("UPDATE").Scan(ctx); err != nil {
			return notFoundOr(err, "Tenant not found.")
		}
		if err := authorize(t.domain()); err != nil {
			return err
		}
		if err := domain.CheckVersion("tenant", t.Version, expectedVersion); err != nil {
			return err
		}
		next, err := domain.ApplyTenantUpdate(*t.domain(), upd)
		if err != nil {
			return err
		}
		before := tenantDoc(&t)
		t.Name, t.TaxCode, t.CertifiedEmail = next.Name, nullable(next.TaxCode), nullable(next.CertifiedEmail)
		t.PasswordMaxAgeDays = next.PasswordMaxAgeDays
		after := tenantDoc(&t)
		b, a := changedDocs("tenantId", before, after)
		if len(a) == 1 {
			return nil
		}
		if _, err := tx.NewUpdate().Model(&t).Column("name", "tax_code", "certified_email", "password_max_age_days").
			Set("version = version + 1, updated_at = now()").WherePK().Returning("*").Exec(ctx); err != nil {
			return mapError(err)
		}
		b["version"], a["version"] = before["version"], t.Version
		return record(ctx, tx, ac, change{tenantID: &t.ID, action: "tenant.update", targetType: "Tenant", targetID: t.ID,
			before: b, after: a, eventType: "TENANT_UPDATED", eventTenant: []int64{t.ID},
			payload: map[string]any{"tenantId": t.ID, "version": t.Version, "fields": changedFields(a), "before": b, "after": a}})
	})
	if err != nil {
		return nil, err
	}
	return t.domain(), nil
}
