package model

import "tenantadmin/domain"

// MembershipProduct is a user's card for one product in one tenant (R9–R11).
type MembershipProduct struct {
	Membership      *domain.Membership
	ProductID       int64
	CategoryValue   domain.RoleCategory
	RoleAssignments []*domain.RoleAssignment
}

// ProductUsers is one product's section of a tenant's users (R21).
type ProductUsers struct {
	ProductID int64
	TenantID  int64
	Filter    UserFilter
}

// TenantCapabilities is what the viewer may do on a tenant.
type TenantCapabilities struct {
	ManageableProducts []*domain.Product
	CreateSite         bool
	Update             bool
	UpdateIdentity     bool
}
