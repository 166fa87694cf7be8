package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/redis/go-redis/v9"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/graph/generated"
	"tenantadmin/graph/model"
)

// Limits bound what one GraphQL request may cost.
type Limits struct {
	MaxDepth      int
	MaxComplexity int
	MaxAliases    int
	// OperationTimeout ends a query or mutation that runs longer (its
	// context is cancelled: database calls stop, the answer is an error).
	OperationTimeout time.Duration
	// WebsocketInitTimeout closes a WebSocket that sends no connection_init.
	WebsocketInitTimeout time.Duration
	// Budget bounds a document before it is parsed and validated.
	Budget        DocumentBudget
	Introspection bool
	// AllowedOrigins are the browser origins allowed to open a WebSocket
	// (host patterns as in coder/websocket's OriginPatterns).
	AllowedOrigins []string
	// DisableHotPath leaves every operation to gqlgen's execution: the
	// fast path of the users page and profiles (hotpath.go) is off. Tests
	// compare the two.
	DisableHotPath bool
	// AdmitWebsocketOperation, when set, admits each operation a
	// WebSocket carries, as the HTTP middleware admits each request: the
	// upgrade is one request, its operations are counted one by one under
	// the viewer's API rate limits (R19). Its error answers that operation.
	AdmitWebsocketOperation func(ctx context.Context) error
}

// DefaultLimits suit the admin SPA and integrators' reasonable queries.
var DefaultLimits = Limits{MaxDepth: 12, MaxComplexity: 5000, MaxAliases: 50, Budget: DefaultDocumentBudget, WebsocketInitTimeout: 5 * time.Second, OperationTimeout: 30 * time.Second, Introspection: true}

// WebsocketAuthenticator authenticates a subscription connection from the
// connection_init payload's bearer token when the upgrade request carried no
// session cookie.
type WebsocketAuthenticator func(ctx context.Context, bearer string) (*domain.Viewer, error)

// NewHandler builds the /graphql handler: GraphQL over HTTP (POST, GET for
// queries), GraphQL over SSE and graphql-transport-ws on the same path, with limits, persisted
// queries in Redis and an error presenter that maps domain codes.
func NewHandler(app *App, rdb redis.UniversalClient, apqPrefix string, limits Limits, wsAuth WebsocketAuthenticator) *handler.Server {
	srv := newServer(app, limits, &apqCache{rdb: rdb, prefix: apqPrefix})
	// Subscription events executed once per key and sent to every
	// subscriber with that key, whatever its transport (fanout.go).
	shared := newResponseCache()

	srv.AddTransport(graphqlTransportWS{
		Accept:       websocket.AcceptOptions{OriginPatterns: limits.AllowedOrigins},
		InitTimeout:  limits.WebsocketInitTimeout,
		PingInterval: 15 * time.Second,
		// A dashboard that reads slowly still gets its events (and the
		// SLOW_CONSUMER notice when the hub drops it); one that reads
		// nothing for a minute is gone.
		WriteTimeout:  60 * time.Second,
		MaxOperations: 100,
		Shared:        shared,
		ReadLimit:     1 << 20,
		Admit: func(ctx context.Context) *gqlerror.Error {
			if limits.AdmitWebsocketOperation == nil {
				return nil
			}
			if err := limits.AdmitWebsocketOperation(ctx); err != nil {
				return presentError(ctx, app.Logger, err)
			}
			return nil
		},
		Init: func(ctx context.Context, payload map[string]any) (context.Context, error) {
			p := transport.InitPayload(payload)
			if err := checkWebsocketCSRF(ctx, p); err != nil {
				return nil, err
			}
			if ViewerFrom(ctx) == nil && p.Authorization() != "" && wsAuth != nil {
				v, err := wsAuth(ctx, p.Authorization())
				if err != nil {
					return nil, err
				}
				ctx = WithViewer(ctx, v)
			}
			// Loaders and their memoised scopes must not outlive a
			// subscription's events; each event gets fresh ones.
			return app.WithLoaders(ctx), nil
		},
	})
	srv.AddTransport(graphqlSSE{PingInterval: 15 * time.Second, Shared: shared})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(graphqlGET{})
	if limits.DisableHotPath {
		srv.AddTransport(transport.POST{})
	} else {
		srv.AddTransport(hotPOST{}) // writes the fast path's answers as they are
	}

	return srv
}

// Schema is the schema the server serves: the generated one without
// @defer. gqlparser's prelude declares @defer in every schema and gqlgen
// cannot leave it out, but the server has no incremental delivery
// (multipart/mixed), so advertising it would promise what is not done
// (issue 15.6): introspection does not list it, and a document using it is
// refused at validation ("Unknown directive "@defer"."). The copy shares the
// generated schema's types, which nothing modifies.
var Schema = sync.OnceValue(func() *ast.Schema {
	s := *generated.NewExecutableSchema(generated.Config{}).Schema()
	s.Directives = maps.Clone(s.Directives)
	delete(s.Directives, "defer")
	return &s
})

