// Package model holds the GraphQL-only types: generated inputs, payloads and
// enums, and the connection wrappers of the Relay cursor lists.
package model

import (
	"context"

	"tenantadmin/domain"
)

// TenantConnection is a page of tenants; its total count is computed only
// when a client selects totalCount.
type TenantConnection struct {
	Edges    []*TenantEdge
	Nodes    []*domain.Tenant
	PageInfo *PageInfo
	Count    func(ctx context.Context) (int, error)
}

// TenantEdge is a tenant and its cursor.
type TenantEdge struct {
	Cursor string
	Node   *domain.Tenant
}

// UserConnection is a page of users.
type UserConnection struct {
	Edges    []*UserEdge
	Nodes    []*domain.User
	PageInfo *PageInfo
	Count    func(ctx context.Context) (int, error)
	// Total, when set, is the list's bounded count (exact or estimated);
	// else Count is exact.
	Total func(ctx context.Context) (domain.Count, error)
}

// TotalCount is the connection's total, exact or estimated.
func (c *UserConnection) TotalCount(ctx context.Context) (domain.Count, error) {
	if c.Total != nil {
		return c.Total(ctx)
	}
	n, err := c.Count(ctx)
	return domain.Count{N: n, Exact: true}, err
}

// UserEdge is a user and its cursor.
type UserEdge struct {
	Cursor string
	Node   *domain.User
}

// NewTenantConnection wraps a domain page for GraphQL.
func NewTenantConnection(c *domain.Connection[*domain.Tenant]) *TenantConnection {
	out := &TenantConnection{Nodes: c.Nodes, PageInfo: pageInfo(c.Cursors, c.HasNextPage, c.HasPreviousPage), Count: c.Count}
	out.Edges = make([]*TenantEdge, len(c.Nodes))
	for i, n := range c.Nodes {
		out.Edges[i] = &TenantEdge{Cursor: c.Cursors[i], Node: n}
	}
	if out.Nodes == nil {
		out.Nodes = []*domain.Tenant{}
	}
	return out
}

// NewUserConnection wraps a domain page for GraphQL.
func NewUserConnection(c *domain.Connection[*domain.User]) *UserConnection {
	out := &UserConnection{Nodes: c.Nodes, PageInfo: pageInfo(c.Cursors, c.HasNextPage, c.HasPreviousPage), Count: c.Count}
	out.Edges = make([]*UserEdge, len(c.Nodes))
	for i, n := range c.Nodes {
		out.Edges[i] = &UserEdge{Cursor: c.Cursors[i], Node: n}
	}
	if out.Nodes == nil {
		out.Nodes = []*domain.User{}
	}
	return out
}

func pageInfo(cursors []string, hasNext, hasPrev bool) *PageInfo {
	p := &PageInfo{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	if len(cursors) > 0 {
		p.StartCursor = &cursors[0]
		p.EndCursor = &cursors[len(cursors)-1]
	}
	return p
}

// Node is any object with a global ID. The domain types implement no
// GraphQL interface, so the generated code dispatches on concrete types.
type Node interface{}
