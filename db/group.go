package db

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// GroupService reads and changes the groups of R11: named sets of users of
// one tenant on one product.
type GroupService struct{ db *DB }

func NewGroupService(db *DB) *GroupService { return &GroupService{db: db} }

type groupModel struct {
	bun.BaseModel `bun:"table:groups,alias:g"`

	ID        int64     `bun:"id,pk,autoincrement"`
	TenantID  int64     `bun:"tenant_id"`
	ProductID int64     `bun:"product_id"`
	Name      string    `bun:"name"`
	Active    bool      `bun:"active"`
	Version   int       `bun:"version"`
	CreatedAt time.Time `bun:"created_at,nullzero,default:now()"`
	UpdatedAt time.Time `bun:"updated_at,nullzero,default:now()"`
}

func (m *groupModel) domain() *domain.Group {
	return &domain.Group{ID: m.ID, TenantID: m.TenantID, ProductID: m.ProductID, Name: m.Name, Active: m.Active,
		Version: m.Version, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

func groupDoc(g *groupModel) map[string]any {
	return map[string]any{"groupId": g.ID, "tenantId": g.TenantID, "productId": g.ProductID, "name": g.Name,
		"active": g.Active, "version": g.Version}
}

func groupPayload(g *groupModel) map[string]any {
	return map[string]any{"groupId": g.ID, "productId": g.ProductID, "active": g.Active, "version": g.Version}
}

// GroupFilter selects groups; Scope is mandatory.
type GroupFilter struct {
	Scope           domain.Scope
	TenantID        *int64
	ProductID       *int64
	IncludeInactive bool
	// Search keeps the groups whose name holds it (case-insensitive).
	Search *string
	// Order sorts the list; the zero value is by tenant, product and name.
	Order domain.ListOrder
}

// groupOrderColumns are the orders of a groups list (issue 15.3). A
// tenant's groups are few and the list is not paged: they are sorted.
var groupOrderColumns = map[string]orderColumn{
	"NAME":       {"g.name", "text", false, false},
	"CREATED_AT": {"g.created_at", "timestamptz", false, false},
}

// FindGroups lists groups ordered by tenant, product and name, or in the
// filter's order (the id breaking ties).
func (s *GroupService) FindGroups(ctx context.Context, f GroupFilter) ([]*domain.Group, error) {
	var rows []groupModel
	q := s.db.NewSelect().Model(&rows)
	if f.Order.Field == "" {
		q.Order("g.tenant_id", "g.product_id", "g.name", "g.id")
	} else {
		k, err := newKeyset("groups", groupOrderColumns, domain.ListOrder{}, f.Order, "g.id")
		if err != nil {
			return nil, err
		}
		q.OrderExpr(k.orderBy(!k.desc))
	}
	if f.Search != nil && strings.TrimSpace(*f.Search) != "" {
		q.Where("g.name ILIKE ?", "%"+escapeLike(strings.TrimSpace(*f.Search))+"%")
	}
	if !f.Scope.All {
		q.Where("g.tenant_id ?", oneOf(f.Scope.TenantIDs))
	}
	if f.TenantID != nil {
		q.Where("g.tenant_id = ?", *f.TenantID)
	}
	if f.ProductID != nil {
		q.Where("g.product_id = ?", *f.ProductID)
	}
	if !f.IncludeInactive {
		q.Where("g.active")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	return groupsOf(rows), nil
}

func groupsOf(rows []groupModel) []*domain.Group {
	out := make([]*domain.Group, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out
}

// GroupsByIDs loads groups for a dataloader; callers check visibility.
func (s *GroupService) GroupsByIDs(ctx context.Context, ids []int64) ([]*domain.Group, error) {
	var rows []groupModel
	if err := s.db.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	return groupsOf(rows), nil
}

// GroupsOfTenants loads every group (active or not) of the given tenants,
// for a dataloader.
func (s *GroupService) GroupsOfTenants(ctx context.Context, tenantIDs []int64) ([]*domain.Group, error) {
	var rows []groupModel
	if err := s.db.NewSelect().Model(&rows).Where("tenant_id IN (?)", bun.List(tenantIDs)).
		Order("product_id", "name", "id").Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	return groupsOf(rows), nil
}

// GroupIDsOfUsers returns, per user, the groups the user is in.
func (s *GroupService) GroupIDsOfUsers(ctx context.Context, userIDs []int64) (map[int64][]int64, error) {
	var rows []struct {
		UserID  int64 `bun:"user_id"`
		GroupID int64 `bun:"group_id"`
	}
	err := s.db.NewRaw("SELECT user_id, group_id FROM group_members WHERE user_id IN (?) ORDER BY user_id, group_id",
		bun.List(userIDs)).Scan(ctx, &rows)
	out := map[int64][]int64{}
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], r.GroupID)
	}
	return out, mapError(err)
}

// CreateGroup creates an active group; the caller decided that the viewer
// manages the product in the tenant.
func (s *GroupService) CreateGroup(ctx context.Context, tenantID, productID int64, name string, ac domain.AuditContext) (*domain.Group, error) {
	g := groupModel{TenantID: tenantID, ProductID: productID, Name: name, Active: true, Version: 1}
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&g).Returning("*").Exec(ctx); err != nil {
			return mapError(err)
		}
		return record(ctx, tx, ac, change{tenantID: &tenantID, action: "group.create", targetType: "Group", targetID: g.ID,
			after: groupDoc(&g), eventType: "GROUP_CREATED", eventTenant: []int64{tenantID}, payload: groupPayload(&g)})
	})
	if err != nil {
		return nil, err
	}
	return g.domain(), nil
}

