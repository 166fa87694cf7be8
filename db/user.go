package db

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// UserService implements domain.UserService: reads of users, memberships and
// role assignments, each scoped by the tenants the caller passes.
type UserService struct{ db *DB }

func NewUserService(db *DB) *UserService { return &UserService{db: db} }

var _ domain.UserService = (*UserService)(nil)

// userSearchExpr must stay identical to the expression of the trigram index
// users_search_trgm_idx, or the index is not used.
const userSearchExpr = `(u.username || ' ' || coalesce(u.tax_code, '') || ' ' || u.given_name || ' ' || u.family_name || ' ' || coalesce(u.email, ''))`

type userCursor struct {
	Username string `json:"u"`
}

// FindUsers lists the users with a membership in the filter's scope, ordered
// by username (unique, so the order is stable and the cursor is one key).
func (s *UserService) FindUsers(ctx context.Context, f domain.UserFilter, p domain.Page) (*domain.Connection[*domain.User], error) {
	limit, backward, err := pageWindow(p)
	if err != nil {
		return nil, err
	}
	q := s.db.NewSelect().Model((*userModel)(nil))
	applyUserFilter(q, f)
	countQ := q.Clone()

	var rows []userModel
	q = q.Model(&rows).Limit(int64(limit))
	if p.After != "" {
		var c userCursor
		if err := decodeCursor(p.After, &c); err != nil {
			return nil, err
		}
		q.Where("u.username > ?", c.Username)
	}
	if p.Before != "" {
		var c userCursor
		if err := decodeCursor(p.Before, &c); err != nil {
			return nil, err
		}
		q.Where("u.username < ?", c.Username)
	}
	if backward {
		q.Order("u.username DESC")
	} else {
		q.Order("u.username ASC")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	rows, hasNext, hasPrev := trimPage(rows, limit, backward, p)
	conn := &domain.Connection[*domain.User]{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	for i := range rows {
		conn.Nodes = append(conn.Nodes, rows[i].domain())
		conn.Cursors = append(conn.Cursors, encodeCursor(userCursor{rows[i].Username}))
	}
	conn.Count = func(ctx context.Context) (int, error) {
		n, err := countQ.Count(ctx)
		return int(n), mapError(err)
	}
	return conn, nil
}

func applyUserFilter(q *bun.SelectQuery, f domain.UserFilter) {
	byAssignment := f.ProductID != nil || f.Category != nil || f.RoleID != nil || f.AssignmentStatus != nil
	switch {
	case byAssignment:
		sub := q.NewSelect().Table("role_assignments").Column("user_id")
		scopeTenants(sub, "tenant_id", f)
		if f.ProductID != nil {
			sub.Where("product_id = ?", *f.ProductID)
		}
		if f.Category != nil {
			sub.Where("category = ?", string(*f.Category))
		}
		if f.RoleID != nil {
			sub.Where("role_id = ?", *f.RoleID)
		}
		if f.AssignmentStatus != nil {
			sub.Where("status = ?", string(*f.AssignmentStatus))
		}
		q.Where("u.id IN (?)", sub)
	case !f.Scope.All || f.TenantID != nil:
		sub := q.NewSelect().Table("memberships").Column("user_id")
		scopeTenants(sub, "tenant_id", f)
		q.Where("u.id IN (?)", sub)
	}
	if f.Status != nil {
		q.Where("u.status = ?", string(*f.Status))
	}
	if f.GroupID != nil {
		q.Where("u.id IN (SELECT user_id FROM group_members WHERE group_id = ?)", *f.GroupID)
	}
	if f.Search != nil && strings.TrimSpace(*f.Search) != "" {
		q.Where(userSearchExpr+" ILIKE ?", "%"+escapeLike(strings.TrimSpace(*f.Search))+"%")
	}
}

// scopeTenants applies the mandatory tenant scope, narrowed to one tenant
// when the filter asks for it.
func scopeTenants(q *bun.SelectQuery, column string, f domain.UserFilter) {
	if f.TenantID != nil {
		if !f.Scope.Contains(*f.TenantID) {
			q.Where("false")
			return
		}
		q.Where(column+" = ?", *f.TenantID)
		return
	}
	if !f.Scope.All {
		q.Where(column+" IN (?)", bun.In(nonEmpty(f.Scope.TenantIDs)))
	}
}

// UsersByIDs loads users for a dataloader. Callers check visibility.
func (s *UserService) UsersByIDs(ctx context.Context, ids []int64) ([]*domain.User, error) {
	var rows []userModel
	if err := s.db.NewSelect().Model(&rows).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	out := make([]*domain.User, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// MembershipsByUserIDs returns the memberships of the given users inside the
// scope, ordered by tenant.
func (s *UserService) MembershipsByUserIDs(ctx context.Context, scope domain.Scope, userIDs []int64) ([]*domain.Membership, error) {
	var rows []membershipModel
	q := s.db.NewSelect().Model(&rows).Where("user_id IN (?)", bun.In(userIDs)).Order("tenant_id")
	if !scope.All {
		q.Where("tenant_id IN (?)", bun.In(nonEmpty(scope.TenantIDs)))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	out := make([]*domain.Membership, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// RoleAssignmentsByMembershipIDs returns the role assignments of the given
// memberships; memberships were scoped when they were loaded.
func (s *UserService) RoleAssignmentsByMembershipIDs(ctx context.Context, membershipIDs []int64) ([]*domain.RoleAssignment, error) {
	var rows []roleAssignmentModel
	if err := s.db.NewSelect().Model(&rows).Where("membership_id IN (?)", bun.In(membershipIDs)).
		Order("product_id", "id").Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	out := make([]*domain.RoleAssignment, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// LoadViewer loads a user with their active grants: the input of every
// authorization decision for one request.
func (s *UserService) LoadViewer(ctx context.Context, userID int64) (*domain.Viewer, error) {
	var u userModel
	if err := s.db.NewSelect().Model(&u).Where("id = ?", userID).Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	v := &domain.Viewer{UserID: u.ID, Username: u.Username, Kind: domain.UserKind(u.Kind),
		Status: domain.UserStatus(u.Status), PlatformAdmin: u.PlatformAdmin}
	err := s.db.NewRaw(`SELECT ra.tenant_id, ra.product_id, ra.role_id, ra.category, r.personal_data_access
		FROM role_assignments ra JOIN roles r ON r.id = ra.role_id
		WHERE ra.user_id = ? AND ra.status = 'ACTIVE' ORDER BY ra.id`, userID).
		Scan(ctx, &v.Grants)
	if err != nil {
		return nil, mapError(err)
	}
	return v, nil
}
