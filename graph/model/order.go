package model

import "tenantadmin/domain"

// The sort orders of the lists other than users (issue 15.3) as the
// domain's ListOrder; a nil order is the list's default (the zero value).

func listOrder[F ~string](field F, dir OrderDirection) domain.ListOrder {
	return domain.ListOrder{Field: string(field), Desc: dir == OrderDirectionDesc}
}

// Domain is the order of a tenants list.
func (o *TenantOrder) Domain() domain.ListOrder {
	if o == nil {
		return domain.ListOrder{}
	}
	return listOrder(o.Field, o.Direction)
}

// Domain is the order of the audit trail.
func (o *AuditEventOrder) Domain() domain.ListOrder {
	if o == nil {
		return domain.ListOrder{}
	}
	return listOrder(o.Field, o.Direction)
}

// Domain is the order of a service accounts list.
func (o *ServiceAccountOrder) Domain() domain.ListOrder {
	if o == nil {
		return domain.ListOrder{}
	}
	return listOrder(o.Field, o.Direction)
}

// Domain is the order of a nominations list.
func (o *NominationOrder) Domain() domain.ListOrder {
	if o == nil {
		return domain.ListOrder{}
	}
	return listOrder(o.Field, o.Direction)
}

// Domain is the order of a groups list.
func (o *GroupOrder) Domain() domain.ListOrder {
	if o == nil {
		return domain.ListOrder{}
	}
	return listOrder(o.Field, o.Direction)
}

// Domain is the order of a security findings list.
func (o *SecurityFindingOrder) Domain() domain.ListOrder {
	if o == nil {
		return domain.ListOrder{}
	}
	return listOrder(o.Field, o.Direction)
}