// newServer is the executable schema with its limits, persisted queries
// (when apq is not nil) and error handling, without transports.
func newServer(app *App, limits Limits, apq graphql.Cache[string]) *handler.Server {
	cfg := generated.Config{Resolvers: &Resolver{App: app}}
	cfg.Complexity.Tenant.Users = usersComplexity
	cfg.Complexity.Query.Users = usersComplexity
	cfg.Complexity.Group.Members = connectionComplexity
	cfg.Complexity.ProductUsers.Users = connectionComplexity
	cfg.Complexity.Tenant.Children = func(child int, _ *model.TenantOrder, first *int, _ *string, last *int, _ *string) int {
		return 1 + child*pageSize(first, last)
	}
	cfg.Complexity.Query.Tenants = func(child int, _ *string, _ *bool, _ *string, _ *string, _ *model.TenantOrder, first *int, _ *string, last *int, _ *string) int {
		return 1 + child*pageSize(first, last)
	}
	cfg.Schema = Schema()
	cursors := app.Cursors
	if cursors == nil {
		cursors, _ = NewCursors("") // the development key is always valid
	}
	es := generated.NewExecutableSchema(cfg)
	// The fast path (hotpath.go) replaces gqlgen's execution of the users
	// page and of users' profiles: field middlewares (AroundFields, here the
	// cursor sealing) do not run for its answers. A new field middleware
	// must be reproduced there, or its fields kept off the fast path.
	if !limits.DisableHotPath {
		es = hotSchema{ExecutableSchema: es, h: newHotPath(app, cursors)}
	}
	srv := handler.New(es)
	srv.AroundFields(cursors.middleware)
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if limits.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(introspectionOff{})
	}
	if apq != nil {
		srv.Use(extension.AutomaticPersistedQuery{Cache: apq})
	}
	// After the persisted query is resolved, before parsing and validation.
	srv.Use(newDocumentBudget(limits.Budget))
	srv.Use(newCachedComplexity(limits.MaxComplexity))
	srv.Use(depthLimit{max: limits.MaxDepth})
	srv.Use(aliasLimit{max: limits.MaxAliases})
	srv.AroundOperations(operationDeadline(limits.OperationTimeout))
	srv.Use(singleRootField{})
	srv.Use(subscriptionsNeedStreams{})
	srv.AroundResponses(costExtensions)

	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, app.Logger, err)
	})
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		app.Logger.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return errors.New("internal error")
	})
	return srv
}

// Connection fields cost their children times the page size they ask for.
func pageSize(first, last *int) int {
	n := 20
	if first != nil && *first > 0 {
		n = *first
	}
	if last != nil && *last > 0 {
		n = *last
	}
	// Larger pages are refused by the resolver with a clear page-size error.
	return min(n, domain.MaxPageSize)
}

func connectionComplexity(child int, first *int, _ *string, last *int, _ *string) int {
	return 1 + child*pageSize(first, last)
}

func usersComplexity(child int, _ *model.UserFilter, _ *model.UserOrder, first *int, _ *string, last *int, _ *string) int {
	return 1 + child*pageSize(first, last)
}

// presentError maps application errors to extensions.code and hides
// everything else behind "Internal error.", logging it.
func presentError(ctx context.Context, logger *slog.Logger, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	var ge *gqlerror.Error
	if errors.As(err, &ge) && ge.Extensions != nil && ge.Extensions["code"] != nil {
		return gqlErr // parse/validation errors already carry a code
	}
	code := domain.ErrorCode(err)
	if code == domain.EINTERNAL && errors.Is(err, context.Canceled) {
		// The client went away (or completed a subscription) mid-request:
		// nobody reads this answer, and it is not a fault of ours.
		gqlErr.Message = "The request was cancelled."
		gqlErr.Extensions = map[string]any{"code": "CANCELLED"}
		return gqlErr
	}
	if code == domain.EINTERNAL && db.Unavailable(err) {
		// PostgreSQL or Redis is down or restarting: a retryable outage,
		// not a bug; the transaction of a mutation was rolled back.
		logger.WarnContext(ctx, "backing service unavailable", "error", err.Error(), "path", gqlErr.Path.String())
		gqlErr.Message = "A backing service is unavailable; try again shortly."
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		gqlErr.Extensions["code"] = domain.EUNAVAILABLE
		return gqlErr
	}
	if ge != nil && ge.Err == nil && domain.AsError(err) == nil {
		// A gqlgen-produced error without an underlying cause (e.g. a
		// complexity or validation failure): the message is for the client.
		code = domain.EINVALID
	}
	if gqlErr.Extensions == nil {
		gqlErr.Extensions = map[string]any{}
	}
	gqlErr.Extensions["code"] = code
	if e := domain.AsError(err); e != nil {
		gqlErr.Message = e.Message
		if e.Field != "" {
			gqlErr.Extensions["field"] = e.Field
		}
		if e.Reason != "" {
			gqlErr.Extensions["reason"] = e.Reason
		}
		if e.RetryAfter > 0 {
			gqlErr.Extensions["retryAfter"] = int(e.RetryAfter.Seconds() + 0.999)
		}
	} else if code == domain.EINTERNAL {
		logger.ErrorContext(ctx, "internal error", "error", err.Error(), "path", gqlErr.Path.String())
		gqlErr.Message = "Internal error."
	}
	return gqlErr
}