func lockGroup(ctx context.Context, tx bun.IDB, id int64) (*groupModel, error) {
	var g groupModel
	if err := tx.NewSelect().Model(&g).Where("id = ?", id).For("UPDATE").Scan(ctx); err != nil {
		return nil, notFoundOr(err, "Group not found.")
	}
	return &g, nil
}

// GroupUpdate renames, activates or deactivates a group; nil fields are
// left alone.
type GroupUpdate struct {
	Name   *string
	Active *bool
}

// UpdateGroup applies an update at the expected version.
func (s *GroupService) UpdateGroup(ctx context.Context, id int64, expectedVersion *int, upd GroupUpdate, authorize func(*domain.Group) error, ac domain.AuditContext) (*domain.Group, error) {
	var g *groupModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if g, err = lockGroup(ctx, tx, id); err != nil {
			return err
		}
		if err := authorize(g.domain()); err != nil {
			return err
		}
		if err := domain.CheckVersion("group", g.Version, expectedVersion); err != nil {
			return err
		}
		before := groupDoc(g)
		if upd.Name != nil {
			g.Name = *upd.Name
		}
		if upd.Active != nil {
			g.Active = *upd.Active
		}
		if g.Name == before["name"] && g.Active == before["active"] {
			return nil
		}
		if _, err := tx.NewUpdate().Model(g).Column("name", "active").Set("version = version + 1, updated_at = now()").
			WherePK().Returning("*").Exec(ctx); err != nil {
			return mapError(err)
		}
		after := groupDoc(g)
		payload := groupPayload(g)
		payload["before"], payload["after"] = changedDocs("groupId", before, after)
		return record(ctx, tx, ac, change{tenantID: &g.TenantID, action: "group.update", targetType: "Group", targetID: g.ID,
			before: before, after: after, eventType: "GROUP_UPDATED", eventTenant: []int64{g.TenantID}, payload: payload})
	})
	if err != nil {
		return nil, err
	}
	return g.domain(), nil
}

