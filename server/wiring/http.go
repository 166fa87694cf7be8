package wiring

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"

	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/graph"
	"tenantadmin/httpapi"
)

// SessionCookie is the SPA's session cookie name on plain-http development
// servers; SecureSessionCookie is its name wherever cookies are Secure: the
// __Host- prefix makes browsers refuse it unless it is Secure, host-only and
// for the whole path, so a sibling subdomain cannot plant or shadow it.
const (
	SessionCookie       = "session"
	SecureSessionCookie = "__Host-session"
)

// routes builds the HTTP handler: /graphql, health, metrics and the SPA.
func (m *Main) routes() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := newHTTPMetrics(reg)

	limits := graph.DefaultLimits
	limits.Introspection = m.Config.Introspection
	limits.AllowedOrigins = originHosts(m.Config.CORSOrigins)
	limits.WebsocketInitTimeout = m.Config.WebsocketInitTimeout
	limits.AdmitWebsocketOperation = m.admitWebsocketOperation
	if m.Hub != nil {
		hub := m.Hub
		reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "subscriptions", Help: "Live GraphQL subscriptions of this replica."},
				func() float64 { return float64(hub.Stats().Subscribers) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "subscription_events_delivered_total", Help: "Change events handed to subscriptions."},
				func() float64 { return float64(hub.Stats().Delivered) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "subscriptions_dropped_total", Help: "Subscriptions dropped as too slow."},
				func() float64 { return float64(hub.Stats().Dropped) }),
		)
	}
	gql := graph.NewHandler(m.App, m.KV, m.Config.KeyPrefix, limits, m.authenticateBearer)
	// After an operation's writes, before its answer: record where the
	// primary's WAL stood, so that the writer's next request reads from a
	// replica only once it has replayed them.
	gql.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(db.RenewSession(ctx))
	})
	// Only queries' answers may be compressed (gzipJSON): mutations carry
	// sign-in results and secrets shown once, and the developer mailbox
	// carries reset links (BREACH; SECURITY.md).
	gql.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Query || selectsField(op.SelectionSet, "developerMailbox") {
			noCompress(ctx)
		}
		return next(ctx)
	})
	gql.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if err := m.DB.RecordWrites(ctx); err != nil {
			m.Logger.WarnContext(ctx, "record write position: the writer's next reads may come from the primary's replicas before they have the write", "error", err)
		}
		return resp
	})
	m.registerReplicaMetrics(reg)
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "session_requests_overlapped_total",
		Help: "Requests whose session lookup, viewer read and rate-limit count ran at once (session_overlap.go)."},
		func() float64 { return float64(m.hints.overlapped.Load()) }))

	mux := http.NewServeMux()
	mux.Handle("/graphql", metrics.instrument("graphql", gzipJSON(graph.RequestGate(m.authenticate(m.rateLimit(m.App.LoaderMiddleware(gql)))))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("ok\n")) // a prober gone away: nothing to do
	})
	mux.HandleFunc("GET /readyz", m.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	m.oversightRoutes(mux, metrics)
	mux.Handle("/", metrics.instrument("spa", spaHandler()))

	publicHTTPS := strings.HasPrefix(strings.ToLower(m.Config.PublicURL), "https://")
	if len(m.Config.CORSOrigins) == 0 {
		// No origins configured means no cross-origin access at all: rs/cors
		// would read an empty list as "*".
		return m.requestContext(securityHeaders(publicHTTPS, m.limitBody(mux)))
	}
	c := cors.New(cors.Options{
		AllowedOrigins:   m.Config.CORSOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   []string{"Content-Type", "Authorization", "X-CSRF-Token", "X-Request-ID"},
		ExposedHeaders:   []string{"X-Request-ID", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"},
		AllowCredentials: true,
		MaxAge:           600,
	})
	return m.requestContext(securityHeaders(publicHTTPS, m.limitBody(c.Handler(mux))))
}

// ready reports whether PostgreSQL and the key-value store answer.
func (m *Main) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := m.DB.PingContext(ctx); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	if err := m.KV.Ping(ctx).Err(); err != nil {
		http.Error(w, "key-value store unavailable", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ready\n")) // a prober gone away: nothing to do
}

type requestIDKey struct{}

// requestContext gives every request an ID (from X-Request-ID when sane),
// echoes it, logs the request, and records where it comes from for the
// audit trail.
func (m *Main) requestContext(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool { return c < '!' || c > '~' }) {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		ip := m.Config.TrustedProxies.client(r)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		ctx = context.WithValue(ctx, clientIPKey{}, ip)
		ctx = graph.WithRequestInfo(ctx, graph.RequestInfo{IP: ip, UserAgent: truncate(r.UserAgent(), 512), RequestID: id})
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(ctx))
		if r.URL.Path != "/healthz" && r.URL.Path != "/metrics" {
			m.Logger.InfoContext(ctx, "request", "method", r.Method, "path", httpapi.RedactPath(r.URL.Path),
				"status", sw.status, "duration_ms", time.Since(start).Milliseconds())
		}
	})
}

