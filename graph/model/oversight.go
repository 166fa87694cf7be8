package model

import (
	"context"

	"tenantadmin/domain"
)

// NominationConnection is a page of nominations.
type NominationConnection struct {
	Edges    []*NominationEdge
	Nodes    []*domain.Nomination
	PageInfo *PageInfo
	Count    func(ctx context.Context) (int, error)
}

// NominationEdge is a nomination and its cursor.
type NominationEdge struct {
	Cursor string
	Node   *domain.Nomination
}

// NewNominationConnection wraps a domain page for GraphQL.
func NewNominationConnection(c *domain.Connection[*domain.Nomination]) *NominationConnection {
	out := &NominationConnection{Nodes: c.Nodes, PageInfo: pageInfo(c.Cursors, c.HasNextPage, c.HasPreviousPage), Count: c.Count}
	out.Edges = make([]*NominationEdge, len(c.Nodes))
	for i, n := range c.Nodes {
		out.Edges[i] = &NominationEdge{Cursor: c.Cursors[i], Node: n}
	}
	if out.Nodes == nil {
		out.Nodes = []*domain.Nomination{}
	}
	return out
}

// SecurityFindings is the findings page of one tenant; its lists are
// resolved on demand.
type SecurityFindings struct {
	Tenant *domain.Tenant
}

// SecurityFindingConnection is a page of one category of findings.
type SecurityFindingConnection struct {
	Edges    []*SecurityFindingEdge
	Nodes    []*domain.SecurityFinding
	PageInfo *PageInfo
	Count    func(ctx context.Context) (int, error)
}

// SecurityFindingEdge is a finding and its cursor.
type SecurityFindingEdge struct {
	Cursor string
	Node   *domain.SecurityFinding
}

// NewSecurityFindingConnection wraps a domain page for GraphQL.
func NewSecurityFindingConnection(c *domain.Connection[*domain.SecurityFinding]) *SecurityFindingConnection {
	out := &SecurityFindingConnection{Nodes: c.Nodes, PageInfo: pageInfo(c.Cursors, c.HasNextPage, c.HasPreviousPage), Count: c.Count}
	out.Edges = make([]*SecurityFindingEdge, len(c.Nodes))
	for i, n := range c.Nodes {
		out.Edges[i] = &SecurityFindingEdge{Cursor: c.Cursors[i], Node: n}
	}
	if out.Nodes == nil {
		out.Nodes = []*domain.SecurityFinding{}
	}
	return out
}