// apqCache stores persisted queries in Redis so that every replica knows a
// query registered through any of them.
type apqCache struct {
	rdb    redis.UniversalClient
	prefix string
}

const apqTTL = 24 * time.Hour

func (c *apqCache) Get(ctx context.Context, key string) (string, bool) {
	s, err := c.rdb.Get(ctx, c.prefix+"apq:"+key).Result()
	return s, err == nil
}

func (c *apqCache) Add(ctx context.Context, key, value string) {
	c.rdb.Set(ctx, c.prefix+"apq:"+key, value, apqTTL)
}

// depthLimit rejects operations nested deeper than max selection levels:
// complexity alone does not stop a narrow but very deep query. It applies
// whatever the operation is called (an operation named IntrospectionQuery
// used to skip it). Introspection subtrees (__schema, __type) are not data:
// gqlparser's validation bounds their depth.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, oc.Doc.Fragments, 0); depth > d.max {
		err := gqlerror.Errorf("The operation is nested %d levels deep; the limit is %d.", depth, d.max)
		err.Extensions = map[string]any{"code": "QUERY_TOO_DEEP"}
		return err
	}
	return nil
}

func selectionDepth(set ast.SelectionSet, fragments ast.FragmentDefinitionList, level int) int {
	if level > 100 {
		return level // fragment cycles are rejected by validation; stay safe anyway
	}
	deepest := level
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.SelectionSet) == 0 || isIntrospection(s) {
				d = level + 1
			} else {
				d = selectionDepth(s.SelectionSet, fragments, level+1)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, fragments, level)
		case *ast.FragmentSpread:
			if f := fragments.ForName(s.Name); f != nil {
				d = selectionDepth(f.SelectionSet, fragments, level)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}

func isIntrospection(f *ast.Field) bool { return f.Name == "__schema" || f.Name == "__type" }

// introspectionOff refuses, with a code a client can read, operations that
// introspect the schema when introspection is disabled (production).
type introspectionOff struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = introspectionOff{}

func (introspectionOff) ExtensionName() string                   { return "IntrospectionOff" }
func (introspectionOff) Validate(graphql.ExecutableSchema) error { return nil }
func (introspectionOff) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation != nil && selectsIntrospection(oc.Operation.SelectionSet, oc.Doc.Fragments, 0) {
		err := gqlerror.Errorf("Introspection is disabled on this server.")
		err.Extensions = map[string]any{"code": "INTROSPECTION_DISABLED"}
		return err
	}
	return nil
}

// selectsIntrospection looks at the root selections, where __schema and
// __type live, through fragments.
func selectsIntrospection(set ast.SelectionSet, fragments ast.FragmentDefinitionList, level int) bool {
	if level > 100 {
		return false
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if isIntrospection(s) {
				return true
			}
		case *ast.InlineFragment:
			if selectsIntrospection(s.SelectionSet, fragments, level+1) {
				return true
			}
		case *ast.FragmentSpread:
			if f := fragments.ForName(s.Name); f != nil && selectsIntrospection(f.SelectionSet, fragments, level+1) {
				return true
			}
		}
	}
	return false
}

// aliasLimit bounds the aliased fields of an operation: aliases let one
// request repeat a field (a sign-in, a lookup) many times, which the
// per-request rate limits would not see.
type aliasLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = aliasLimit{}

func (aliasLimit) ExtensionName() string                   { return "AliasLimit" }
func (aliasLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (a aliasLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if n := countAliases(oc.Operation.SelectionSet, oc.Doc.Fragments, 0); n > a.max {
		err := gqlerror.Errorf("The operation uses %d aliases; the limit is %d.", n, a.max)
		err.Extensions = map[string]any{"code": "TOO_MANY_ALIASES"}
		return err
	}
	return nil
}

func countAliases(set ast.SelectionSet, fragments ast.FragmentDefinitionList, level int) int {
	if level > 100 {
		return 0
	}
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				n++
			}
			n += countAliases(s.SelectionSet, fragments, level+1)
		case *ast.InlineFragment:
			n += countAliases(s.SelectionSet, fragments, level+1)
		case *ast.FragmentSpread:
			if f := fragments.ForName(s.Name); f != nil {
				n += countAliases(f.SelectionSet, fragments, level+1)
			}
		}
	}
	return n
}

// operationDeadline bounds queries and mutations in time; subscriptions
// live as long as their client wants.
func operationDeadline(d time.Duration) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if d <= 0 || oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
			return next(ctx)
		}
		deadline := time.Now().Add(d)
		ctx, cancel := context.WithDeadline(ctx, deadline)
		responses := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			defer cancel()
			ctx, stop := context.WithDeadline(ctx, deadline)
			defer stop()
			return responses(ctx)
		}
	}
}
