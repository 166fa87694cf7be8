package db

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// ServiceAccountService stores service accounts and their tokens (R27).
// Callers have checked authorization; every change writes its audit record
// and change event in the same transaction.
type ServiceAccountService struct{ db *DB }

func NewServiceAccountService(db *DB) *ServiceAccountService { return &ServiceAccountService{db: db} }

type serviceAccountRow struct {
	ID          int64     `bun:"id"`
	UID         string    `bun:"uid"`
	Username    string    `bun:"username"`
	Status      string    `bun:"status"`
	Description string    `bun:"description"`
	TenantID    int64     `bun:"tenant_id"`
	CreatedBy   *int64    `bun:"created_by"`
	CreatedAt   time.Time `bun:"created_at"`
	SortKey     *string   `bun:"sort_key"`
}

func (r *serviceAccountRow) domain() *domain.ServiceAccount {
	return &domain.ServiceAccount{ID: r.ID, UID: r.UID, Username: r.Username, Status: domain.UserStatus(r.Status),
		Description: r.Description, TenantID: r.TenantID, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
}

const serviceAccountColumns = `u.id, u.uid, u.username, u.status, sa.description, sa.tenant_id, sa.created_by, sa.created_at
	FROM service_accounts sa JOIN users u ON u.id = sa.user_id`

type tokenModel struct {
	bun.BaseModel `bun:"table:service_account_tokens,alias:sat"`

	ID               int64      `bun:"id,pk,autoincrement"`
	ServiceAccountID int64      `bun:"service_account_id"`
	Name             string     `bun:"name"`
	TokenHash        []byte     `bun:"token_hash"`
	Hint             string     `bun:"hint"`
	CreatedBy        *int64     `bun:"created_by"`
	CreatedAt        time.Time  `bun:"created_at,nullzero,default:now()"`
	ExpiresAt        time.Time  `bun:"expires_at"`
	LastUsedAt       *time.Time `bun:"last_used_at"`
	RevokedAt        *time.Time `bun:"revoked_at"`
	RotatedFromID    *int64     `bun:"rotated_from_id"`
	TenantID         int64      `bun:"tenant_id,scanonly"`
}

func (m *tokenModel) domain() *domain.ServiceAccountToken {
	return &domain.ServiceAccountToken{ID: m.ID, ServiceAccountID: m.ServiceAccountID, TenantID: m.TenantID,
		Name: m.Name, Hint: m.Hint, CreatedBy: m.CreatedBy, CreatedAt: m.CreatedAt.UTC(), ExpiresAt: m.ExpiresAt.UTC(),
		LastUsedAt: utcPtr(m.LastUsedAt), RevokedAt: utcPtr(m.RevokedAt), RotatedFrom: m.RotatedFromID}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// CreateServiceAccount creates the account's user (kind SERVICE, ACTIVE,
// homed in the tenant) with a membership of the tenant, so that roles are
// assigned to it like to a person's.
func (s *ServiceAccountService) CreateServiceAccount(ctx context.Context, n domain.NewServiceAccount, ac domain.AuditContext) (*domain.ServiceAccount, error) {
	var out *domain.ServiceAccount
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u := userModel{Kind: string(domain.KindService), Username: n.Username, Language: "en", TimeZone: "UTC",
			Status: string(domain.UserActive), HomeTenantID: &n.TenantID, Version: 1}
		if _, err := tx.NewInsert().Model(&u).Returning("*").Exec(ctx); err != nil {
			return err
		}
		var createdAt time.Time
		if err := tx.NewRaw(`INSERT INTO service_accounts (user_id, tenant_id, description, created_by)
			VALUES (?, ?, ?, ?) RETURNING created_at`, u.ID, n.TenantID, n.Description, ac.ActorID).Scan(ctx, &createdAt); err != nil {
			return err
		}
		var membershipID int64
		if err := tx.NewRaw("INSERT INTO memberships (tenant_id, user_id) VALUES (?, ?) RETURNING id",
			n.TenantID, u.ID).Scan(ctx, &membershipID); err != nil {
			return err
		}
		out = &domain.ServiceAccount{ID: u.ID, UID: u.UID, Username: u.Username, Description: n.Description,
			TenantID: n.TenantID, Status: domain.UserActive, CreatedBy: ac.ActorID, CreatedAt: createdAt.UTC()}
		after := map[string]any{"userId": u.ID, "uid": u.UID, "username": u.Username, "kind": u.Kind,
			"description": n.Description, "membershipId": membershipID}
		return RecordChange(ctx, tx, ac,
			domain.AuditEvent{TenantID: &n.TenantID, Action: "serviceAccount.create", TargetType: "User", TargetID: &u.ID, After: after},
			&Event{TenantID: &n.TenantID, Type: domain.EventServiceAccountCreated, SubjectType: "ServiceAccount", SubjectID: &u.ID,
				Payload: map[string]any{"userId": u.ID, "uid": u.UID, "username": u.Username, "kind": u.Kind, "status": u.Status}})
	})
	if err != nil {
		return nil, mapError(err)
	}
	return out, nil
}