// DeleteGroup deletes a group and its member list.
func (s *GroupService) DeleteGroup(ctx context.Context, id int64, expectedVersion *int, authorize func(*domain.Group) error, ac domain.AuditContext) error {
	return s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		g, err := lockGroup(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := authorize(g.domain()); err != nil {
			return err
		}
		if err := domain.CheckVersion("group", g.Version, expectedVersion); err != nil {
			return err
		}
		var members []int64
		if err := tx.NewRaw("SELECT user_id FROM group_members WHERE group_id = ? ORDER BY user_id", id).Scan(ctx, &members); err != nil {
			return mapError(err)
		}
		if _, err := tx.NewRaw("DELETE FROM groups WHERE id = ?", id).Exec(ctx); err != nil {
			return mapError(err)
		}
		before := groupDoc(g)
		if members == nil {
			members = []int64{}
		}
		before["memberIds"] = members
		return record(ctx, tx, ac, change{tenantID: &g.TenantID, action: "group.delete", targetType: "Group", targetID: g.ID,
			before: before, eventType: "GROUP_DELETED", eventTenant: []int64{g.TenantID}, payload: groupPayload(g)})
	})
}

// AddUserToGroup puts a user in an active group of a product the user has
// a role on in the group's tenant (R11).
func (s *GroupService) AddUserToGroup(ctx context.Context, groupID, userID int64, authorize func(*domain.Group) error, ac domain.AuditContext) (*domain.Group, error) {
	return s.membershipChange(ctx, groupID, userID, true, authorize, ac)
}

// RemoveUserFromGroup takes a user out of a group.
func (s *GroupService) RemoveUserFromGroup(ctx context.Context, groupID, userID int64, authorize func(*domain.Group) error, ac domain.AuditContext) (*domain.Group, error) {
	return s.membershipChange(ctx, groupID, userID, false, authorize, ac)
}

func (s *GroupService) membershipChange(ctx context.Context, groupID, userID int64, add bool, authorize func(*domain.Group) error, ac domain.AuditContext) (*domain.Group, error) {
	var g *groupModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if g, err = lockGroup(ctx, tx, groupID); err != nil {
			return err
		}
		if err := authorize(g.domain()); err != nil {
			return err
		}
		doc := map[string]any{"groupId": g.ID, "userId": userID, "tenantId": g.TenantID, "productId": g.ProductID}
		payload := map[string]any{"groupId": g.ID, "userId": userID}
		if !add {
			res, err := tx.NewRaw("DELETE FROM group_members WHERE group_id = ? AND user_id = ?", groupID, userID).Exec(ctx)
			if err != nil {
				return mapError(err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return &domain.Error{Code: domain.EINVALID, Field: "userId", Reason: domain.ReasonNotInGroup, Message: "The user is not in this group."}
			}
			return record(ctx, tx, ac, change{tenantID: &g.TenantID, action: "group.removeMember", targetType: "Group", targetID: g.ID,
				before: doc, eventType: "GROUP_MEMBER_REMOVED", eventTenant: []int64{g.TenantID}, payload: payload})
		}
		// Lock the user so that a concurrent removal of their last role on
		// the product cannot leave them in the group.
		if _, err := lockUser(ctx, tx, userID); err != nil {
			return err
		}
		var onProduct bool
		if err := tx.NewRaw("SELECT EXISTS (SELECT 1 FROM role_assignments WHERE tenant_id = ? AND product_id = ? AND user_id = ?)",
			g.TenantID, g.ProductID, userID).Scan(ctx, &onProduct); err != nil {
			return mapError(err)
		}
		if err := domain.CheckAddToGroup(g.domain(), onProduct); err != nil {
			return err
		}
		if _, err := tx.NewRaw("INSERT INTO group_members (group_id, user_id) VALUES (?, ?)", groupID, userID).Exec(ctx); err != nil {
			return mapError(err)
		}
		return record(ctx, tx, ac, change{tenantID: &g.TenantID, action: "group.addMember", targetType: "Group", targetID: g.ID,
			after: doc, eventType: "GROUP_MEMBER_ADDED", eventTenant: []int64{g.TenantID}, payload: payload})
	})
	if err != nil {
		return nil, err
	}
	return g.domain(), nil
}
