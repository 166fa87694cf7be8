package httpapi_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"tenantadmin/graph/model"
	"tenantadmin/httpapi"
)

// httpapi is a transport beside graph (ARCHITECTURE.md): both call package
// app. Neither it nor anything it imports may import graph or its
// generated packages, directly or not.
func TestHTTPAPIDoesNotImportGraph(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go tool is needed to list httpapi's imports: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}", "tenantadmin/httpapi").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 || deps[len(deps)-1] != "tenantadmin/httpapi" {
		t.Fatalf("go list did not list httpapi's dependencies: %q", deps)
	}
	for _, p := range deps {
		if p == "tenantadmin/graph" || strings.HasPrefix(p, "tenantadmin/graph/") {
			t.Errorf("httpapi depends on %s: it must reach the use cases through package app, not graph", p)
		}
	}
}

// The CSV export's filter parameters accept the values of the GraphQL
// enums, no more, no fewer (they are spelt the same as in UserFilter).
func TestUserListFilterEnumsAreGraphQLs(t *testing.T) {
	cats, sts, as := httpapi.FilterEnums()
	for _, c := range []struct {
		name         string
		ours, theirs []string
	}{
		{"category", cats, names(model.AllRoleCategory)},
		{"status", sts, names(model.AllUserStatus)},
		{"assignmentStatus", as, names(model.AllAssignmentStatus)},
	} {
		if !slices.Equal(c.ours, c.theirs) {
			t.Errorf("%s: httpapi accepts %v, GraphQL %v", c.name, c.ours, c.theirs)
		}
	}
}

func names[E ~string](values []E) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}