// limitBody bounds request bodies (GraphQL documents and variables).
func (m *Main) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > m.Config.MaxRequestSize {
			writeGraphQLError(w, http.StatusRequestEntityTooLarge,
				fmt.Sprintf("The request body is larger than %d bytes.", m.Config.MaxRequestSize), "REQUEST_TOO_LARGE", 0)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, m.Config.MaxRequestSize)
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy confines the SPA: its scripts come only from this
// origin (Vite emits no inline script), it cannot be framed, and it talks
// only to this origin's API and WebSocket. Inline styles stay allowed for
// the components' style attributes.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; " +
	"style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// securityHeaders sets the headers every response carries. HSTS is sent
// when the request came over TLS or when the server is published over
// https (PUBLIC_URL), i.e. behind a TLS-terminating proxy.
func securityHeaders(publicHTTPS bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		if r.TLS != nil || publicHTTPS {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves the session cookie or bearer token into a viewer.
// An invalid credential makes the request anonymous; resolvers then answer
// UNAUTHENTICATED where a viewer is required. A request authenticated by
// the session cookie must prove it comes from the SPA (CSRF, double
// submit): a POST carries the csrf_token cookie's value in X-CSRF-Token, a
// WebSocket in its connection_init payload. Every request gets the cookie
// hook the login and logout resolvers set cookies through.
func (m *Main) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secure := m.secureCookies()
		ctx := graph.WithSessionCookies(r.Context(), &cookieJar{w: w, secure: secure})
		// The request's subtrees may come from the tenant tree in memory,
		// at the version its viewer read sees (db/tenant_tree.go).
		ctx = db.WithTreeSnapshot(ctx)
		kind, token := auth.KindBearer, ""
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			token = strings.TrimPrefix(h, "Bearer ")
		} else if c, err := r.Cookie(sessionCookieName(secure)); err == nil {
			kind, token = auth.KindCookie, c.Value
		}
		if token != "" {
			var sess *auth.Session
			var v *domain.Viewer
			var pre *precount
			var err error
			if countsAgainstAPILimits(r) {
				sess, v, pre, err = m.sessionViewerOverlapped(ctx, token)
			} else {
				sess, v, err = m.sessionViewer(ctx, token)
			}
			if err != nil && !errors.Is(err, auth.ErrNoSession) {
				m.Logger.ErrorContext(ctx, "authenticate", "error", err)
				writeGraphQLError(w, http.StatusServiceUnavailable, "Service unavailable.", domain.EUNAVAILABLE, 0)
				return
			}
			// A token works only through the transport it was issued for:
			// an SPA session is not a bearer token, and the reverse.
			if v != nil && sess.Kind == kind {
				if kind == auth.KindCookie {
					if !safeMethod(r.Method) && subtle.ConstantTimeCompare([]byte(r.Header.Get(CSRFHeader)), []byte(sess.CSRF)) != 1 {
						writeGraphQLError(w, http.StatusForbidden, "Missing or invalid CSRF token: send the csrf_token cookie's value in X-CSRF-Token.", domain.EFORBIDDEN, 0)
						return
					}
					ctx = graph.WithCSRFToken(ctx, sess.CSRF)
				}
				ctx = graph.WithViewer(ctx, v)
				if pre != nil {
					ctx = withPrecount(ctx, pre)
				}
				// Read-your-writes is per user: any of their sessions
				// reads what any of them wrote (docs/ha.md).
				ctx = db.WithSession(ctx, "user:"+strconv.FormatInt(v.UserID, 10))
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func safeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// writeGraphQLError answers a request that never reached GraphQL.
func writeGraphQLError(w http.ResponseWriter, status int, message, code string, retryAfter time.Duration) {
	ext := map[string]any{"code": code}
	if retryAfter > 0 {
		secs := int(math.Ceil(retryAfter.Seconds()))
		ext["retryAfter"] = secs
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	b, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{"message": message, "extensions": ext}}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b) // the status is sent: nothing left to tell the client
}

func (m *Main) authenticateBearer(ctx context.Context, authorization string) (*domain.Viewer, error) {
	sess, v, err := m.sessionViewer(ctx, strings.TrimPrefix(authorization, "Bearer "))
	if err != nil || v == nil || sess.Kind != auth.KindBearer {
		return nil, domain.Errorf(domain.EUNAUTHENTICATED, "Invalid or expired token.")
	}
	return v, nil
}

func (m *Main) sessionViewer(ctx context.Context, token string) (*auth.Session, *domain.Viewer, error) {
	if domain.IsServiceToken(token) {
		// Service account tokens (R27) are bearer credentials only.
		v, err := m.viewerForServiceToken(ctx, token)
		if err != nil {
			return nil, nil, err
		}
		return &auth.Session{Kind: auth.KindBearer}, v, nil
	}
	sess, err := m.Sessions.Lookup(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	v, err := m.App.Users.LoadViewer(ctx, sess.UserID)
	if v, err = m.activeViewer(ctx, sess, v, err); err != nil {
		return nil, nil, err
	}
	return sess, v, nil
}

// activeViewer is the viewer of a live session, given the read of its user
// (v, err): an account gone ends all its sessions, an account no longer
// active has none.
func (m *Main) activeViewer(ctx context.Context, sess *auth.Session, v *domain.Viewer, err error) (*domain.Viewer, error) {
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		_ = m.Sessions.RevokeAll(ctx, sess.UserID)
		return nil, auth.ErrNoSession
	} else if err != nil {
		return nil, err
	}
	if v.Status != domain.UserActive {
		return nil, auth.ErrNoSession
	}
	v.SessionID = sess.ID
	return v, nil
}

// CSRFCookie and CSRFHeader carry the anti-forgery token of cookie
// sessions (the SPA reads the cookie and echoes it in the header).
const (
	CSRFCookie = "csrf_token"
	CSRFHeader = "X-CSRF-Token"
)

// cookieJar is the per-request graph.SessionCookies hook.
type cookieJar struct {
	w      http.ResponseWriter
	secure bool
}

func (c *cookieJar) Set(token, csrf string, expires time.Time) {
	maxAge := int(time.Until(expires).Seconds())
	http.SetCookie(c.w, &http.Cookie{Name: sessionCookieName(c.secure), Value: token, Path: "/", Expires: expires, MaxAge: maxAge,
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode})
	http.SetCookie(c.w, &http.Cookie{Name: CSRFCookie, Value: csrf, Path: "/", Expires: expires, MaxAge: maxAge,
		HttpOnly: false, Secure: c.secure, SameSite: http.SameSiteLaxMode})
}

func (c *cookieJar) Clear() {
	for _, name := range []string{sessionCookieName(c.secure), CSRFCookie} {
		http.SetCookie(c.w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
			HttpOnly: name != CSRFCookie, Secure: c.secure, SameSite: http.SameSiteLaxMode})
	}
}

func sessionCookieName(secure bool) string {
	if secure {
		return SecureSessionCookie
	}
	return SessionCookie
}

// secureCookies is true except for plain-http development on the loopback
// (PUBLIC_URL http://localhost or http://127.0.0.1), where browsers would
// not send Secure cookies back; production always sets it.
func (m *Main) secureCookies() bool {
	if m.Config.Production {
		return true
	}
	u, err := url.Parse(m.Config.PublicURL)
	if err != nil {
		return true
	}
	host := u.Hostname()
	return u.Scheme != "http" || (host != "localhost" && host != "127.0.0.1" && host != "::1")
}

// rateLimit applies the API rate limits of R19 in Redis: per service
// account token, per session, per tenant of the viewer's roles, and per
// client IP for anonymous requests (apiLimits). A WebSocket upgrade counts
// once, as a connection of its client IP (RATE_WS_CONNECT_IP), not as
// anonymous API traffic: the operations it carries are counted one by one
// under their viewer's limits (admitWebsocketOperation). A limited request
// gets 429 with Retry-After and a GraphQL error RATE_LIMITED with
// extensions.retryAfter.
func (m *Main) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		var limits []apiLimit
		var err error
		if isWebsocketUpgrade(r) {
			limits, err = m.connectLimits(clientIP(r))
		} else {
			limits, err = m.apiLimits(graph.ViewerFrom(ctx), clientIP(r))
		}
		if err != nil {
			// A viewer the limiter cannot tell apart is refused rather
			// than counted in a bucket shared with others.
			m.Logger.ErrorContext(ctx, "rate limit", "error", err)
			writeGraphQLError(w, http.StatusInternalServerError, "Internal server error.", domain.EINTERNAL, 0)
			return
		}
		budget, err := m.allowPrecounted(ctx, limits)
		if err != nil {
			m.Logger.ErrorContext(ctx, "rate limit", "error", err)
			writeGraphQLError(w, http.StatusServiceUnavailable, "Service unavailable.", domain.EUNAVAILABLE, 0)
			return
		}
		if budget.RetryAfter > 0 {
			writeGraphQLError(w, http.StatusTooManyRequests, "Too many requests. Try again later.", domain.ERATELIMITED, budget.RetryAfter)
			return
		}
		if budget.Limit > 0 {
			// What is left, for clients that pace themselves; the same in
			// the answer's extensions.rateLimit.
			h := w.Header()
			h.Set("X-RateLimit-Limit", strconv.Itoa(budget.Limit))
			h.Set("X-RateLimit-Remaining", strconv.Itoa(budget.Remaining))
			h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(budget.ResetAfter).Unix(), 10))
			r = r.WithContext(graph.WithRateBudget(ctx, budget))
		}
		next.ServeHTTP(w, r)
	})
}

