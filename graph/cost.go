package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"

	"tenantadmin/auth"
)

type rateBudgetKey struct{}

// WithRateBudget records what is left of the request's tightest rate-limit
// bucket, for the answer's extensions.rateLimit.
func WithRateBudget(ctx context.Context, b auth.Budget) context.Context {
	return context.WithValue(ctx, rateBudgetKey{}, b)
}

// costExtensions tells a client, in each query's and mutation's answer,
// what the operation cost against the complexity limit and what is left of
// its rate budget (issue 15.8), as GitHub's and Shopify's APIs do, so that
// an integrator paces itself instead of discovering limits by refusals:
//
//	"extensions": {"cost": {"requested": 152, "limit": 5000},
//	               "rateLimit": {"limit": 1200, "remaining": 1187, "resetAt": "…"}}
//
// Subscription events carry neither: their cost was told when they started.
func costExtensions(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation == ast.Subscription {
		return resp
	}
	if stats := extension.GetComplexityStats(ctx); stats != nil {
		setExtension(resp, "cost", map[string]any{"requested": stats.Complexity, "limit": stats.ComplexityLimit})
	}
	if b, ok := ctx.Value(rateBudgetKey{}).(auth.Budget); ok && b.Limit > 0 {
		setExtension(resp, "rateLimit", map[string]any{"limit": b.Limit, "remaining": b.Remaining,
			"resetAt": time.Now().Add(b.ResetAfter).UTC().Format(time.RFC3339)})
	}
	return resp
}

func setExtension(resp *graphql.Response, key string, value any) {
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions[key] = value
}
