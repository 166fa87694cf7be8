package graph

import (
	"context"
	"strings"

	"tenantadmin/domain"
)

// Plain-language fields of audit events (issue 19.6): names instead of
// types and IDs, each respecting what the viewer may see (R12, R26).

// auditDocValue is a key of the event's after document, else of its before.
func auditDocValue(ev *domain.AuditEvent, key string) (any, bool) {
	if v, ok := ev.After[key]; ok && v != nil {
		return v, true
	}
	v, ok := ev.Before[key]
	return v, ok && v != nil
}

func auditDocString(ev *domain.AuditEvent, key string) string {
	v, _ := auditDocValue(ev, key)
	s, _ := v.(string)
	return s
}

// auditDocID is a numeric identifier of the event's documents (JSON numbers
// decode as float64).
func auditDocID(ev *domain.AuditEvent, key string) (int64, bool) {
	v, ok := auditDocValue(ev, key)
	if !ok {
		return 0, false
	}
	switch n := v.(type) {
	case float64:
		return int64(n), true
	case int64:
		return n, true
	case int:
		return int64(n), true
	}
	return 0, false
}

// personName is the user's given and family name when the viewer may read
// their personal data, else their username.
func personName(ctx context.Context, u *domain.User) (string, error) {
	ok, err := loadersFrom(ctx).CanSeePersonalData(ctx, u)
	if err != nil {
		return "", err
	}
	if ok {
		if name := strings.TrimSpace(u.GivenName + " " + u.FamilyName); name != "" {
			return name, nil
		}
	}
	return u.Username, nil
}

func auditActorName(ctx context.Context, ev *domain.AuditEvent) (string, error) {
	if ev.ActorID == nil {
		return ev.ActorLabel, nil
	}
	u, err := loadersFrom(ctx).User(ctx, *ev.ActorID)
	if err != nil || u == nil {
		return ev.ActorLabel, err
	}
	return personName(ctx, u)
}

func auditSubjectUser(ctx context.Context, ev *domain.AuditEvent) (*domain.User, error) {
	if ev.SubjectUserID == nil {
		return nil, nil
	}
	return loadersFrom(ctx).User(ctx, *ev.SubjectUserID)
}

func auditSubjectLabel(ctx context.Context, app *App, ev *domain.AuditEvent) (*string, error) {
	if ev.SubjectUserID != nil {
		u, err := auditSubjectUser(ctx, ev)
		if err != nil {
			return nil, err
		}
		if u != nil {
			name, err := personName(ctx, u)
			return &name, err
		}
		// Not visible any more (deleted: the documents hold the pseudonym,
		// or out of the directory): the username the documents recorded,
		// which is never hidden (R12).
		return optional(auditDocString(ev, "username")), nil
	}
	if ev.TargetID == nil {
		return nil, nil
	}
	switch ev.TargetType {
	case "Tenant":
		return auditTenantName(ctx, *ev.TargetID)
	case "Group":
		return auditGroupName(ctx, app, ev)
	}
	return nil, nil
}

func auditTenantName(ctx context.Context, id int64) (*string, error) {
	t, err := loadersFrom(ctx).Tenant(ctx, id)
	if err != nil || t == nil {
		return nil, err
	}
	return &t.Name, nil
}

// auditGroupName is the group's name: recorded in the event, else the
// group's current one.
func auditGroupName(ctx context.Context, app *App, ev *domain.AuditEvent) (*string, error) {
	if name := auditDocString(ev, "name"); name != "" && ev.TargetType == "Group" {
		return &name, nil
	}
	id, ok := auditDocID(ev, "groupId")
	if !ok && ev.TargetType == "Group" && ev.TargetID != nil {
		id, ok = *ev.TargetID, true
	}
	if !ok {
		return nil, nil
	}
	groups, err := app.Groups.GroupsByIDs(ctx, []int64{id})
	if err != nil || len(groups) == 0 {
		return nil, err
	}
	return &groups[0].Name, nil
}

func auditObjectLabel(ctx context.Context, app *App, ev *domain.AuditEvent) (*string, error) {
	if roleID, ok := auditDocID(ev, "roleId"); ok {
		cat, err := loadersFrom(ctx).Catalog(ctx)
		if err != nil {
			return nil, err
		}
		role := cat.roleByID[roleID]
		if role == nil {
			return nil, nil
		}
		label := role.Name
		if p := cat.productByID[role.ProductID]; p != nil {
			label = p.Name + ": " + role.Name
		}
		return &label, nil
	}
	switch {
	case ev.TargetType == "Group" && ev.SubjectUserID != nil:
		return auditGroupName(ctx, app, ev)
	case ev.TargetType == "Tenant" && ev.SubjectUserID != nil && ev.TargetID != nil:
		return auditTenantName(ctx, *ev.TargetID)
	}
	return nil, nil
}
