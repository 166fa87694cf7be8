package app

import (
	"context"
	"errors"
	"time"

	"tenantadmin/auth"
	"tenantadmin/domain"
)

// MaxPasswordBytes bounds what is hashed: the policy's 256 code points in
// UTF-8 take at most 1024 bytes. Longer input is refused before any
// hashing (no denial of service through huge passwords).
const MaxPasswordBytes = 4 * domain.DefaultPasswordMaxLength

// CheckPasswordSize refuses a password too long to hash.
func CheckPasswordSize(field, password string) error {
	if len(password) > MaxPasswordBytes {
		return domain.FieldError(field, domain.ReasonPasswordTooLong, "A password has at most %d characters.", domain.DefaultPasswordMaxLength)
	}
	return nil
}

// CheckNewPassword applies the policy with the account's own words.
func CheckNewPassword(field, password string, words ...string) error {
	if err := CheckPasswordSize(field, password); err != nil {
		return err
	}
	if err := (domain.PasswordPolicy{}).Check(password, words...); err != nil {
		if e := domain.AsError(err); e != nil && field != "password" {
			e.Field = field
		}
		return err
	}
	return nil
}

// HashPassword hashes a new password in a slot of the hashing pool.
func (a *App) HashPassword(ctx context.Context, password string, p auth.Argon2Params) (string, error) {
	hash, err := a.Hashing.Hash(ctx, password, p)
	if err != nil {
		return "", a.HashingError(err)
	}
	return hash, nil
}

// HashingError turns a saturated hashing pool into RATE_LIMITED with the
// wait to retry after (issue 17.4); other errors pass unchanged.
func (a *App) HashingError(err error) error {
	if errors.Is(err, auth.ErrHashBusy) {
		wait := a.Hashing.RetryAfter()
		return &domain.Error{Code: domain.ERATELIMITED, RetryAfter: wait,
			Message: "The server is busy signing other people in. Try again in " + RoundUp(wait).String() + "."}
	}
	return err
}

// RoundUp rounds a wait up to the second, as answers tell it.
func RoundUp(d time.Duration) time.Duration { return (d + time.Second - 1).Truncate(time.Second) }
