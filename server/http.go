package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"

	"tenantadmin/auth"
	"tenantadmin/domain"
	"tenantadmin/graph"
)

// SessionCookie is the SPA's session cookie name.
const SessionCookie = "session"

// routes builds the HTTP handler: /graphql, health, metrics and the SPA.
func (m *Main) routes() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := newHTTPMetrics(reg)

	limits := graph.DefaultLimits
	limits.Introspection = m.Config.Introspection
	limits.AllowedOrigins = originHosts(m.Config.CORSOrigins)
	gql := graph.NewHandler(m.App, m.KV, m.Config.KeyPrefix, limits, m.authenticateBearer)

	mux := http.NewServeMux()
	mux.Handle("/graphql", metrics.instrument("graphql", m.authenticate(m.App.LoaderMiddleware(gql))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", m.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	m.oversightRoutes(mux, metrics)
	mux.Handle("/", metrics.instrument("spa", spaHandler()))

	c := cors.New(cors.Options{
		AllowedOrigins:   m.Config.CORSOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   []string{"Content-Type", "Authorization", "X-CSRF-Token", "X-Request-ID"},
		ExposedHeaders:   []string{"X-Request-ID", "Retry-After"},
		AllowCredentials: true,
		MaxAge:           600,
	})
	return m.requestContext(m.limitBody(securityHeaders(c.Handler(mux))))
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
	w.Write([]byte("ready\n"))
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
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		ctx = graph.WithRequestInfo(ctx, graph.RequestInfo{IP: clientIP(r), UserAgent: truncate(r.UserAgent(), 512), RequestID: id})
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(ctx))
		if r.URL.Path != "/healthz" && r.URL.Path != "/metrics" {
			m.Logger.InfoContext(ctx, "request", "method", r.Method, "path", redactPath(r.URL.Path),
				"status", sw.status, "duration_ms", time.Since(start).Milliseconds())
		}
	})
}

// limitBody bounds request bodies (GraphQL documents and variables).
func (m *Main) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > m.Config.MaxRequestSize {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, m.Config.MaxRequestSize)
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves the session cookie or bearer token into a viewer.
// An invalid credential makes the request anonymous; resolvers then answer
// UNAUTHENTICATED where a viewer is required.
func (m *Main) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := ""
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			token = strings.TrimPrefix(h, "Bearer ")
		} else if c, err := r.Cookie(SessionCookie); err == nil {
			token = c.Value
		}
		if token != "" {
			v, err := m.viewerForToken(r.Context(), token)
			if err != nil && !errors.Is(err, auth.ErrNoSession) {
				m.Logger.ErrorContext(r.Context(), "authenticate", "error", err)
				http.Error(w, `{"errors":[{"message":"Service unavailable.","extensions":{"code":"UNAVAILABLE"}}]}`, http.StatusServiceUnavailable)
				return
			}
			if v != nil {
				r = r.WithContext(graph.WithViewer(r.Context(), v))
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (m *Main) authenticateBearer(ctx context.Context, authorization string) (*domain.Viewer, error) {
	v, err := m.viewerForToken(ctx, strings.TrimPrefix(authorization, "Bearer "))
	if err != nil || v == nil {
		return nil, domain.Errorf(domain.EUNAUTHENTICATED, "Invalid or expired token.")
	}
	return v, nil
}

func (m *Main) viewerForToken(ctx context.Context, token string) (*domain.Viewer, error) {
	sess, err := m.Sessions.Lookup(ctx, token)
	if err != nil {
		return nil, err
	}
	v, err := m.App.Users.LoadViewer(ctx, sess.UserID)
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

// clientIP is the peer address. X-Forwarded-For is not trusted: a proxy
// deployment must terminate and rewrite it before us.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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
