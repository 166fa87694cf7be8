package graph_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"tenantadmin/server/servertest"
)

// partialResponse decodes a response whose root fields may be null.
func partialResponse(t *testing.T, res *servertest.Response) map[string]json.RawMessage {
	t.Helper()
	var data map[string]json.RawMessage
	if err := json.Unmarshal(res.Data, &data); err != nil || data == nil {
		t.Fatalf("data %s is not an object (%v); errors %+v", res.Data, err, res.Errors)
	}
	return data
}

// TestMutationDocumentKeepsWhatCommitted (issue 15.1): root fields are
// nullable, so in a document of two mutations where the first commits and
// the second is FORBIDDEN, the first one's payload is in `data` and only the
// second is null, with its error at its own path. With non-null roots the
// whole `data` was null and the committed group was unreported.
func TestMutationDocumentKeepsWhatCommitted(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	doc := `mutation($mine: CreateGroupInput!, $theirs: CreateGroupInput!) {
		first: createGroup(input: $mine) { group { name } userErrors { code } }
		second: createGroup(input: $theirs) { group { name } userErrors { code } }
	}`
	segmenti := w.Product(t, "segmenti")
	res := w.M.GQL(t, w.Token(t, w.CompanyAdmin), doc, map[string]any{
		"mine":   map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "productId": segmenti, "name": "Committed"},
		"theirs": map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Other), "productId": segmenti, "name": "Refused"},
	})
	data := partialResponse(t, res)
	var first struct {
		Group      *struct{ Name string }
		UserErrors []struct{ Code string }
	}
	if err := json.Unmarshal(data["first"], &first); err != nil || first.Group == nil || first.Group.Name != "Committed" || len(first.UserErrors) != 0 {
		t.Fatalf("first = %s (%v), want the created group", data["first"], err)
	}
	if string(data["second"]) != "null" {
		t.Fatalf("second = %s, want null", data["second"])
	}
	if len(res.Errors) != 1 || res.Code() != "FORBIDDEN" || fmt.Sprint(res.Errors[0].Path) != "[second]" {
		t.Fatalf("errors %+v, want one FORBIDDEN at [second]", res.Errors)
	}
	if n := w.Count(t, "SELECT count(*) FROM groups WHERE name = 'Committed' AND tenant_id = ?", w.Company); n != 1 {
		t.Fatalf("committed group rows = %d", n)
	}
	if n := w.Count(t, "SELECT count(*) FROM groups WHERE name = 'Refused'"); n != 0 {
		t.Fatalf("refused group rows = %d", n)
	}
}

// TestQueryDocumentAnswersBesideAFailingField (issue 15.1): one root field
// of a query failing (groups of a tenant the viewer does not administer)
// nulls that field only; the other root fields still answer.
func TestQueryDocumentAnswersBesideAFailingField(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	res := w.M.GQL(t, w.Token(t, w.CompanyAdmin), `query($other: ID!) {
		tenants(first: 5) { totalCount }
		theirs: groups(tenantId: $other) { name }
		products { code }
	}`, map[string]any{"other": servertest.GlobalID("Tenant", w.Other)})
	data := partialResponse(t, res)
	var tenants struct{ TotalCount int }
	if err := json.Unmarshal(data["tenants"], &tenants); err != nil || tenants.TotalCount == 0 {
		t.Fatalf("tenants = %s (%v), want an answer", data["tenants"], err)
	}
	var products []struct{ Code string }
	if err := json.Unmarshal(data["products"], &products); err != nil || len(products) == 0 {
		t.Fatalf("products = %s (%v), want the catalog", data["products"], err)
	}
	if string(data["theirs"]) != "null" {
		t.Fatalf("theirs = %s, want null", data["theirs"])
	}
	if len(res.Errors) != 1 || res.Code() != "FORBIDDEN" || fmt.Sprint(res.Errors[0].Path) != "[theirs]" {
		t.Fatalf("errors %+v, want one FORBIDDEN at [theirs]", res.Errors)
	}
}
