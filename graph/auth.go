package graph

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	usecase "tenantadmin/app"
	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// Sign-in and credential flows (R14–R19). Resolvers call these; storage is
// one transaction per call in db.CredentialService.

const (
	// maxIdentifierLength bounds usernames and addresses typed at sign-in.
	maxIdentifierLength = domain.MaxEmailLength
	// maxPasswordBytes bounds what is hashed: the policy's 256 code points
	// in UTF-8 take at most 1024 bytes. Longer input is refused before any
	// hashing (no denial of service through huge passwords).
	maxPasswordBytes = 4 * domain.DefaultPasswordMaxLength
	totpIssuer       = "Tenant admin"
)

var errInvalidCredentials = &domain.Error{Code: domain.EINVALID, Reason: domain.ReasonInvalidCredentials,
	Message: "Wrong username or password."}

// RequestInfoFrom is where the request of ctx comes from (zero when unknown).
func RequestInfoFrom(ctx context.Context) RequestInfo { return usecase.RequestInfoFrom(ctx) }

// limit applies one rate and turns a refusal into RATE_LIMITED. An empty
// subject is an error (auth.NewLimitKey), never a bucket shared by all.
func (app *App) limit(ctx context.Context, kind, subject string, r auth.Rate) error {
	key, err := auth.NewLimitKey(kind, subject)
	if err != nil {
		return err
	}
	wait, err := app.RateLimiter.Allow(ctx, key, r)
	if err != nil {
		return err
	}
	if wait > 0 {
		return &domain.Error{Code: domain.ERATELIMITED, RetryAfter: wait,
			Message: "Too many attempts. Try again in " + roundUp(wait).String() + "."}
	}
	return nil
}

// hashPassword hashes a new password in a slot of the hashing pool.
func (app *App) hashPassword(ctx context.Context, password string, p auth.Argon2Params) (string, error) {
	hash, err := app.Hashing.Hash(ctx, password, p)
	if err != nil {
		return "", app.hashingError(err)
	}
	return hash, nil
}

// hashingError turns a saturated hashing pool into RATE_LIMITED with the
// wait to retry after (issue 17.4); other errors pass unchanged.
func (app *App) hashingError(err error) error {
	if errors.Is(err, auth.ErrHashBusy) {
		wait := app.Hashing.RetryAfter()
		return &domain.Error{Code: domain.ERATELIMITED, RetryAfter: wait,
			Message: "The server is busy signing other people in. Try again in " + roundUp(wait).String() + "."}
	}
	return err
}

func roundUp(d time.Duration) time.Duration { return (d + time.Second - 1).Truncate(time.Second) }

// limitLogin counts one sign-in or recovery attempt per client IP
// (RATE_LOGIN_IP) and per account (RATE_LOGIN_ACCOUNT), and returns the
// accounts the identifier names (at most maxAccounts), looked up once for the
// caller. The bucket is the account's, not the typed spelling's: its
// username and its email address, in any letter case and with surrounding
// spaces, count together. An identifier that names no account counts under
// its normalised spelling, so an unknown name is limited exactly like a
// known one and the limit does not tell which exist. The IP is counted
// before the lookup, so a flood from one address never reaches PostgreSQL.
func (app *App) limitLogin(ctx context.Context, identifier string, maxAccounts int) ([]*db.LoginAccount, error) {
	if err := app.limit(ctx, "login-ip", RequestInfoFrom(ctx).IP, app.LoginRates.PerIP); err != nil {
		return nil, err
	}
	identifier = strings.TrimSpace(identifier)
	if identifier == "" {
		return nil, nil
	}
	var accounts []*db.LoginAccount
	if len(identifier) <= maxIdentifierLength {
		var err error
		if accounts, err = app.Credentials.FindLoginAccounts(ctx, identifier, maxAccounts); err != nil {
			return nil, err
		}
	}
	if len(accounts) == 0 {
		return nil, app.limit(ctx, "login-account", loginNameSubject(identifier), app.LoginRates.PerAccount)
	}
	// An address several accounts share counts against each of them.
	for _, a := range accounts {
		if err := app.limit(ctx, "login-account", loginAccountSubject(a.UserID), app.LoginRates.PerAccount); err != nil {
			return nil, err
		}
	}
	return accounts, nil
}

