package model

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"tenantadmin/domain"
)

// JSON is the JSON scalar: a JSON object.
type JSON map[string]any

// MarshalGQL writes the object as JSON. It has no way to report a write
// error: gqlgen writes to its own buffer, and a failed response write is
// seen where the response is sent.
func (j JSON) MarshalGQL(w io.Writer) {
	if j == nil {
		_, _ = io.WriteString(w, "{}")
		return
	}
	b, err := json.Marshal(map[string]any(j))
	if err != nil {
		_, _ = io.WriteString(w, "{}")
		return
	}
	_, _ = w.Write(b)
}

// UnmarshalGQL accepts an object.
func (j *JSON) UnmarshalGQL(v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return domain.Errorf(domain.EINVALID, "A JSON value here must be an object.")
	}
	*j = m
	return nil
}

// ChangeEvent is one event as one subscriber sees it: the payload is
// already cut to the subscriber's personal-data scope.
type ChangeEvent struct {
	Event       *domain.ChangeEvent
	Cursor      string
	Type        ChangeEventType
	SubjectType string
	SubjectID   *string
	OccurredAt  time.Time
	Payload     JSON
	// Personal tells which view of the event the subscriber gets: with
	// personal data (R12) or without.
	Personal bool
}

// AuditEventConnection is a page of the audit trail.
type AuditEventConnection struct {
	Edges    []*AuditEventEdge
	Nodes    []*domain.AuditEvent
	PageInfo *PageInfo
	Count    func(ctx context.Context) (int, error)
}

// AuditEventEdge is an audit event and its cursor.
type AuditEventEdge struct {
	Cursor string
	Node   *domain.AuditEvent
}

// NewAuditEventConnection wraps a domain page for GraphQL.
func NewAuditEventConnection(c *domain.Connection[*domain.AuditEvent]) *AuditEventConnection {
	out := &AuditEventConnection{Nodes: c.Nodes, PageInfo: pageInfo(c.Cursors, c.HasNextPage, c.HasPreviousPage), Count: c.Count}
	out.Edges = make([]*AuditEventEdge, len(c.Nodes))
	for i, n := range c.Nodes {
		out.Edges[i] = &AuditEventEdge{Cursor: c.Cursors[i], Node: n}
	}
	if out.Nodes == nil {
		out.Nodes = []*domain.AuditEvent{}
	}
	return out
}

// ServiceAccountConnection is a page of service accounts.
type ServiceAccountConnection struct {
	Edges    []*ServiceAccountEdge
	Nodes    []*domain.ServiceAccount
	PageInfo *PageInfo
	Count    func(ctx context.Context) (int, error)
}

// ServiceAccountEdge is a service account and its cursor.
type ServiceAccountEdge struct {
	Cursor string
	Node   *domain.ServiceAccount
}

// NewServiceAccountConnection wraps a domain page for GraphQL.
func NewServiceAccountConnection(c *domain.Connection[*domain.ServiceAccount]) *ServiceAccountConnection {
	out := &ServiceAccountConnection{Nodes: c.Nodes, PageInfo: pageInfo(c.Cursors, c.HasNextPage, c.HasPreviousPage), Count: c.Count}
	out.Edges = make([]*ServiceAccountEdge, len(c.Nodes))
	for i, n := range c.Nodes {
		out.Edges[i] = &ServiceAccountEdge{Cursor: c.Cursors[i], Node: n}
	}
	if out.Nodes == nil {
		out.Nodes = []*domain.ServiceAccount{}
	}
	return out
}
