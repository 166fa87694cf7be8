package graph

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"time"

	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// Events and audit documents store internal row ids under these keys; the
// API shows them as global IDs of these types (issue 15.4), so that every
// identifier a client reads in an event or an audit record works with
// node(id:).
var idKeyTypes = map[string]string{
	"userId": "User", "tenantId": "Tenant", "parentId": "Tenant", "homeTenantId": "Tenant",
	"membershipId": "Membership", "roleAssignmentId": "RoleAssignment", "roleId": "Role",
	"previousRoleId": "Role", "productId": "Product", "groupId": "Group",
	"serviceAccountId": "ServiceAccount", "tokenId": "ServiceAccountToken", "nominationId": "Nomination",
}

// rowID reads a stored identifier: JSON numbers decode as float64, payloads
// written in this process hold int64.
func rowID(v any) (int64, bool) {
	switch id := v.(type) {
	case int64:
		return id, id > 0
	case float64:
		return int64(id), id > 0
	case int:
		return int64(id), id > 0
	case *int64:
		if id != nil {
			return *id, *id > 0
		}
	}
	return 0, false
}

// globalizeIDs returns a copy of a stored document with its identifiers as
// global IDs, at any depth; a 0 or empty identifier (none) becomes null.
func globalizeIDs(doc map[string]any) map[string]any {
	if doc == nil {
		return nil
	}
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		switch {
		case idKeyTypes[k] != "":
			if id, ok := rowID(v); ok {
				out[k] = globalID(idKeyTypes[k], id)
			} else {
				out[k] = nil
			}
		default:
			if sub, ok := v.(map[string]any); ok {
				out[k] = globalizeIDs(sub)
			} else {
				out[k] = v
			}
		}
	}
	return out
}

// gid is the global ID of a payload identifier, nil when absent.
func gid(p map[string]any, key string) *string {
	id, ok := rowID(p[key])
	if !ok {
		return nil
	}
	s := globalID(idKeyTypes[key], id)
	return &s
}

func str(p map[string]any, key string) *string {
	s, ok := p[key].(string)
	if !ok || s == "" {
		return nil
	}
	return &s
}

func integer(p map[string]any, key string) *int {
	id, ok := rowID(p[key])
	if !ok {
		return nil
	}
	n := int(id)
	return &n
}

func boolean(p map[string]any, key string) *bool {
	b, ok := p[key].(bool)
	if !ok {
		return nil
	}
	return &b
}

func submap(p map[string]any, key string) map[string]any {
	m, _ := p[key].(map[string]any)
	return m
}

// eventUser is the user a payload is about ("userId"): username always,
// display name only when the payload view holds the names (R12: the
// redacted view does not).
func eventUser(p map[string]any) *model.ChangeEventUser {
	id, ok := rowID(p["userId"])
	if !ok {
		return nil
	}
	u := &model.ChangeEventUser{ID: globalID("User", id), Username: str(p, "username")}
	given, _ := p["givenName"].(string)
	family, _ := p["familyName"].(string)
	if name := strings.TrimSpace(given + " " + family); name != "" {
		u.DisplayName = &name
	}
	return u
}

