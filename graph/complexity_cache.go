package graph

import (
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// cachedComplexity is gqlgen's fixed complexity limit remembering each
// operation's complexity. The complexity of an operation depends on its
// document, its name and its variables only (the schema's complexity
// functions read arguments, never the viewer), and computing it walks the
// whole selection through the generated code on every request: 2.3 % of a
// users page's server CPU (issue 17.1). A request whose operation was seen
// with the same variables reads the figure instead; everything else,
// refusals included, is gqlgen's own computation.
type cachedComplexity struct {
	*extension.ComplexityLimit
	limit int
	known *lru.LRU[int]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*cachedComplexity)(nil)

// complexityKeyMax bounds what one remembered operation costs: a longer
// document with its variables (a bulk import's) is computed each time.
const complexityKeyMax = 8 << 10

func newCachedComplexity(limit int) *cachedComplexity {
	return &cachedComplexity{ComplexityLimit: extension.FixedComplexityLimit(limit), limit: limit,
		known: lru.New[int](1000)}
}

func (c *cachedComplexity) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	key, ok := complexityKey(oc)
	if ok {
		if n, seen := c.known.Get(ctx, key); seen {
			// Only operations within the limit are remembered. This is
			// what gqlgen's extension records, under its name: the
			// answer's extensions.cost reads it.
			oc.Stats.SetExtension(c.ExtensionName(), &extension.ComplexityStats{Complexity: n, ComplexityLimit: c.limit})
			return nil
		}
	}
	if err := c.ComplexityLimit.MutateOperationContext(ctx, oc); err != nil {
		return err
	}
	if stats, _ := oc.Stats.GetExtension(c.ExtensionName()).(*extension.ComplexityStats); ok && stats != nil {
		c.known.Add(ctx, key, stats.Complexity)
	}
	return nil
}

// complexityKey is the operation's document, name and variables (as JSON,
// whose maps are written in key order), or false past complexityKeyMax.
func complexityKey(oc *graphql.OperationContext) (string, bool) {
	if len(oc.RawQuery) > complexityKeyMax {
		return "", false
	}
	vars, err := json.Marshal(oc.Variables)
	if err != nil || len(oc.RawQuery)+len(vars) > complexityKeyMax {
		return "", false
	}
	return oc.RawQuery + "\x00" + oc.OperationName + "\x00" + string(vars), true
}
