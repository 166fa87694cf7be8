package db

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// SetupService bootstraps the first platform administrator through a
// one-time token, so that no default password ever exists.
type SetupService struct{ db *DB }

func NewSetupService(db *DB) *SetupService { return &SetupService{db: db} }

// SetupTokenTTL bounds how long a printed setup token stays usable.
const SetupTokenTTL = 24 * time.Hour

// NeedsSetup reports whether no platform administrator exists yet.
func (s *SetupService) NeedsSetup(ctx context.Context) (bool, error) {
	exists, err := platformAdminExists(ctx, s.db)
	return !exists, mapError(err)
}

// IssueSetupToken stores the hash of a new setup token, replacing unused
// older ones: only the token printed at the latest start works.
func (s *SetupService) IssueSetupToken(ctx context.Context, tokenHash []byte) error {
	return s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM setup_tokens WHERE used_at IS NULL"); err != nil {
			return mapError(err)
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO setup_tokens (token_hash, expires_at) VALUES (?, ?)",
			tokenHash, time.Now().Add(SetupTokenTTL))
		return mapError(err)
	})
}

// NewPlatformAdmin is what the first administrator chooses.
type NewPlatformAdmin struct {
	Username     string
	Email        string
	GivenName    string
	FamilyName   string
	PasswordHash string
}

// BootstrapPlatformAdmin consumes the setup token and creates the first
// platform administrator, atomically: a token works once, and only while
// no administrator exists.
func (s *SetupService) BootstrapPlatformAdmin(ctx context.Context, tokenHash []byte, in NewPlatformAdmin, audit domain.AuditContext) (*domain.User, error) {
	var user userModel
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Serialise concurrent attempts on the token row.
		var used *time.Time
		err := tx.NewRaw("SELECT used_at FROM setup_tokens WHERE token_hash = ? AND expires_at > now() FOR UPDATE",
			tokenHash).Scan(ctx, &used)
		if err != nil || used != nil {
			return &domain.Error{Code: domain.EFORBIDDEN, Field: "token", Reason: "INVALID_SETUP_TOKEN",
				Message: "The setup token is invalid, expired or already used."}
		}
		if exists, err := platformAdminExists(ctx, tx); err != nil {
			return err
		} else if exists {
			return &domain.Error{Code: domain.ECONFLICT, Reason: "ALREADY_SET_UP", Message: "A platform administrator already exists."}
		}
		user = userModel{Kind: string(domain.KindHuman), Username: in.Username, Email: nullable(in.Email),
			GivenName: in.GivenName, FamilyName: in.FamilyName, Language: "en", TimeZone: "UTC",
			Status: string(domain.UserActive), PlatformAdmin: true, Version: 1}
		if _, err := tx.NewInsert().Model(&user).Returning("*").Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO credentials (user_id, password_hash, password_changed_at) VALUES (?, ?, now())",
			user.ID, in.PasswordHash); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE setup_tokens SET used_at = now() WHERE token_hash = ?", tokenHash); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit, domain.AuditEvent{
			Action: "platform.bootstrap", TargetType: "User", TargetID: &user.ID,
			After: map[string]any{"username": user.Username, "platformAdmin": true},
		})
	})
	if err != nil {
		return nil, mapError(err)
	}
	return user.domain(), nil
}

func platformAdminExists(ctx context.Context, idb bun.IDB) (bool, error) {
	var exists bool
	err := idb.NewRaw("SELECT EXISTS (SELECT 1 FROM users WHERE platform_admin)").Scan(ctx, &exists)
	return exists, err
}
