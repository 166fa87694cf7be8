package graph

import (
	"context"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

func TestOperationDeadline(t *testing.T) {
	for op, wantDeadline := range map[ast.Operation]bool{ast.Query: true, ast.Mutation: true, ast.Subscription: false} {
		oc := &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: op}}
		ctx := graphql.WithOperationContext(context.Background(), oc)
		var executed, answered bool
		handler := operationDeadline(time.Minute)(ctx, func(ctx context.Context) graphql.ResponseHandler {
			_, executed = ctx.Deadline()
			return func(ctx context.Context) *graphql.Response {
				_, answered = ctx.Deadline()
				return &graphql.Response{}
			}
		})
		handler(context.Background())
		if executed != wantDeadline || answered != wantDeadline {
			t.Errorf("%s: deadline while executing %v, while answering %v; want %v", op, executed, answered, wantDeadline)
		}
	}
}