// loginAccountSubject is the sign-in bucket of a known account.
func loginAccountSubject(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

// loginNameSubject is the sign-in bucket of an identifier that names no
// account: its spelling without surrounding spaces, in lower case.
func loginNameSubject(identifier string) string {
	return "name:" + strings.ToLower(strings.TrimSpace(identifier))
}

func checkPasswordSize(field, password string) error {
	if len(password) > maxPasswordBytes {
		return domain.FieldError(field, domain.ReasonPasswordTooLong, "A password has at most %d characters.", domain.DefaultPasswordMaxLength)
	}
	return nil
}

// checkNewPassword applies the policy with the account's own words.
func checkNewPassword(field, password string, words ...string) error {
	if err := checkPasswordSize(field, password); err != nil {
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

// verified is an account whose password (and second factor) checked out.
type verified struct {
	account *db.LoginAccount
	// changeRequired is PASSWORD_EXPIRED or PASSWORD_CHANGE_REQUIRED, or "".
	changeRequired string
}

// verifyLogin checks a sign-in attempt and records failures (R16, R23).
// Unknown accounts cost one dummy hash, like known ones, and answer the
// same INVALID_CREDENTIALS. The second factor is checked only when
// checkTOTP is set (not for an attempt that must change its password first
// and will present a code then).
func (app *App) verifyLogin(ctx context.Context, identifier, password, totpCode string) (v *verified, err error) {
	if err := checkPasswordSize("password", password); err != nil {
		return nil, err
	}
	start := time.Now()
	defer func() {
		if err == errInvalidCredentials {
			if wait := app.FailedLoginMinDuration - time.Since(start); wait > 0 {
				time.Sleep(wait)
			}
		}
	}()
	accounts, err := app.limitLogin(ctx, identifier, 2)
	if err != nil {
		return nil, err
	}
	var acct *db.LoginAccount
	if len(accounts) == 1 && accounts[0].Kind == string(domain.KindHuman) {
		acct = accounts[0]
	}
	hash := ""
	if acct != nil {
		hash = acct.PasswordHash
	}
	ok, err := app.Hashing.VerifyOrDummy(ctx, hash, password)
	if err != nil {
		return nil, app.hashingError(err)
	}
	if !ok {
		if acct != nil {
			if err := app.recordFailure(ctx, acct, domain.ReasonInvalidCredentials); err != nil {
				return nil, err
			}
		}
		return nil, errInvalidCredentials
	}
	switch domain.UserStatus(acct.Status) {
	case domain.UserLocked:
		return nil, &domain.Error{Code: domain.EINVALID, Reason: domain.ReasonAccountLocked,
			Message: "This account is locked after too many wrong passwords. Use \"Forgot password\" to get a link that resets the password and reactivates the account, or ask your administrator."}
	case domain.UserSuspended:
		return nil, &domain.Error{Code: domain.EINVALID, Reason: domain.ReasonAccountSuspended,
			Message: "This account is suspended. Ask your administrator."}
	case domain.UserActive:
	default:
		return nil, errInvalidCredentials
	}
	v = &verified{account: acct}
	if acct.MustChangePassword {
		v.changeRequired = domain.ReasonPasswordChangeRequired
	} else if domain.PasswordExpired(acct.PasswordChangedAt, acct.MaxAgeDays, time.Now()) {
		v.changeRequired = domain.ReasonPasswordExpired
	}
	return v, nil
}

// checkSecondFactor verifies the TOTP code of an enrolled account and
// consumes its time step; it also restarts the failure count.
func (app *App) checkSecondFactor(ctx context.Context, acct *db.LoginAccount, code string) error {
	var step int64
	if acct.TOTPSecret != "" {
		code = strings.TrimSpace(code)
		if code == "" {
			return &domain.Error{Code: domain.EINVALID, Field: "totpCode", Reason: domain.ReasonTOTPRequired,
				Message: "Enter the 6-digit code of your authenticator app."}
		}
		var ok bool
		step, ok = auth.ValidateTOTP(acct.TOTPSecret, code, time.Now())
		if ok {
			if fresh, err := app.Credentials.UseTOTPStep(ctx, acct.UserID, step); err != nil {
				return err
			} else if !fresh {
				ok = false // a replayed code
			}
		}
		if !ok {
			if err := app.recordFailure(ctx, acct, domain.ReasonTOTPInvalid); err != nil {
				return err
			}
			return &domain.Error{Code: domain.EINVALID, Field: "totpCode", Reason: domain.ReasonTOTPInvalid,
				Message: "The code is wrong or was already used. Enter the current code of your authenticator app."}
		}
		return nil
	}
	_, err := app.Credentials.UseTOTPStep(ctx, acct.UserID, 0)
	return err
}

func (app *App) recordFailure(ctx context.Context, acct *db.LoginAccount, reason string) error {
	info := RequestInfoFrom(ctx)
	os, browser := domain.ParseUserAgent(info.UserAgent)
	locked, err := app.Credentials.RecordFailedLogin(ctx, db.FailedAttempt{UserID: acct.UserID, Reason: reason,
		IP: info.IP, UserAgent: info.UserAgent, OperatingSystem: os, Browser: browser}, auditContext(ctx))
	if err != nil {
		return err
	}
	if locked {
		return app.RevokeAllSessions(ctx, acct.UserID)
	}
	return nil
}

// startSession creates the session of a successful sign-in: cookies for the
// SPA, or a bearer token in the payload when the client asked for one.
func (app *App) startSession(ctx context.Context, acct *db.LoginAccount, kind *model.TokenKind) (*model.LoginPayload, error) {
	info := RequestInfoFrom(ctx)
	bearer := kind != nil && *kind == model.TokenKindBearer
	var cookies SessionCookies
	sessionKind := auth.KindBearer
	if !bearer {
		if cookies = sessionCookiesFrom(ctx); cookies == nil {
			return nil, domain.FieldError("tokenKind", "COOKIES_UNAVAILABLE", "Cookie sessions start over HTTP POST; ask for tokenKind BEARER here.")
		}
		sessionKind = auth.KindCookie
	}
	if prev := ViewerFrom(ctx); !bearer && prev != nil && prev.SessionID != "" {
		// A new cookie session replaces the one the browser held.
		if _, err := app.Sessions.RevokeOwned(ctx, prev.UserID, prev.SessionID); err != nil {
			return nil, err
		}
	}
	token, sess, err := app.Sessions.Create(ctx, acct.UserID, sessionKind, info.IP, info.UserAgent)
	if err != nil {
		return nil, err
	}
	viewer, err := app.Users.LoadViewer(ctx, acct.UserID)
	if err != nil {
		return nil, err
	}
	viewer.SessionID = sess.ID
	loadersFrom(ctx).signedIn(viewer)
	out := &model.LoginPayload{Viewer: viewer, ExpiresAt: &sess.ExpiresAt, TotpEnrollmentRequired: acct.TOTPEnrollmentRequired,
		UserErrors: []*model.UserError{}}
	if bearer {
		out.Token = &token
	} else {
		cookies.Set(token, sess.CSRF, sess.ExpiresAt)
	}
	return out, nil
}

// Login signs in (R15).
func (app *App) Login(ctx context.Context, in model.LoginInput) (*model.LoginPayload, error) {
	v, err := app.verifyLogin(ctx, in.Username, in.Password, deref(in.TotpCode))
	if err != nil {
		return nil, err
	}
	if v.changeRequired == domain.ReasonPasswordExpired {
		return nil, &domain.Error{Code: domain.EINVALID, Field: "password", Reason: domain.ReasonPasswordExpired,
			Message: "Your password has expired. Choose a new one to sign in."}
	}
	if v.changeRequired == domain.ReasonPasswordChangeRequired {
		return nil, &domain.Error{Code: domain.EINVALID, Field: "password", Reason: domain.ReasonPasswordChangeRequired,
			Message: "You must choose a new password to sign in."}
	}
	if err := app.checkSecondFactor(ctx, v.account, deref(in.TotpCode)); err != nil {
		return nil, err
	}
	return app.startSession(ctx, v.account, in.TokenKind)
}

// ChangeExpiredPassword sets a new password when sign-in requires one,
// proving the old one, and signs in.
func (app *App) ChangeExpiredPassword(ctx context.Context, in model.ChangeExpiredPasswordInput) (*model.LoginPayload, error) {
	v, err := app.verifyLogin(ctx, in.Username, in.OldPassword, deref(in.TotpCode))
	if err != nil {
		if e := domain.AsError(err); e != nil && e.Field == "password" {
			e.Field = "oldPassword"
		}
		return nil, err
	}
	a := v.account
	if err := checkNewPassword("newPassword", in.NewPassword, a.Username, a.Email, a.GivenName, a.FamilyName); err != nil {
		return nil, err
	}
	if in.NewPassword == in.OldPassword {
		return nil, domain.FieldError("newPassword", "PASSWORD_REUSED", "Choose a password different from the old one.")
	}
	if err := app.checkSecondFactor(ctx, a, deref(in.TotpCode)); err != nil {
		return nil, err
	}
	hash, err := app.hashPassword(ctx, in.NewPassword, auth.DefaultArgon2)
	if err != nil {
		return nil, err
	}
	ac := auditContext(ctx)
	ac.ActorID, ac.ActorLabel = &a.UserID, a.Username
	if err := app.Credentials.SetPassword(ctx, a.UserID, hash, "user.password_changed", ac); err != nil {
		return nil, err
	}
	if err := app.RevokeAllSessions(ctx, a.UserID); err != nil {
		return nil, err
	}
	return app.startSession(ctx, a, in.TokenKind)
}

// ChangePassword changes the signed-in user's password and signs out their
// other sessions.
func (app *App) ChangePassword(ctx context.Context, in model.ChangePasswordInput) (*domain.User, error) {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return nil, err
	}
	if err := checkPasswordSize("currentPassword", in.CurrentPassword); err != nil {
		return nil, err
	}
	if err := app.limit(ctx, "login-account", loginAccountSubject(v.UserID), app.LoginRates.PerAccount); err != nil {
		return nil, err
	}
	a, err := app.Credentials.LoginAccountByID(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	ok, err := app.Hashing.VerifyOrDummy(ctx, a.PasswordHash, in.CurrentPassword)
	if err != nil {
		return nil, app.hashingError(err)
	}
	if !ok {
		if err := app.recordFailure(ctx, a, domain.ReasonInvalidCredentials); err != nil {
			return nil, err
		}
		return nil, domain.FieldError("currentPassword", domain.ReasonInvalidCredentials, "The current password is wrong.")
	}
	if err := checkNewPassword("newPassword", in.NewPassword, a.Username, a.Email, a.GivenName, a.FamilyName); err != nil {
		return nil, err
	}
	if in.NewPassword == in.CurrentPassword {
		return nil, domain.FieldError("newPassword", "PASSWORD_REUSED", "Choose a password different from the current one.")
	}
	hash, err := app.hashPassword(ctx, in.NewPassword, auth.DefaultArgon2)
	if err != nil {
		return nil, err
	}
	if err := app.Credentials.SetPassword(ctx, v.UserID, hash, "user.password_changed", auditContext(ctx)); err != nil {
		return nil, err
	}
	if _, err := app.Sessions.RevokeOthers(ctx, v.UserID, v.SessionID); err != nil {
		return nil, err
	}
	return loadersFrom(ctx).User(ctx, v.UserID)
}

// Logout ends the current session.
func (app *App) Logout(ctx context.Context) (bool, error) {
	if c := sessionCookiesFrom(ctx); c != nil {
		c.Clear()
	}
	v := ViewerFrom(ctx)
	if v == nil || v.SessionID == "" {
		return false, nil
	}
	return app.Sessions.RevokeOwned(ctx, v.UserID, v.SessionID)
}

// MySessions lists the viewer's sessions, newest first.
func (app *App) MySessions(ctx context.Context) ([]*model.Session, error) {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return nil, err
	}
	list, err := app.Sessions.List(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(list, func(a, b *auth.Session) int { return b.CreatedAt.Compare(a.CreatedAt) })
	out := make([]*model.Session, 0, len(list))
	for _, s := range list {
		os, browser := domain.ParseUserAgent(s.UserAgent)
		kind := model.TokenKindBearer
		if s.Kind == auth.KindCookie {
			kind = model.TokenKindCookie
		}
		out = append(out, &model.Session{ID: keyedGlobalID("Session", s.ID), Kind: kind, Current: s.ID == v.SessionID, CreatedAt: s.CreatedAt,
			LastSeenAt: s.LastSeen, ExpiresAt: s.ExpiresAt, IP: s.IP, UserAgent: s.UserAgent, OperatingSystem: os, Browser: browser})
	}
	return out, nil
}

// RevokeSession ends one of the viewer's sessions.
func (app *App) RevokeSession(ctx context.Context, gid string) error {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return err
	}
	notFound := &domain.Error{Code: domain.ENOTFOUND, Field: "sessionId", Reason: "SESSION_NOT_FOUND", Message: "You have no such session."}
	id, valid := parseKeyedGlobalID("Session", gid)
	if !valid {
		return notFound
	}
	ok, err := app.Sessions.RevokeOwned(ctx, v.UserID, id)
	if err != nil {
		return err
	}
	if !ok {
		return notFound
	}
	if id == v.SessionID {
		if c := sessionCookiesFrom(ctx); c != nil {
			c.Clear()
		}
	}
	return nil
}

// RevokeOtherSessions ends every session of the viewer but the current one.
func (app *App) RevokeOtherSessions(ctx context.Context) (int, error) {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return 0, err
	}
	return app.Sessions.RevokeOthers(ctx, v.UserID, v.SessionID)
}

func validToken(token string) bool { return token != "" && len(token) <= domain.MaxTokenLength }

// InvitationStatus tells the invitation page what a link is worth.
func (app *App) InvitationStatus(ctx context.Context, token string) (*model.InvitationStatus, error) {
	if err := app.limit(ctx, "token-ip", RequestInfoFrom(ctx).IP, app.LoginRates.PerIP); err != nil {
		return nil, err
	}
	if !validToken(token) {
		return &model.InvitationStatus{State: model.InvitationStateInvalid}, nil
	}
	info, err := app.Credentials.InvitationInfo(ctx, auth.HashToken(token))
	if err != nil {
		return nil, err
	}
	out := &model.InvitationStatus{State: model.InvitationState(info.State)}
	if info.State != db.TokenInvalid {
		out.Username, out.ExpiresAt = &info.Username, &info.ExpiresAt
	}
	return out, nil
}

// AcceptInvitation sets the invited user's password and activates them.
func (app *App) AcceptInvitation(ctx context.Context, in model.AcceptInvitationInput) (string, error) {
	if err := app.limit(ctx, "token-ip", RequestInfoFrom(ctx).IP, app.LoginRates.PerIP); err != nil {
		return "", err
	}
	if !validToken(in.Token) {
		return "", db.InvitationError(db.TokenInvalid)
	}
	hashToken := auth.HashToken(in.Token)
	info, err := app.Credentials.InvitationInfo(ctx, hashToken)
	if err != nil {
		return "", err
	}
	if err := db.InvitationError(info.State); err != nil {
		return "", err
	}
	if err := checkNewPassword("password", in.Password, info.Username, info.Email, info.GivenName, info.FamilyName); err != nil {
		return "", err
	}
	hash, err := app.hashPassword(ctx, in.Password, auth.DefaultArgon2)
	if err != nil {
		return "", err
	}
	if _, err := app.Credentials.AcceptInvitation(ctx, hashToken, hash, auditContext(ctx)); err != nil {
		return "", err
	}
	return info.Username, nil
}

// RequestAccountRecovery emails a reset link to the accounts the
// identifier names (R16). It answers the same, in about the same time,
// whether or not an account exists: the token and its hash are made either
// way, and the answer is padded to RecoveryMinDuration.
func (app *App) RequestAccountRecovery(ctx context.Context, identifier string) error {
	start := time.Now()
	defer func() {
		if wait := app.RecoveryMinDuration - time.Since(start); wait > 0 {
			time.Sleep(wait)
		}
	}()
	accounts, err := app.limitLogin(ctx, identifier, 5)
	if err != nil {
		return err
	}
	queued := false
	for _, a := range accounts {
		token, hash := auth.NewToken()
		status := domain.UserStatus(a.Status)
		if a.Email == "" || a.Kind != string(domain.KindHuman) || (status != domain.UserActive && status != domain.UserLocked) {
			continue
		}
		ac := auditContext(ctx)
		if err := app.Credentials.StartRecovery(ctx, a, hash, app.PublicURL+"/reset-password#token="+token, ac); err != nil {
			return err
		}
		queued = true
	}
	if len(accounts) == 0 {
		_, _ = auth.NewToken() // the same work as for an account
	}
	if queued && app.MailQueued != nil {
		app.MailQueued()
	}
	return nil
}

// ResetPasswordWithToken sets a new password from a reset link; a LOCKED
// account is reactivated; every session of the user ends.
func (app *App) ResetPasswordWithToken(ctx context.Context, in model.ResetPasswordWithTokenInput) (string, error) {
	if err := app.limit(ctx, "token-ip", RequestInfoFrom(ctx).IP, app.LoginRates.PerIP); err != nil {
		return "", err
	}
	if !validToken(in.Token) {
		return "", db.ResetTokenError(db.TokenInvalid)
	}
	hashToken := auth.HashToken(in.Token)
	info, err := app.Credentials.ResetTokenInfo(ctx, hashToken)
	if err != nil {
		return "", err
	}
	if err := db.ResetTokenError(info.State); err != nil {
		return "", err
	}
	if err := checkNewPassword("password", in.Password, info.Username, info.Email, info.GivenName, info.FamilyName); err != nil {
		return "", err
	}
	hash, err := app.hashPassword(ctx, in.Password, auth.DefaultArgon2)
	if err != nil {
		return "", err
	}
	if _, err := app.Credentials.ResetPasswordWithToken(ctx, hashToken, hash, auditContext(ctx)); err != nil {
		return "", err
	}
	if err := app.RevokeAllSessions(ctx, info.UserID); err != nil {
		return "", err
	}
	return info.Username, nil
}

// credentialTarget decodes a user ID and returns the decision storage asks,
// under the user's lock, with every membership and role of the user: may
// the viewer manage that user's credentials (domain.Authorizer decides).
func (app *App) credentialTarget(ctx context.Context, gid string) (int64, func(domain.TargetUser) error, error) {
	id, err := decodeID("User", gid, "userId")
	if err != nil {
		return 0, nil, err
	}
	v, az := ViewerFrom(ctx), app.Authorizer
	if err := domain.RequireViewer(v); err != nil {
		return 0, nil, err
	}
	return id, func(t domain.TargetUser) error { return az.CanManageCredentials(ctx, v, t) }, nil
}

// userTenantIDs returns every tenant the user belongs to, unscoped: the
// input of authorization decisions about that user.
func (l *Loaders) userTenantIDs(ctx context.Context, userID int64) ([]int64, error) {
	return l.memberTenants.Load(ctx, userID)
}

// ResendInvitation sends a new invitation link (R14).
func (app *App) ResendInvitation(ctx context.Context, gid string) (*domain.User, error) {
	id, authorize, err := app.credentialTarget(ctx, gid)
	if err != nil {
		return nil, err
	}
	token, hash := auth.NewToken()
	u, err := app.Credentials.ResendInvitation(ctx, id, hash, app.PublicURL+"/invitation#token="+token, authorize, auditContext(ctx))
	if err != nil {
		return nil, err
	}
	app.mailQueued()
	return u, nil
}

// UnlockUser reactivates a LOCKED account (R16).
func (app *App) UnlockUser(ctx context.Context, gid string) (*domain.User, error) {
	id, authorize, err := app.credentialTarget(ctx, gid)
	if err != nil {
		return nil, err
	}
	return app.Credentials.UnlockUser(ctx, id, authorize, auditContext(ctx))
}

// AdminResetPassword invalidates the password and emails a reset link (R17).
func (app *App) AdminResetPassword(ctx context.Context, gid string) (*domain.User, error) {
	id, authorize, err := app.credentialTarget(ctx, gid)
	if err != nil {
		return nil, err
	}
	token, hash := auth.NewToken()
	u, err := app.Credentials.AdminResetPassword(ctx, id, hash, app.PublicURL+"/reset-password#token="+token, authorize, auditContext(ctx))
	if err != nil {
		return nil, err
	}
	app.mailQueued()
	return u, app.RevokeAllSessions(ctx, id)
}

// AdminResetSecondFactor clears the TOTP enrolment (R17).
func (app *App) AdminResetSecondFactor(ctx context.Context, gid string) (*domain.User, error) {
	id, authorize, err := app.credentialTarget(ctx, gid)
	if err != nil {
		return nil, err
	}
	u, err := app.Credentials.AdminResetSecondFactor(ctx, id, authorize, auditContext(ctx))
	if err != nil {
		return nil, err
	}
	return u, app.RevokeAllSessions(ctx, id)
}

func (app *App) mailQueued() {
	if app.MailQueued != nil {
		app.MailQueued()
	}
}

// BeginTotpEnrollment generates a pending TOTP secret for the viewer.
func (app *App) BeginTotpEnrollment(ctx context.Context) (secret, uri string, err error) {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return "", "", err
	}
	a, err := app.Credentials.LoginAccountByID(ctx, v.UserID)
	if err != nil {
		return "", "", err
	}
	if a.TOTPSecret != "" {
		return "", "", &domain.Error{Code: domain.ECONFLICT, Reason: "TOTP_ALREADY_ENROLLED",
			Message: "You already have a second factor. Ask an administrator to reset it to enrol a new device."}
	}
	if secret, uri, err = auth.NewTOTPSecret(totpIssuer, v.Username); err != nil {
		return "", "", err
	}
	return secret, uri, app.Credentials.SetPendingTOTP(ctx, v.UserID, secret)
}