// ServiceAccountByID returns a service account; the caller checks that the
// viewer may see its tenant.
func (s *ServiceAccountService) ServiceAccountByID(ctx context.Context, id int64) (*domain.ServiceAccount, error) {
	var row serviceAccountRow
	if err := s.db.NewRaw("SELECT "+serviceAccountColumns+" WHERE sa.user_id = ?", id).Scan(ctx, &row); err != nil {
		return nil, mapError(err)
	}
	return row.domain(), nil
}

// serviceAccountOrderColumns are the orders of a tenant's service
// accounts (migration 0014 has the CREATED_AT index; a tenant's accounts
// are few, USERNAME reads them from service_accounts_tenant_idx and sorts);
// USERNAME ascending is the default.
var serviceAccountOrderColumns = map[string]orderColumn{
	"USERNAME":   {"u.username", "text", false, false},
	"CREATED_AT": {"sa.created_at", "timestamptz", false, false},
}

// FindServiceAccounts lists the service accounts of one tenant in the
// order asked (by username by default), optionally in one account state.
func (s *ServiceAccountService) FindServiceAccounts(ctx context.Context, tenantID int64, status *domain.UserStatus, order domain.ListOrder, p domain.Page) (*domain.Connection[*domain.ServiceAccount], error) {
	k, err := newKeyset("serviceAccounts", serviceAccountOrderColumns, domain.ListOrder{Field: "USERNAME"}, order, "u.id")
	if err != nil {
		return nil, err
	}
	w, err := k.window(p)
	if err != nil {
		return nil, err
	}
	where, args := "sa.tenant_id = ?", []any{tenantID}
	if status != nil {
		where, args = where+" AND u.status = ?", append(args, string(*status))
	}
	countWhere, countArgs := where, slices.Clone(args)
	where, args = where+" AND "+w.where, append(args, w.args...)
	var rows []serviceAccountRow
	if err := s.db.NewRaw("SELECT "+k.sortKey()+" AS sort_key, "+serviceAccountColumns+" WHERE "+where+" ORDER BY "+k.orderBy(w.up)+" LIMIT ?",
		append(args, w.limit)...).Scan(ctx, &rows); err != nil {
		return nil, mapError(err)
	}
	rows, hasNext, hasPrev := trimPage(rows, w.limit, w.backward, p)
	conn := &domain.Connection[*domain.ServiceAccount]{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	for i := range rows {
		conn.Nodes = append(conn.Nodes, rows[i].domain())
		conn.Cursors = append(conn.Cursors, k.cursor(rows[i].SortKey, rows[i].ID))
	}
	conn.Count = func(ctx context.Context) (int, error) {
		var n int
		err := s.db.NewRaw("SELECT count(*) FROM service_accounts sa JOIN users u ON u.id = sa.user_id WHERE "+countWhere, countArgs...).Scan(ctx, &n)
		return n, mapError(err)
	}
	return conn, nil
}

func (s *ServiceAccountService) tokenQuery(idb bun.IDB, rows any) *bun.SelectQuery {
	return idb.NewSelect().Model(rows).ColumnExpr("sat.*").ColumnExpr("sa.tenant_id").
		Join("JOIN service_accounts sa ON sa.user_id = sat.service_account_id")
}

// TokensByServiceAccountIDs returns the tokens' metadata, newest first, of
// the service accounts of tenants in scope (the viewer's user directory).
func (s *ServiceAccountService) TokensByServiceAccountIDs(ctx context.Context, scope domain.Scope, ids []int64) ([]*domain.ServiceAccountToken, error) {
	var rows []tokenModel
	q := s.tokenQuery(s.db, &rows).Where("sat.service_account_id IN (?)", bun.List(ids))
	inScope(q, "sa.tenant_id", scope)
	if err := q.Order("sat.id DESC").Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	out := make([]*domain.ServiceAccountToken, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// TokenByID returns one token's metadata; the caller checks authorization
// on its TenantID.
func (s *ServiceAccountService) TokenByID(ctx context.Context, id int64) (*domain.ServiceAccountToken, error) {
	var row tokenModel
	if err := s.tokenQuery(s.db, &row).Where("sat.id = ?", id).Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	return row.domain(), nil
}

// lockAndAuthorize locks the service account's user row (the lock role
// changes take first) and asks authorize with every role the account
// holds: a token acts with all of them (issue 13, item 6).
func lockAndAuthorize(ctx context.Context, tx bun.Tx, serviceAccountID int64, authorize func(domain.TargetUser) error) error {
	u, err := lockUser(ctx, tx, serviceAccountID)
	if err != nil {
		return err
	}
	return authorizeTarget(ctx, tx, u, authorize)
}

// CreateToken stores the hash of a new token of the service account;
// authorize decides under the account's lock.
func (s *ServiceAccountService) CreateToken(ctx context.Context, req domain.NewTokenRequest, hash []byte, hint string, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.ServiceAccountToken, error) {
	var out *domain.ServiceAccountToken
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := lockAndAuthorize(ctx, tx, req.ServiceAccountID, authorize); err != nil {
			return err
		}
		tenantID, err := s.lockAccount(ctx, tx, req.ServiceAccountID, true)
		if err != nil {
			return err
		}
		m := tokenModel{ServiceAccountID: req.ServiceAccountID, Name: req.Name, TokenHash: hash, Hint: hint,
			CreatedBy: ac.ActorID, ExpiresAt: *req.ExpiresAt, TenantID: tenantID}
		if err := s.insertToken(ctx, tx, &m); err != nil {
			return err
		}
		out = m.domain()
		return recordTokenChange(ctx, tx, ac, "serviceAccountToken.create", domain.EventServiceAccountTokenCreated, out, nil)
	})
	if err != nil {
		return nil, mapError(err)
	}
	return out, nil
}

// lockAccount serialises token changes of one service account, checks the
// live-token limit when asked, and returns the account's tenant.
func (s *ServiceAccountService) lockAccount(ctx context.Context, tx bun.Tx, id int64, checkLimit bool) (int64, error) {
	var tenantID int64
	if err := tx.NewRaw("SELECT tenant_id FROM service_accounts WHERE user_id = ? FOR UPDATE", id).Scan(ctx, &tenantID); err != nil {
		return 0, err
	}
	if !checkLimit {
		return tenantID, nil
	}
	var live int
	if err := tx.NewRaw(`SELECT count(*) FROM service_account_tokens
		WHERE service_account_id = ? AND revoked_at IS NULL AND expires_at > now()`, id).Scan(ctx, &live); err != nil {
		return 0, err
	}
	if live >= domain.MaxActiveTokens {
		return 0, &domain.Error{Code: domain.ECONFLICT, Field: "serviceAccountId", Reason: "TOO_MANY_TOKENS",
			Message: "This service account already has the maximum number of live tokens; revoke one first."}
	}
	return tenantID, nil
}

func (s *ServiceAccountService) insertToken(ctx context.Context, tx bun.Tx, m *tokenModel) error {
	_, err := tx.NewInsert().Model(m).Returning("id, created_at").Exec(ctx)
	return err
}

func recordTokenChange(ctx context.Context, tx bun.Tx, ac domain.AuditContext, action, eventType string, t *domain.ServiceAccountToken, extra map[string]any) error {
	after := map[string]any{"tokenId": t.ID, "serviceAccountId": t.ServiceAccountID, "userId": t.ServiceAccountID,
		"name": t.Name, "hint": t.Hint, "expiresAt": t.ExpiresAt}
	if t.RevokedAt != nil {
		after["revokedAt"] = *t.RevokedAt
	}
	for k, v := range extra {
		after[k] = v
	}
	return RecordChange(ctx, tx, ac,
		domain.AuditEvent{TenantID: &t.TenantID, Action: action, TargetType: "ServiceAccountToken", TargetID: &t.ID, After: after},
		&Event{TenantID: &t.TenantID, Type: eventType, SubjectType: "ServiceAccount", SubjectID: &t.ServiceAccountID,
			Payload: map[string]any{"tokenId": t.ID, "serviceAccountId": t.ServiceAccountID, "userId": t.ServiceAccountID, "expiresAt": t.ExpiresAt}})
}

// RotateToken issues a new token in place of a live one, with the same
// name and lifetime (capped), and lets the old one work for overlap more
// (never longer than it would have), or revokes it at once when overlap is
// zero. It returns the new token and the old one as changed.
func (s *ServiceAccountService) RotateToken(ctx context.Context, tokenID int64, overlap time.Duration, hash []byte, hint string, authorize func(domain.TargetUser) error, ac domain.AuditContext) (newTok, oldTok *domain.ServiceAccountToken, err error) {
	err = s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.lockTokenAccount(ctx, tx, tokenID, authorize); err != nil {
			return err
		}
		var old tokenModel
		if err := s.tokenQuery(tx, &old).Where("sat.id = ?", tokenID).For("UPDATE OF sat").Scan(ctx); err != nil {
			return err
		}
		now := time.Now()
		if old.domain().Status(now) != domain.TokenActive {
			return &domain.Error{Code: domain.ECONFLICT, Field: "tokenId", Reason: "TOKEN_NOT_ACTIVE",
				Message: "Only a live token can be rotated; create a new one instead."}
		}
		// The old token lives on for the overlap: rotation is allowed at the
		// live-token limit.
		if _, err := s.lockAccount(ctx, tx, old.ServiceAccountID, false); err != nil {
			return err
		}
		lifetime := min(max(old.ExpiresAt.Sub(old.CreatedAt), time.Hour), domain.MaxTokenLifetime)
		m := tokenModel{ServiceAccountID: old.ServiceAccountID, Name: old.Name, TokenHash: hash, Hint: hint,
			CreatedBy: ac.ActorID, ExpiresAt: now.Add(lifetime), RotatedFromID: &old.ID, TenantID: old.TenantID}
		if err := s.insertToken(ctx, tx, &m); err != nil {
			return err
		}
		if overlap <= 0 {
			if err := tx.NewRaw("UPDATE service_account_tokens SET revoked_at = now() WHERE id = ? RETURNING revoked_at",
				old.ID).Scan(ctx, &old.RevokedAt); err != nil {
				return err
			}
		} else if end := now.Add(overlap); end.Before(old.ExpiresAt) {
			if err := tx.NewRaw("UPDATE service_account_tokens SET expires_at = ? WHERE id = ? RETURNING expires_at",
				end, old.ID).Scan(ctx, &old.ExpiresAt); err != nil {
				return err
			}
		}
		newTok, oldTok = m.domain(), old.domain()
		return recordTokenChange(ctx, tx, ac, "serviceAccountToken.rotate", domain.EventServiceAccountTokenCreated, newTok,
			map[string]any{"rotatedFromId": old.ID, "oldExpiresAt": oldTok.ExpiresAt, "oldRevoked": oldTok.RevokedAt != nil})
	})
	if err != nil {
		return nil, nil, mapError(err)
	}
	return newTok, oldTok, nil
}

