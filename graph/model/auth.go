package model

import (
	"context"
	"time"

	"tenantadmin/domain"
)

// Session is one of the viewer's sessions.
type Session struct {
	ID              string
	Kind            TokenKind
	Current         bool
	CreatedAt       time.Time
	LastSeenAt      time.Time
	ExpiresAt       time.Time
	IP              string
	UserAgent       string
	OperatingSystem string
	Browser         string
}

// FailedLogin is one failed sign-in (R23).
type FailedLogin struct {
	UserID          int64
	At              time.Time
	IP              string
	UserAgent       string
	OperatingSystem string
	Browser         string
	Reason          string
}

// FailedLoginConnection is a page of failed sign-ins.
type FailedLoginConnection struct {
	Edges    []*FailedLoginEdge
	Nodes    []*FailedLogin
	PageInfo *PageInfo
	count    func(ctx context.Context) (int, error)
}

// TotalCount counts on demand.
func (c *FailedLoginConnection) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

// FailedLoginEdge is a failed sign-in and its cursor.
type FailedLoginEdge struct {
	Cursor string
	Node   *FailedLogin
}

// NewFailedLoginConnection wraps a domain page for GraphQL.
func NewFailedLoginConnection(c *domain.Connection[*domain.FailedLogin]) *FailedLoginConnection {
	out := &FailedLoginConnection{Nodes: []*FailedLogin{}, Edges: []*FailedLoginEdge{},
		PageInfo: pageInfo(c.Cursors, c.HasNextPage, c.HasPreviousPage), count: c.Count}
	for i, f := range c.Nodes {
		n := &FailedLogin{UserID: f.UserID, At: f.CreatedAt, IP: f.IP, UserAgent: f.UserAgent, OperatingSystem: f.OperatingSystem,
			Browser: f.Browser, Reason: f.Reason}
		out.Nodes = append(out.Nodes, n)
		out.Edges = append(out.Edges, &FailedLoginEdge{Cursor: c.Cursors[i], Node: n})
	}
	return out
}

// MailMessage is an email of the developer mailbox.
type MailMessage struct {
	ID        string
	To        string
	Template  string
	Language  string
	Subject   string
	Text      string
	HTML      string
	CreatedAt time.Time
}

// MailMessageConnection is a page of the developer mailbox.
type MailMessageConnection struct {
	Edges    []*MailMessageEdge
	Nodes    []*MailMessage
	PageInfo *PageInfo
	count    func(ctx context.Context) (int, error)
}

// TotalCount counts on demand.
func (c *MailMessageConnection) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

// MailMessageEdge is a message and its cursor.
type MailMessageEdge struct {
	Cursor string
	Node   *MailMessage
}

// NewMailMessageConnection builds a page of rendered messages.
func NewMailMessageConnection(nodes []*MailMessage, cursors []string, hasNext, hasPrev bool, count func(ctx context.Context) (int, error)) *MailMessageConnection {
	out := &MailMessageConnection{Nodes: nodes, Edges: []*MailMessageEdge{}, PageInfo: pageInfo(cursors, hasNext, hasPrev), count: count}
	if out.Nodes == nil {
		out.Nodes = []*MailMessage{}
	}
	for i, n := range nodes {
		out.Edges = append(out.Edges, &MailMessageEdge{Cursor: cursors[i], Node: n})
	}
	return out
}