// ConfirmTotpEnrollment makes the pending secret the viewer's second factor.
func (app *App) ConfirmTotpEnrollment(ctx context.Context, code string) error {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return err
	}
	a, err := app.Credentials.LoginAccountByID(ctx, v.UserID)
	if err != nil {
		return err
	}
	if a.TOTPSecret != "" {
		return &domain.Error{Code: domain.ECONFLICT, Reason: "TOTP_ALREADY_ENROLLED", Message: "You already have a second factor."}
	}
	if a.TOTPPendingSecret == "" {
		return &domain.Error{Code: domain.ECONFLICT, Reason: "TOTP_NOT_STARTED", Message: "Start the enrolment first."}
	}
	step, ok := auth.ValidateTOTP(a.TOTPPendingSecret, strings.TrimSpace(code), time.Now())
	if !ok {
		return domain.FieldError("code", domain.ReasonTOTPInvalid, "The code is wrong. Enter the current code of your authenticator app.")
	}
	return app.Credentials.ConfirmTOTP(ctx, v.UserID, a.TOTPPendingSecret, step, auditContext(ctx))
}

// FailedLogins lists a user's failed sign-ins for whoever may read them.
func (app *App) FailedLogins(ctx context.Context, u *domain.User, first *int, after *string) (*model.FailedLoginConnection, error) {
	page, err := pageArgs(first, after, nil, nil)
	if err != nil {
		return nil, err
	}
	tenants, err := loadersFrom(ctx).userTenantIDs(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	scope, err := app.Authorizer.SecurityRecordsScope(ctx, ViewerFrom(ctx), u.ID, tenants)
	if err != nil {
		return nil, err
	}
	conn, err := app.Credentials.FailedLogins(ctx, u.ID, scope, page)
	if err != nil {
		return nil, err
	}
	return model.NewFailedLoginConnection(conn), nil
}

// TenantFailedLogins lists a tenant's failed sign-ins for whoever
// oversees it (issue 16.6).
func (app *App) TenantFailedLogins(ctx context.Context, t *domain.Tenant, first *int, after *string, in *model.FailedLoginFilter) (*model.FailedLoginConnection, error) {
	if err := app.Authorizer.CanOversee(ctx, ViewerFrom(ctx), t.ID); err != nil {
		return nil, err
	}
	page, err := pageArgs(first, after, nil, nil)
	if err != nil {
		return nil, err
	}
	var f domain.FailedLoginFilter
	if in != nil {
		f = domain.FailedLoginFilter{From: in.From, To: in.To, OperatingSystem: deref(in.OperatingSystem), Browser: deref(in.Browser), IP: deref(in.IP)}
		if f.UserID, err = decodeOptionalID("User", in.UserID, "filter.userId"); err != nil {
			return nil, err
		}
	}
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	conn, err := app.Credentials.TenantFailedLogins(ctx, t.ID, f, page)
	if err != nil {
		return nil, err
	}
	return model.NewFailedLoginConnection(conn), nil
}

// DeveloperMailbox lists the outbox rendered, for development.
func (app *App) DeveloperMailbox(ctx context.Context, first *int, after *string) (*model.MailMessageConnection, error) {
	if err := app.Authorizer.CanReadDeveloperMailbox(ViewerFrom(ctx), app.SMTPConfigured, app.DevMailbox); err != nil {
		return nil, err
	}
	page, err := pageArgs(first, after, nil, nil)
	if err != nil {
		return nil, err
	}
	conn, err := app.Mailbox.List(ctx, page)
	if err != nil {
		return nil, err
	}
	nodes := make([]*model.MailMessage, 0, len(conn.Nodes))
	for _, m := range conn.Nodes {
		msg, err := renderMail(m)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, msg)
	}
	return model.NewMailMessageConnection(nodes, conn.Cursors, conn.HasNextPage, conn.HasPreviousPage, conn.Count), nil
}

// SecondFactor tells the viewer's enrolment state.
func (app *App) SecondFactor(ctx context.Context, v *domain.Viewer) (enrolled, required bool, err error) {
	return app.Credentials.SecondFactorState(ctx, v.UserID)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// signedIn makes the loaders of an anonymous request that just signed in
// answer for the new viewer, so that the login payload's viewer resolves.
// Mutations run one at a time and before their payload's fields, so no
// scope was computed for the anonymous viewer yet.
func (l *Loaders) signedIn(v *domain.Viewer) {
	l.viewer = v
	l.readable, l.directory, l.personalData = memo[domain.Scope]{}, memo[domain.Scope]{}, memo[domain.Scope]{}
}