// lockTokenAccount locks and authorizes the service account a token
// belongs to (lockAndAuthorize).
func (s *ServiceAccountService) lockTokenAccount(ctx context.Context, tx bun.Tx, tokenID int64, authorize func(domain.TargetUser) error) error {
	var accountID int64
	if err := tx.NewRaw("SELECT service_account_id FROM service_account_tokens WHERE id = ?", tokenID).Scan(ctx, &accountID); err != nil {
		return err
	}
	return lockAndAuthorize(ctx, tx, accountID, authorize)
}

// RevokeToken ends a token at once; authorize decides under the account's
// lock.
func (s *ServiceAccountService) RevokeToken(ctx context.Context, tokenID int64, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.ServiceAccountToken, error) {
	var out *domain.ServiceAccountToken
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.lockTokenAccount(ctx, tx, tokenID, authorize); err != nil {
			return err
		}
		var t tokenModel
		if err := s.tokenQuery(tx, &t).Where("sat.id = ?", tokenID).For("UPDATE OF sat").Scan(ctx); err != nil {
			return err
		}
		if t.RevokedAt != nil {
			return &domain.Error{Code: domain.ECONFLICT, Field: "tokenId", Reason: "TOKEN_ALREADY_REVOKED",
				Message: "This token is already revoked."}
		}
		if err := tx.NewRaw("UPDATE service_account_tokens SET revoked_at = now() WHERE id = ? RETURNING revoked_at",
			t.ID).Scan(ctx, &t.RevokedAt); err != nil {
			return err
		}
		out = t.domain()
		return recordTokenChange(ctx, tx, ac, "serviceAccountToken.revoke", domain.EventServiceAccountTokenRevoked, out, nil)
	})
	if err != nil {
		return nil, mapError(err)
	}
	return out, nil
}