// admitWebsocketOperation counts one operation of a WebSocket under the
// limits of its viewer, as if it were an HTTP request of that viewer.
func (m *Main) admitWebsocketOperation(ctx context.Context) error {
	limits, err := m.apiLimits(graph.ViewerFrom(ctx), graph.RequestInfoFrom(ctx).IP)
	if err != nil {
		return err
	}
	budget, err := m.allow(ctx, limits)
	if err != nil {
		m.Logger.ErrorContext(ctx, "rate limit", "error", err)
		return domain.Errorf(domain.EUNAVAILABLE, "Service unavailable.")
	}
	if budget.RetryAfter > 0 {
		return &domain.Error{Code: domain.ERATELIMITED, RetryAfter: budget.RetryAfter, Message: "Too many requests. Try again later."}
	}
	return nil
}

// allow takes one token from each bucket in turn, in one round trip to
// Redis (auth.RateLimiter.TakeAll): the budget of the bucket with the
// longest wait when one has none (RetryAfter set; the buckets after the
// first refusal are not counted), else of the one with the fewest left:
// the budget a client must pace itself by.
func (m *Main) allow(ctx context.Context, limits []apiLimit) (auth.Budget, error) {
	all := make([]auth.Limit, len(limits))
	for i, l := range limits {
		all[i] = auth.Limit{Key: l.key, Rate: l.rate}
	}
	return m.RateLimiter.TakeAll(ctx, all)
}

