package graph

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"tenantadmin/graph/generated"
)

// TestUsersPageReadsSelectedFields: a users page reads only the columns of
// the fields its selection shows (selectedUserFields, issue 17.1), and
// shows each of them as the user's profile does, which reads every column.
// Every field userFieldsByName knows is asked alone and with all the
// others, by every kind of viewer (personal data hidden or shown, the
// viewer among the people). A field mapped to another column, or to none,
// shows a zero value here and differs.
func TestUsersPageReadsSelectedFields(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	user := schema.Types["User"]
	var selections []string
	for name := range userFieldsByName {
		f := user.Fields.ForName(name)
		if f == nil && name != "__typename" {
			t.Fatalf("userFieldsByName names %s, which User does not have", name)
		}
		if f != nil {
			selections = append(selections, name+leafSelection(schema, f.Type))
		}
	}
	selections = append(selections, strings.Join(selections, " "))
	rng := hotRNG(t, 0x5e1ec7ed)
	compared := 0
	forEachHotViewer(t, rng, 2, func(c hotCase) {
		for _, sel := range selections {
			page := hotPost(t, c.fast, c.app, c.viewer, `{ users(first: 50) { edges { node { id `+sel+` } } } }`, nil)
			var p struct {
				Data struct {
					Users struct {
						Edges []struct{ Node json.RawMessage }
					}
				}
			}
			if err := json.Unmarshal(page, &p); err != nil || strings.Contains(string(page), `"errors"`) {
				t.Fatalf("viewer %s, %s: %s", c.name, sel, page)
			}
			if len(p.Data.Users.Edges) == 0 {
				continue // a viewer without a user directory
			}
			var profiles strings.Builder
			profiles.WriteString("{")
			ids := make([]string, len(p.Data.Users.Edges))
			for i, e := range p.Data.Users.Edges {
				var n struct{ ID string }
				if err := json.Unmarshal(e.Node, &n); err != nil {
					t.Fatal(err)
				}
				ids[i] = n.ID
				fmt.Fprintf(&profiles, " u%d: node(id: %q) { ... on User { id %s } }", i, n.ID, sel)
			}
			profiles.WriteString(" }")
			body := hotPost(t, c.slow, c.app, c.viewer, profiles.String(), nil)
			var want struct{ Data map[string]json.RawMessage }
			if err := json.Unmarshal(body, &want); err != nil {
				t.Fatalf("profiles: %s", body)
			}
			for i, e := range p.Data.Users.Edges {
				if got, want := string(e.Node), string(want.Data[fmt.Sprintf("u%d", i)]); got != want {
					t.Fatalf("viewer %s, user %s, { %s }: the page shows\n%s\nthe profile\n%s", c.name, ids[i], sel, got, want)
				}
				compared++
			}
		}
	})
	if compared < 1000 {
		t.Fatalf("only %d users compared", compared)
	}
	t.Logf("%d users compared", compared)
}

// leafSelection is the selection of a field of type typ: none for a leaf,
// else the object's leaf fields without arguments.
func leafSelection(schema *ast.Schema, typ *ast.Type) string {
	def := schema.Types[typ.Name()]
	if def.Kind != ast.Object {
		return ""
	}
	var leaves []string
	for _, f := range def.Fields {
		if k := schema.Types[f.Type.Name()].Kind; len(f.Arguments) == 0 && !strings.HasPrefix(f.Name, "__") && (k == ast.Scalar || k == ast.Enum) {
			leaves = append(leaves, f.Name)
		}
	}
	return " { " + strings.Join(leaves, " ") + " }"
}