// AuthenticateToken finds the live token with this hash and returns its id
// and service account (user) id; ENOTFOUND for unknown, revoked or expired
// tokens. It records the last-used time at most once a minute per token.
func (s *ServiceAccountService) AuthenticateToken(ctx context.Context, hash []byte) (tokenID, userID int64, err error) {
	var row struct {
		ID               int64      `bun:"id"`
		ServiceAccountID int64      `bun:"service_account_id"`
		LastUsedAt       *time.Time `bun:"last_used_at"`
		Stale            bool       `bun:"stale"`
	}
	err = s.db.NewRaw(`SELECT id, service_account_id, last_used_at,
			(last_used_at IS NULL OR last_used_at < now() - ? * interval '1 second') AS stale
		FROM service_account_tokens
		WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > now()`,
		domain.TokenLastUsedResolution.Seconds(), hash).Scan(ctx, &row)
	if err != nil {
		return 0, 0, mapError(err)
	}
	if row.Stale {
		// The condition is repeated so that concurrent requests write once.
		if _, err := s.db.NewRaw(`UPDATE service_account_tokens SET last_used_at = now()
			WHERE id = ? AND (last_used_at IS NULL OR last_used_at < now() - ? * interval '1 second')`,
			row.ID, domain.TokenLastUsedResolution.Seconds()).Exec(ctx); err != nil {
			return 0, 0, mapError(err)
		}
	}
	return row.ID, row.ServiceAccountID, nil
}

// TokenLive reports whether a token still authenticates (subscriptions
// re-check it).
func (s *ServiceAccountService) TokenLive(ctx context.Context, tokenID int64) (bool, error) {
	var live bool
	err := s.db.NewRaw(`SELECT EXISTS (SELECT 1 FROM service_account_tokens
		WHERE id = ? AND revoked_at IS NULL AND expires_at > now())`, tokenID).Scan(ctx, &live)
	return live, mapError(err)
}
