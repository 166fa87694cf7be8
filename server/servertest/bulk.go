package servertest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// BulkResult is a bulk mutation's payload (issue 19).
type BulkResult struct {
	Succeeded      []struct{ ID, Username, Status string }
	RemovedUserIds []string
	DeletedUserIds []string
	UserErrors     []struct {
		UserID        *string
		Index         *int
		Field         []string
		Code, Message string
	}
}

// Bulk runs suspendUsers, reactivateUsers or removeUsersFromTenant as
// token in tenantID on users (global IDs as given).
func (w *AdminWorld) Bulk(t *testing.T, token, field string, tenantID int64, users ...string) (*BulkResult, *Response) {
	t.Helper()
	selection := "succeeded { id username status }"
	if field == "removeUsersFromTenant" {
		selection = "removedUserIds deletedUserIds"
	}
	q := fmt.Sprintf(`mutation($input: BulkUsersInput!) { %s(input: $input) { %s userErrors { userId index field code message } } }`, field, selection)
	if users == nil {
		users = []string{}
	}
	res := w.M.GQL(t, token, q, map[string]any{"input": map[string]any{"tenantId": GlobalID("Tenant", tenantID), "userIds": users}})
	if len(res.Errors) > 0 {
		return nil, res
	}
	var d map[string]*BulkResult
	if err := json.Unmarshal(res.Data, &d); err != nil {
		t.Fatalf("decode %s: %v", res.Data, err)
	}
	return d[field], res
}

// SucceededNames lists the usernames changed with their status, in order.
func (r *BulkResult) SucceededNames() string {
	var names []string
	for _, u := range r.Succeeded {
		names = append(names, u.Username+":"+u.Status)
	}
	return strings.Join(names, ",")
}

// Failures lists the userErrors as index/userId/code.
func (r *BulkResult) Failures() string {
	var out []string
	for _, e := range r.UserErrors {
		s := "-"
		if e.Index != nil {
			s = fmt.Sprint(*e.Index)
			if want := []string{"input", "userIds", s}; !slices.Equal(e.Field, want) {
				return fmt.Sprintf("field %v, want %v", e.Field, want)
			}
		}
		if e.UserID != nil {
			s += "/" + *e.UserID
		} else {
			s += "/-"
		}
		out = append(out, s+"/"+e.Code)
	}
	return strings.Join(out, ",")
}

// UID is the global ID of a user.
func UID(id int64) string { return GlobalID("User", id) }
