package graph

import (
	"context"
	"crypto/subtle"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"tenantadmin/domain"
)

// SessionCookies is the per-request hook through which the login and
// logout resolvers set and clear the SPA's cookies: resolvers never see the
// HTTP response. The server's authentication middleware provides it; a
// WebSocket operation has none.
type SessionCookies interface {
	// Set gives the browser the session token (HttpOnly) and its CSRF token
	// (readable by the SPA), both ending at expires.
	Set(token, csrf string, expires time.Time)
	// Clear removes both cookies.
	Clear()
}

type sessionCookiesKey struct{}

// WithSessionCookies attaches the cookie hook of one HTTP request.
func WithSessionCookies(ctx context.Context, c SessionCookies) context.Context {
	return context.WithValue(ctx, sessionCookiesKey{}, c)
}

func sessionCookiesFrom(ctx context.Context) SessionCookies {
	c, _ := ctx.Value(sessionCookiesKey{}).(SessionCookies)
	return c
}

// RevokeAllSessions ends every session of a user at once, on every replica
// (they share Redis): suspension, lock, password reset, removal (R18).
// Call it after the change's transaction committed.
func (app *App) RevokeAllSessions(ctx context.Context, userID int64) error {
	return app.UseCases().RevokeAllSessions(ctx, userID)
}

type csrfKey struct{}

// WithCSRFToken records that the request was authenticated by a session
// cookie whose anti-forgery token is token: a WebSocket opened with it must
// present the token in its connection_init payload as csrfToken.
func WithCSRFToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, csrfKey{}, token)
}

func checkWebsocketCSRF(ctx context.Context, p transport.InitPayload) error {
	want, _ := ctx.Value(csrfKey{}).(string)
	if want == "" {
		return nil
	}
	got, _ := p["csrfToken"].(string)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return domain.Errorf(domain.EFORBIDDEN, "Missing or invalid CSRF token.")
	}
	return nil
}
