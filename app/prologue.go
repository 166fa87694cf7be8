package app

import (
	"context"

	"tenantadmin/domain"
)

// need is what a mutation decides before it calls its store: the checks
// every administration mutation repeated (authenticate, authorize in the
// tenant, resolve the role, refuse nomination-only roles). Zero fields are
// not checked. The order is fixed, so that nothing about an object is
// told before the viewer may know it:
//
//  1. a signed-in viewer (UNAUTHENTICATED);
//  2. allow: a decision of the use case's own about the viewer;
//  3. adminOf: the viewer administers tenant (R2);
//  4. product: the viewer manages product in tenant (R6);
//  5. role: the role exists (UNKNOWN_ROLE) and belongs to product when
//     one is given; without product, the viewer must manage the role's
//     product in tenant (when tenant is given);
//  6. assignable: the role is not nomination-only (R20).
//
// Decisions that need the stored row (its version, its tenants) are the
// store's authorize callbacks, checked under the row's lock.
type need struct {
	allow      func(*domain.Viewer, *domain.Authorizer) error
	tenant     int64
	adminOf    bool
	product    int64
	role       int64
	assignable bool
}

// change is what the prologue established: who acts and the role given.
type change struct {
	Actor
	role *domain.Role
}

// begin is the prologue of a mutation (see need).
func (a *App) begin(ctx context.Context, n need) (change, error) {
	act, err := a.actor(ctx)
	if err != nil {
		return change{}, err
	}
	c := change{Actor: act}
	v, az := act.Viewer, act.Authz
	if n.allow != nil {
		if err := n.allow(v, az); err != nil {
			return c, err
		}
	}
	if n.adminOf {
		if err := az.CanAdministerTenant(v, n.tenant); err != nil {
			return c, err
		}
	}
	if n.product != 0 {
		if err := az.CanManageProduct(v, n.tenant, n.product); err != nil {
			return c, err
		}
	}
	if n.role == 0 {
		return c, nil
	}
	if c.role, err = a.role(ctx, n.role); err != nil {
		return c, err
	}
	if n.product != 0 {
		if err := domain.CheckRoleOfProduct(c.role, n.product); err != nil {
			return c, err
		}
	} else if n.tenant != 0 {
		if err := az.CanManageProduct(v, n.tenant, c.role.ProductID); err != nil {
			return c, err
		}
	}
	if n.assignable {
		return c, domain.CheckNomination(c.role)
	}
	return c, nil
}

// role returns a role of the catalog, retired or not.
func (a *App) role(ctx context.Context, id int64) (*domain.Role, error) {
	roles, err := a.Catalog.Roles(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		if r.ID == id {
			return r, nil
		}
	}
	return nil, domain.FieldError("roleId", "UNKNOWN_ROLE", "No such role.")
}

// product returns a product of the catalog.
func (a *App) product(ctx context.Context, id int64) (*domain.Product, error) {
	products, err := a.Catalog.Products(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range products {
		if p.ID == id {
			return p, nil
		}
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "Product not found.")
}
