package graph

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"tenantadmin/domain"
	"tenantadmin/events"
	"tenantadmin/graph/model"
)

// Change event cursors are base64url("ev:" + id), the same for every viewer
// (ids are the global order of events), sealed for clients like every
// cursor (cursors.go).

func eventCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("ev:" + strconv.FormatInt(id, 10)))
}

func decodeEventCursor(cursor string) (int64, error) {
	invalid := &domain.Error{Code: domain.EINVALID, Field: "after", Reason: "INVALID_CURSOR", Message: "The cursor is not valid."}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(cursor) > 64 {
		return 0, invalid
	}
	num, ok := strings.CutPrefix(string(b), "ev:")
	if !ok {
		return 0, invalid
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id < 0 {
		return 0, invalid
	}
	return id, nil
}

// subscriber is what a subscription knows of its viewer; only the
// subscription's own goroutine touches it.
type subscriber struct {
	viewer       *domain.Viewer
	personalData domain.Scope
}

// changes starts the change-event subscription of R28 for the viewer.
func (app *App) changes(ctx context.Context, tenantIDs []string, after *string) (<-chan *model.ChangeEvent, error) {
	if ev := oneEventFrom(ctx); ev != nil {
		// A shared execution for one event (fanout.go): the subscription
		// itself runs elsewhere and has checked everything.
		out := make(chan *model.ChangeEvent, 1)
		out <- ev
		close(out)
		return out, nil
	}
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return nil, err
	}
	if app.Events == nil {
		return nil, domain.Errorf(domain.EUNAVAILABLE, "Subscriptions are not available.")
	}
	// Scopes are computed fresh: a subscription outlives any request memo.
	readable, err := app.Authorizer.ReadableTenants(ctx, v)
	if err != nil {
		return nil, err
	}
	scope, explicit := readable, tenantIDs != nil
	if explicit {
		scope = domain.Scope{TenantIDs: []int64{}}
		for _, gid := range tenantIDs {
			id, err := decodeID("Tenant", gid, "tenantIds")
			if err != nil {
				return nil, err
			}
			if !readable.Contains(id) {
				return nil, domain.Errorf(domain.EFORBIDDEN, "You cannot see this tenant.")
			}
			scope.TenantIDs = append(scope.TenantIDs, id)
		}
	}
	var afterID *int64
	if after != nil {
		id, err := decodeEventCursor(*after)
		if err != nil {
			return nil, err
		}
		afterID = &id
	}
	pd, err := app.Authorizer.PersonalDataScope(ctx, v)
	if err != nil {
		return nil, err
	}
	sub := &subscriber{viewer: v, personalData: pd}
	out := make(chan *model.ChangeEvent, 1)
	deliver := func(dctx context.Context, ev *domain.ChangeEvent) error {
		select {
		case out <- sub.changeEvent(ev, sub.personal(ev)):
			return nil
		case <-dctx.Done():
			return dctx.Err()
		}
	}
	if share := sharedStreamFrom(ctx); share != nil {
		deliver = app.sharedDelivery(share, sub)
	}
	go func() {
		defer close(out)
		err := app.Events.Serve(ctx, events.Request{
			UserID:  v.UserID,
			Scope:   scope,
			After:   afterID,
			Deliver: deliver,
			Recheck: func(ctx context.Context, urgent bool) (domain.Scope, error) {
				a, err := app.recheckAccess(ctx, sub.viewer, urgent)
				if err != nil {
					return domain.Scope{}, err
				}
				// a.readable is ReadableTenants of the reloaded viewer, shared by
				// the person's subscriptions for one re-check period.
				if err := domain.SubscriptionCovered(a.readable, scope); err != nil {
					return domain.Scope{}, err
				}
				sub.viewer, sub.personalData = a.viewer, a.personalData
				if explicit {
					return scope, nil
				}
				return a.readable, nil // tenants created since are included
			},
			RecheckEvery: app.SubscriptionRecheck,
		})
		if err != nil && ctx.Err() == nil {
			endStream(ctx, presentError(ctx, app.Logger, err))
		}
	}()
	return out, nil
}