// countsAgainstAPILimits reports a request rateLimit counts under its
// viewer's API limits (not a preflight, not a WebSocket upgrade).
func countsAgainstAPILimits(r *http.Request) bool {
	return r.Method != http.MethodOptions && !isWebsocketUpgrade(r)
}

// isWebsocketUpgrade reports a request that asks to become a WebSocket.
func isWebsocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// connectLimits is the bucket of a WebSocket upgrade: its client IP.
func (m *Main) connectLimits(ip string) ([]apiLimit, error) {
	key, err := auth.NewLimitKey("ws-connect-ip", ip)
	if err != nil {
		return nil, err
	}
	return []apiLimit{{key, m.Config.RateWSConnectIP}}, nil
}

// apiLimit is one bucket an API request counts against.
type apiLimit struct {
	key  auth.LimitKey
	rate auth.Rate
}

// apiLimits lists the buckets of one API request (R19). A service account
// token counts under its own id (api-token: never the secret, and never the
// session id, which tokens do not have), a session under its id; both at
// RATE_API_SESSION. Each tenant of the viewer's roles counts at
// RATE_API_TENANT. An anonymous request counts under its client IP. A
// viewer with neither a token nor a session id is an error: it must not
// fall into one bucket shared by every such viewer.
func (m *Main) apiLimits(v *domain.Viewer, ip string) ([]apiLimit, error) {
	switch {
	case v == nil:
		return m.limitsOf(apiBucket{"api-ip", ip, m.Config.RateAPIIP}, nil)
	case v.ServiceTokenID != 0:
		return m.limitsOf(apiBucket{"api-token", strconv.FormatInt(v.ServiceTokenID, 10), m.Config.RateAPISession}, grantTenants(v))
	case v.SessionID != "":
		return m.sessionLimits(v.SessionID, grantTenants(v))
	default:
		return nil, fmt.Errorf("rate limit: viewer %d has neither a session nor a service token: %w", v.UserID, auth.ErrEmptyLimitKey)
	}
}

