package graph

//go:generate sh -c "cd .. && go run github.com/99designs/gqlgen generate"
