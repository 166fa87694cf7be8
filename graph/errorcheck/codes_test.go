// Package errorcheck holds the tests that keep the API's error codes in one
// place: every reason code the Go code writes is in domain.ErrorCodes, and
// the GraphQL enum UserErrorCode, the type of the code of every payload's
// userErrors, lists exactly those codes, each described (issue 15.2).
package errorcheck

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"tenantadmin/domain"
)

func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	paths, err := filepath.Glob("../schema/*.graphqls")
	if err != nil || len(paths) == 0 {
		t.Fatalf("schema files: %v", err)
	}
	var sources []*ast.Source
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: p, Input: string(b)})
	}
	s, gerr := gqlparser.LoadSchema(sources...)
	if gerr != nil {
		t.Fatalf("schema: %v", gerr)
	}
	return s
}

// TestEveryEmittedCodeIsInTheEnum: a reason code written anywhere in the Go
// code (literal or constant) must be in domain.ErrorCodes, and so in the
// enum UserErrorCode generated from it. A new code cannot slip in as a
// string.
func TestEveryEmittedCodeIsInTheEnum(t *testing.T) {
	scan := scanCodes(t, "../..")
	if len(scan.emitted) < 150 {
		t.Fatalf("found only %d places that write an error code: the scan is broken", len(scan.emitted))
	}
	enum := enumValues(t, loadSchema(t), "UserErrorCode")
	for _, e := range scan.emitted {
		if !domain.IsErrorCode(e.code) {
			t.Errorf("%s: code %s is not in domain.ErrorCodes", e.pos, e.code)
		} else if !enum[e.code] {
			t.Errorf("%s: code %s is not a value of the enum UserErrorCode (run go generate ./graph)", e.pos, e.code)
		}
	}
}

// TestEnumIsTheRegistry: UserErrorCode has exactly the codes of
// domain.ErrorCodes, each with its description, none twice.
func TestEnumIsTheRegistry(t *testing.T) {
	s := loadSchema(t)
	def := s.Types["UserErrorCode"]
	if def == nil || def.Kind != ast.Enum {
		t.Fatal("no enum UserErrorCode")
	}
	registry := map[string]string{}
	for _, c := range domain.ErrorCodes {
		if _, dup := registry[c.Code]; dup {
			t.Errorf("code %s is listed twice in domain.ErrorCodes", c.Code)
		}
		registry[c.Code] = c.Description
	}
	for _, v := range def.EnumValues {
		want, ok := registry[v.Name]
		if !ok {
			t.Errorf("enum value %s is not in domain.ErrorCodes", v.Name)
		} else if strings.TrimSpace(v.Description) == "" || v.Description != want {
			t.Errorf("enum value %s: description %q, want %q", v.Name, v.Description, want)
		}
		delete(registry, v.Name)
	}
	for code := range registry {
		t.Errorf("code %s of domain.ErrorCodes is missing from the enum (run go generate ./graph)", code)
	}
}

// TestEveryPayloadHasTypedErrors: each mutation's payload lists its
// userErrors as DisplayableErrors whose code is the enum UserErrorCode, so
// whatever code a mutation emits is a value of its payload's enum.
func TestEveryPayloadHasTypedErrors(t *testing.T) {
	s := loadSchema(t)
	var missing []string
	for _, f := range s.Mutation.Fields {
		payload := s.Types[f.Type.Name()]
		ue := payload.Fields.ForName("userErrors")
		if ue == nil {
			missing = append(missing, f.Name)
			continue
		}
		if ue.Type.Elem == nil || !ue.Type.NonNull || !ue.Type.Elem.NonNull {
			t.Errorf("%s.userErrors is %s, want a non-null list of non-null errors", payload.Name, ue.Type)
			continue
		}
		et := s.Types[ue.Type.Elem.Name()]
		if !implements(et, "DisplayableError") {
			t.Errorf("%s.userErrors: %s does not implement DisplayableError", payload.Name, et.Name)
		}
		code := et.Fields.ForName("code")
		if code == nil || code.Type.String() != "UserErrorCode!" {
			t.Errorf("%s.userErrors: %s.code is not UserErrorCode!", payload.Name, et.Name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("payloads without userErrors: %v", missing)
	}
}

func implements(def *ast.Definition, iface string) bool {
	for _, i := range def.Interfaces {
		if i == iface {
			return true
		}
	}
	return false
}

func enumValues(t *testing.T, s *ast.Schema, name string) map[string]bool {
	t.Helper()
	def := s.Types[name]
	if def == nil {
		t.Fatalf("no type %s", name)
	}
	out := map[string]bool{}
	for _, v := range def.EnumValues {
		out[v.Name] = true
	}
	return out
}