// sharedDelivery sends each event as the bytes shared by every subscriber
// with the same key (fanout.go), executing the selection only when this
// subscriber is the first to need them.
func (app *App) sharedDelivery(share *sharedStream, sub *subscriber) func(context.Context, *domain.ChangeEvent) error {
	return func(dctx context.Context, ev *domain.ChangeEvent) error {
		personal := sub.personal(ev)
		key := shareKey{event: ev.ID, doc: share.doc, personal: personal}
		v := sub.viewer // as re-checked last
		if !share.eventOnly {
			key.viewer = viewerFingerprint(v)
		}
		payload, err := share.cache.get(key, func() ([]byte, error) {
			return share.render(func(ctx context.Context) context.Context {
				// The subscriber's viewer as re-checked, with fresh loaders.
				return app.WithLoaders(WithViewer(ctx, v))
			}, sub.changeEvent(ev, personal))
		})
		if err != nil {
			return err
		}
		if !share.send(payload) {
			if dctx.Err() != nil {
				return dctx.Err()
			}
			return context.Canceled
		}
		return nil
	}
}

// access is a subscriber's reloaded viewer and scopes.
type access struct {
	viewer       *domain.Viewer
	readable     domain.Scope
	personalData domain.Scope
	at           time.Time
}

// accessCache shares reloaded viewers between the subscriptions of one
// person on this replica for one re-check period: a dashboard wall of many
// subscriptions costs one reload per person, not one per subscription.
type accessCache struct {
	mu    sync.Mutex
	users map[int64]access
	// Subscriptions of one person re-checking together share one reload.
	reloads singleflight.Group
}

// recheckAccess re-validates a subscriber: its session or token (always),
// then its account and grants, from the cache unless urgent (an event about
// the subscriber) or older than the re-check period.
func (app *App) recheckAccess(ctx context.Context, v *domain.Viewer, urgent bool) (access, error) {
	if err := app.credentialLive(ctx, v, urgent); err != nil {
		return access{}, err
	}
	c := &app.access
	c.mu.Lock()
	a, ok := c.users[v.UserID]
	c.mu.Unlock()
	if urgent || !ok || time.Since(a.at) >= app.SubscriptionRecheck {
		key := strconv.FormatInt(v.UserID, 10)
		if urgent {
			key += "!" // an urgent reload never joins one that started before the event
		}
		// Shared by several subscriptions: not bound to one of their contexts.
		res, err, _ := c.reloads.Do(key, func() (any, error) { return app.reloadAccess(context.WithoutCancel(ctx), v.UserID) })
		if err != nil {
			return access{}, err
		}
		a = res.(access)
	}
	// The cached viewer is shared: each subscription keeps its own
	// credential.
	own := *a.viewer
	own.SessionID, own.ServiceTokenID = v.SessionID, v.ServiceTokenID
	a.viewer = &own
	return a, nil
}

// reloadAccess reads a person's account and grants and caches the result.
func (app *App) reloadAccess(ctx context.Context, userID int64) (access, error) {
	nv, err := app.Users.LoadViewer(ctx, userID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return access{}, domain.Errorf(domain.EUNAUTHENTICATED, "Your account no longer exists.")
	} else if err != nil {
		return access{}, err
	}
	if err := domain.RequireViewer(nv); err != nil {
		return access{}, err
	}
	a := access{viewer: nv, at: time.Now()}
	if a.readable, err = app.Authorizer.ReadableTenants(ctx, nv); err != nil {
		return access{}, err
	}
	if a.personalData, err = app.Authorizer.PersonalDataScope(ctx, nv); err != nil {
		return access{}, err
	}
	c := &app.access
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.users == nil {
		c.users = map[int64]access{}
	}
	for id, old := range c.users { // forget stale entries as we go
		if time.Since(old.at) >= app.SubscriptionRecheck {
			delete(c.users, id)
		}
	}
	c.users[userID] = a
	return a, nil
}

// personal reports which of the event's two views this subscriber gets:
// personal data only within its personal-data scope (R12).
func (s *subscriber) personal(ev *domain.ChangeEvent) bool {
	var subjectUser int64
	if ev.SubjectType == "User" && ev.SubjectID != nil {
		subjectUser = *ev.SubjectID
	}
	var tenants []int64
	if ev.TenantID != nil {
		tenants = []int64{*ev.TenantID}
	}
	return domain.CanSeePersonalData(s.viewer, s.personalData, subjectUser, tenants)
}

// changeEvent maps an event for a subscriber getting the given view; each
// view is built once per event (presentEvent).
func (s *subscriber) changeEvent(ev *domain.ChangeEvent, personal bool) *model.ChangeEvent {
	m := &model.ChangeEvent{Event: ev, Cursor: eventCursor(ev.ID), Type: model.ChangeEventType(ev.Type),
		SubjectType: ev.SubjectType, OccurredAt: ev.OccurredAt, Payload: presentEvent(ev, personal).payload, Personal: personal}
	if ev.SubjectID != nil {
		gid := globalID(ev.SubjectType, *ev.SubjectID)
		m.SubjectID = &gid
	}
	return m
}