// sessionLimits are the buckets of a session's API requests: its own,
// then its tenants'.
func (m *Main) sessionLimits(sessionID string, tenants []int64) ([]apiLimit, error) {
	return m.limitsOf(apiBucket{"api-session", sessionID, m.Config.RateAPISession}, tenants)
}

// apiBucket is the bucket of a request's client: a kind, its subject and
// its rate.
type apiBucket struct {
	kind, subject string
	rate          auth.Rate
}

// limitsOf lists the client's bucket, then one per tenant (RATE_API_TENANT).
func (m *Main) limitsOf(client apiBucket, tenants []int64) ([]apiLimit, error) {
	key, err := auth.NewLimitKey(client.kind, client.subject)
	if err != nil {
		return nil, err
	}
	out := []apiLimit{{key, client.rate}}
	for _, t := range tenants {
		key, err := auth.NewLimitKey("api-tenant", strconv.FormatInt(t, 10))
		if err != nil {
			return nil, err
		}
		out = append(out, apiLimit{key, m.Config.RateAPITenant})
	}
	return out, nil
}

// requestIDLogHandler adds the request ID to every log record made with a
// request's context.
type requestIDLogHandler struct{ slog.Handler }

func (h requestIDLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if id, ok := ctx.Value(requestIDKey{}).(string); ok {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDLogHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDLogHandler) WithGroup(name string) slog.Handler {
	return requestIDLogHandler{h.Handler.WithGroup(name)}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController and the WebSocket upgrade reach the
// underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total", Help: "HTTP requests by handler and status code.",
		}, []string{"handler", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "http_request_duration_seconds", Help: "HTTP request latency by handler.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"handler"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *httpMetrics) instrument(name string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		m.requests.WithLabelValues(name, strconv.Itoa(sw.status)).Inc()
		m.duration.WithLabelValues(name).Observe(time.Since(start).Seconds())
	})
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// originHosts turns allowed origins (https://admin.example.com) into the
// host patterns the WebSocket origin check expects.
func originHosts(origins []string) []string {
	var out []string
	for _, o := range origins {
		if i := strings.Index(o, "://"); i >= 0 {
			o = o[i+3:]
		}
		out = append(out, o)
	}
	return out
}

// viewerForServiceToken authenticates a service account token (R27): the
// viewer is the service account, with its grants, and carries the token id
// for per-token rate limits.
func (m *Main) viewerForServiceToken(ctx context.Context, token string) (*domain.Viewer, error) {
	if len(token) > 128 {
		return nil, auth.ErrNoSession
	}
	tokenID, userID, err := m.App.ServiceAccounts.AuthenticateToken(ctx, auth.HashToken(token))
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, auth.ErrNoSession
	} else if err != nil {
		return nil, err
	}
	v, err := m.App.Users.LoadViewer(ctx, userID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, auth.ErrNoSession
	} else if err != nil {
		return nil, err
	}
	if v.Status != domain.UserActive || v.Kind != domain.KindService {
		return nil, auth.ErrNoSession
	}
	v.ServiceTokenID = tokenID
	return v, nil
}

// credentialLive checks that the session or service account token a
// long-lived subscriber authenticated with is still live.
func (m *Main) credentialLive(ctx context.Context, v *domain.Viewer) error {
	switch {
	case v.ServiceTokenID != 0:
		live, err := m.App.ServiceAccounts.TokenLive(ctx, v.ServiceTokenID)
		if err != nil {
			return err
		}
		if !live {
			return domain.Errorf(domain.EUNAUTHENTICATED, "The token was revoked or expired.")
		}
	case v.SessionID != "":
		alive, err := m.Sessions.Alive(ctx, v.SessionID)
		if err != nil {
			return err
		}
		if !alive {
			return domain.Errorf(domain.EUNAUTHENTICATED, "Your session has ended.")
		}
	}
	return nil
}
