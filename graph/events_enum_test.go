package graph

import (
	"slices"
	"testing"

	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// The GraphQL enum ChangeEventType and domain.EventTypes (which storage
// enforces) must list the same values.
func TestChangeEventTypesMatchSchema(t *testing.T) {
	var schema []string
	for _, v := range model.AllChangeEventType {
		schema = append(schema, string(v))
	}
	domainTypes := slices.Clone(domain.EventTypes)
	slices.Sort(schema)
	slices.Sort(domainTypes)
	if !slices.Equal(schema, domainTypes) {
		t.Fatalf("schema enum %v\ndomain list %v", schema, domainTypes)
	}
}