// auditEvents lists the audit trail inside the viewer's audit scope.
func (app *App) auditEvents(ctx context.Context, in *model.AuditEventFilter, orderBy *model.AuditEventOrder, first *int, after *string, last *int, before *string) (*model.AuditEventConnection, error) {
	page, err := pageArgs(first, after, last, before)
	if err != nil {
		return nil, err
	}
	scope, err := loadersFrom(ctx).AuditScope(ctx)
	if err != nil {
		return nil, err
	}
	f := domain.AuditFilter{Scope: scope, Order: orderBy.Domain()}
	if in != nil {
		if f.TenantID, err = decodeOptionalID("Tenant", in.TenantID, "tenantId"); err != nil {
			return nil, err
		}
		if f.TenantID != nil && !scope.Contains(*f.TenantID) {
			return nil, domain.Errorf(domain.EFORBIDDEN, "You cannot read the audit trail of this tenant.")
		}
		if f.ActorID, err = decodeOptionalID("User", in.ActorID, "actorId"); err != nil {
			return nil, err
		}
		if in.TargetID != nil {
			typ, id, err := parseGlobalID(*in.TargetID)
			if err != nil {
				return nil, domain.FieldError("targetId", "INVALID_ID", "Not a valid ID.")
			}
			f.TargetType, f.TargetID = &typ, &id
		}
		if f.AboutUserID, err = decodeOptionalID("User", in.AboutUserID, "aboutUserId"); err != nil {
			return nil, err
		}
		if in.Action != nil {
			if len(*in.Action) > 100 {
				return nil, domain.FieldError("action", "INVALID_ACTION", "An action is at most 100 characters.")
			}
			f.Action = in.Action
		}
		f.From, f.To = in.From, in.To
		if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
			return nil, domain.FieldError("from", "INVALID_TIME_RANGE", "from must be before to.")
		}
	}
	conn, err := app.Audit.FindAuditEvents(ctx, f, page)
	if err != nil {
		return nil, err
	}
	return model.NewAuditEventConnection(conn), nil
}

// auditEvent loads one audit event inside the viewer's audit scope; nil
// when it is outside.
func (app *App) auditEvent(ctx context.Context, id int64) (*domain.AuditEvent, error) {
	scope, err := loadersFrom(ctx).AuditScope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := app.Audit.AuditEventsByIDs(ctx, scope, []int64{id})
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return rows[0], nil
}

// auditPersonalData reports whether the viewer may read the personal data
// in an audit event (before/after values, IP, user agent): within its
// personal-data scope, or about itself (R12).
func auditPersonalData(ctx context.Context, ev *domain.AuditEvent) (bool, error) {
	l := loadersFrom(ctx)
	scope, err := l.PersonalData(ctx)
	if err != nil {
		return false, err
	}
	var target int64
	if ev.TargetType == "User" && ev.TargetID != nil {
		target = *ev.TargetID
	}
	var tenants []int64
	if ev.TenantID != nil {
		tenants = []int64{*ev.TenantID}
	}
	return domain.CanSeePersonalData(l.viewer, scope, target, tenants), nil
}

func auditState(ctx context.Context, ev *domain.AuditEvent, state map[string]any) (model.JSON, error) {
	if state == nil {
		return nil, nil
	}
	ok, err := auditPersonalData(ctx, ev)
	if err != nil {
		return nil, err
	}
	if !ok {
		return globalizeIDs(domain.RedactPersonal(state)), nil
	}
	return globalizeIDs(state), nil
}

// auditChanges lists the fields an audit event changed, values cut to
// what the viewer may read (R12), identifiers as global IDs.
func auditChanges(ctx context.Context, ev *domain.AuditEvent) ([]*model.FieldChange, error) {
	ok, err := auditPersonalData(ctx, ev)
	if err != nil {
		return nil, err
	}
	visBefore, visAfter := ev.Before, ev.After
	if !ok {
		visBefore, visAfter = domain.RedactPersonal(ev.Before), domain.RedactPersonal(ev.After)
	}
	return fieldChanges(ev.Before, ev.After, visBefore, visAfter), nil
}

func auditPersonalField(ctx context.Context, ev *domain.AuditEvent, value string) (*string, error) {
	ok, err := auditPersonalData(ctx, ev)
	if err != nil || !ok || value == "" {
		return nil, err
	}
	return &value, nil
}
