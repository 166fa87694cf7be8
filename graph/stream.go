package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Streaming transports (graphql-transport-ws, GraphQL over SSE) mark the
// operation's context: only they can carry a subscription's events, and
// they collect the error that ends a subscription after it has started.
type streamKey struct{}

type streamState struct {
	mu  sync.Mutex
	end gqlerror.List
}

func withStreaming(ctx context.Context) context.Context {
	return context.WithValue(ctx, streamKey{}, &streamState{})
}

// endStream records why a subscription's stream ended: the transport sends
// it once the resolver's channel is closed.
func endStream(ctx context.Context, err *gqlerror.Error) {
	if s, ok := ctx.Value(streamKey{}).(*streamState); ok {
		s.mu.Lock()
		s.end = append(s.end, err)
		s.mu.Unlock()
	}
}

func streamEndErrors(ctx context.Context) gqlerror.List {
	s, ok := ctx.Value(streamKey{}).(*streamState)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.end
}

// subscriptionsNeedStreams refuses a subscription over a transport that
// answers once (POST or GET without text/event-stream): it used to block
// until the next event and return only that one.
type subscriptionsNeedStreams struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = subscriptionsNeedStreams{}

func (subscriptionsNeedStreams) ExtensionName() string                   { return "SubscriptionsNeedStreams" }
func (subscriptionsNeedStreams) Validate(graphql.ExecutableSchema) error { return nil }
func (subscriptionsNeedStreams) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		return nil
	}
	if _, ok := ctx.Value(streamKey{}).(*streamState); ok {
		return nil
	}
	err := gqlerror.Errorf("Subscriptions need a stream: use graphql-transport-ws (WebSocket) or GraphQL over SSE (POST with Accept: text/event-stream).")
	errcode.Set(err, codeSubscriptionNeedsStream)
	return err
}

const codeSubscriptionNeedsStream = "SUBSCRIPTION_NEEDS_STREAM"

// A request error (HTTP 4xx), answered at once.
func init() { errcode.RegisterErrorType(codeSubscriptionNeedsStream, errcode.KindProtocol) }

// singleRootField is the specification's "Single root field" rule for
// subscriptions, which gqlparser does not apply: a subscription selecting
// two root fields used to fail at execution as an internal error.
type singleRootField struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = singleRootField{}

func (singleRootField) ExtensionName() string                   { return "SingleRootField" }
func (singleRootField) Validate(graphql.ExecutableSchema) error { return nil }
func (singleRootField) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		return nil
	}
	names := map[string]bool{}
	collectRootNames(oc.Operation.SelectionSet, oc.Doc.Fragments, names, map[string]bool{})
	if len(names) == 1 {
		return nil
	}
	name := "Anonymous Subscription"
	if oc.Operation.Name != "" {
		name = "Subscription " + oc.Operation.Name
	}
	err := gqlerror.Errorf("%s must select only one top level field.", name)
	errcode.Set(err, errcode.ValidationFailed)
	return err
}

func collectRootNames(set ast.SelectionSet, fragments ast.FragmentDefinitionList, names, seen map[string]bool) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			name := s.Alias
			if name == "" {
				name = s.Name
			}
			names[name] = true
		case *ast.InlineFragment:
			collectRootNames(s.SelectionSet, fragments, names, seen)
		case *ast.FragmentSpread:
			if f := fragments.ForName(s.Name); f != nil && !seen[s.Name] {
				seen[s.Name] = true
				collectRootNames(f.SelectionSet, fragments, names, seen)
			}
		}
	}
}
