package graph

//go:generate sh -c "cd .. && go run ./cmd/errorschema"
//go:generate sh -c "cd .. && go run ./cmd/gqlgen"