// valueText shows one document value as text: strings as they are,
// identifiers as global IDs, anything else as JSON; nil for none.
func valueText(key string, v any) *string {
	if v == nil {
		return nil
	}
	if typ := idKeyTypes[key]; typ != "" {
		if id, ok := rowID(v); ok {
			s := globalID(typ, id)
			return &s
		}
		return nil
	}
	if s, ok := v.(string); ok {
		return &s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	s := string(b)
	return &s
}

// fieldChanges lists the keys whose values differ between before and after
// (the full documents), in name order. Values come from the documents the
// viewer may read (visBefore, visAfter: the full ones or RedactPersonal's
// cut); a key present in the full documents but cut from the visible ones
// is hidden (R12).
func fieldChanges(before, after, visBefore, visAfter map[string]any) []*model.FieldChange {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		if !reflect.DeepEqual(before[k], after[k]) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	out := make([]*model.FieldChange, 0, len(names))
	for _, k := range names {
		_, inB := visBefore[k]
		_, inA := visAfter[k]
		_, fullB := before[k]
		_, fullA := after[k]
		fc := &model.FieldChange{Field: k, Personal: domain.IsPersonalKey(k), Hidden: (fullB && !inB) || (fullA && !inA)}
		if !fc.Hidden {
			fc.OldValue, fc.NewValue = valueText(k, visBefore[k]), valueText(k, visAfter[k])
		}
		out = append(out, fc)
	}
	return out
}

// eventView is what the API makes of one event for one of its two views;
// computed once per event and view (domain.ChangeEvent.Presented).
type eventView struct {
	payload model.JSON
	details model.ChangeEventDetails
}

// presentEvent returns the personal or redacted view of an event, shared by
// every subscriber that gets this view.
func presentEvent(ev *domain.ChangeEvent, personal bool) *eventView {
	return ev.Presented(personal, func() any {
		p := ev.RedactedPayload()
		if personal {
			p = ev.PersonalPayload()
		}
		return &eventView{payload: globalizeIDs(p), details: eventDetails(ev, p, personal)}
	}).(*eventView)
}

// eventDetails types a payload view by the kind of the changed object.
func eventDetails(ev *domain.ChangeEvent, p map[string]any, personal bool) model.ChangeEventDetails {
	full := ev.PersonalPayload()
	var subject *string
	if ev.SubjectID != nil {
		s := globalID(ev.SubjectType, *ev.SubjectID)
		subject = &s
	}
	or := func(a, b *string) *string {
		if a != nil {
			return a
		}
		return b
	}
	changes := func() []*model.FieldChange {
		return fieldChanges(submap(full, "before"), submap(full, "after"), submap(p, "before"), submap(p, "after"))
	}
	switch ev.SubjectType {
	case "User":
		u := eventUser(p)
		if u == nil && ev.SubjectID != nil {
			u = &model.ChangeEventUser{ID: *subject, Username: str(p, "username")}
		}
		c := &model.UserChange{User: u, Status: str(p, "status"), Version: integer(p, "version"), Changes: changes()}
		if c.Status == nil {
			c.Status = str(submap(p, "after"), "status")
		}
		return c
	case "Membership":
		return &model.MembershipChange{MembershipID: or(gid(p, "membershipId"), subject), User: eventUser(p)}
	case "RoleAssignment":
		return &model.RoleAssignmentChange{RoleAssignmentID: or(gid(p, "roleAssignmentId"), subject), User: eventUser(p),
			ProductID: gid(p, "productId"), RoleID: gid(p, "roleId"), PreviousRoleID: gid(p, "previousRoleId"), Status: str(p, "status")}
	case "Group":
		return &model.GroupChange{GroupID: deref(or(gid(p, "groupId"), subject)), ProductID: gid(p, "productId"), User: eventUser(p),
			Active: boolean(p, "active"), Version: integer(p, "version"), Changes: changes()}
	case "Tenant":
		c := &model.TenantChange{TenantID: deref(or(gid(p, "tenantId"), subject)), ParentID: gid(p, "parentId"),
			Version: integer(p, "version"), Changes: changes()}
		if len(c.Changes) == 0 {
			// Changes recorded by name only (e.g. a new legal representative).
			names, _ := full["fields"].([]any)
			if names == nil {
				if ss, ok := full["fields"].([]string); ok {
					for _, s := range ss {
						names = append(names, s)
					}
				}
			}
			for _, n := range names {
				if name, ok := n.(string); ok {
					personalField := domain.IsPersonalKey(name)
					c.Changes = append(c.Changes, &model.FieldChange{Field: name, Personal: personalField, Hidden: personalField && !personal})
				}
			}
		}
		return c
	case "ServiceAccount":
		c := &model.ServiceAccountChange{ServiceAccountID: deref(or(gid(p, "serviceAccountId"), subject)), Username: str(p, "username"),
			TokenID: gid(p, "tokenId")}
		if s := str(p, "expiresAt"); s != nil {
			if t, err := time.Parse(time.RFC3339Nano, *s); err == nil {
				c.ExpiresAt = &t
			}
		}
		return c
	case "Nomination":
		return &model.NominationChange{NominationID: deref(or(gid(p, "nominationId"), subject)), User: eventUser(p),
			ProductID: gid(p, "productId"), RoleID: gid(p, "roleId"), RoleAssignmentID: gid(p, "roleAssignmentId"), Status: str(p, "status")}
	}
	// Every subject type written today is above (a test emits each kind);
	// an unknown one still answers with its identifiers.
	return &model.TenantChange{TenantID: deref(or(gid(p, "tenantId"), subject)), Changes: []*model.FieldChange{}}
}
