// Package graph is the GraphQL transport: the schema in graph/schema, thin
// resolvers that parse input, call the domain and storage, and map results.
package graph

// Resolver is the root resolver; it holds the services resolvers call.
type Resolver struct {
	App *App
}
