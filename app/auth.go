package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/domain"
)

// Sign-in and credential flows (R14–R19): one transaction per store call
// in CredentialStore; sessions in SessionStore (Redis).

const (
	// maxIdentifierLength bounds usernames and addresses typed at sign-in.
	maxIdentifierLength = domain.MaxEmailLength
	totpIssuer          = "Tenant admin"
)

var errInvalidCredentials = &domain.Error{Code: domain.EINVALID, Reason: domain.ReasonInvalidCredentials,
	Message: "Wrong username or password."}

// LoginRates are the rate limits of sign-in and credential-link attempts
// (R19): per account (the identifier typed) and per client IP.
type LoginRates struct {
	PerAccount auth.Rate
	PerIP      auth.Rate
}

// limit applies one rate and turns a refusal into RATE_LIMITED. An empty
// subject is an error (auth.NewLimitKey), never a bucket shared by all.
func (a *App) limit(ctx context.Context, kind, subject string, r auth.Rate) error {
	return a.limitAll(ctx, kind, r, subject)
}

// limitAll applies one rate to the buckets of several subjects of a kind,
// in one round trip (auth.RateLimiter.AllowAll): counted in order until
// the first refusal, which waits for the longest of the refusing buckets.
func (a *App) limitAll(ctx context.Context, kind string, r auth.Rate, subjects ...string) error {
	limits := make([]auth.Limit, len(subjects))
	for i, subject := range subjects {
		key, err := auth.NewLimitKey(kind, subject)
		if err != nil {
			return err
		}
		limits[i] = auth.Limit{Key: key, Rate: r}
	}
	wait, err := a.RateLimiter.AllowAll(ctx, limits)
	if err != nil {
		return err
	}
	if wait > 0 {
		return &domain.Error{Code: domain.ERATELIMITED, RetryAfter: wait,
			Message: "Too many attempts. Try again in " + RoundUp(wait).String() + "."}
	}
	return nil
}

// limitLogin counts one sign-in or recovery attempt per client IP
// (RATE_LOGIN_IP) and per account (RATE_LOGIN_ACCOUNT), and returns the
// accounts the identifier names (at most maxAccounts), looked up once for the
// caller. The bucket is the account's, not the typed spelling's: its
// username and its email address, in any letter case and with surrounding
// spaces, count together. An identifier that names no account counts under
// its normalised spelling, so an unknown name is limited exactly like a
// known one and the limit does not tell which exist. The IP is counted
// before the lookup, so a flood from one address never reaches PostgreSQL.
func (a *App) limitLogin(ctx context.Context, identifier string, maxAccounts int) ([]*db.LoginAccount, error) {
	if err := a.limit(ctx, "login-ip", RequestInfoFrom(ctx).IP, a.LoginRates.PerIP); err != nil {
		return nil, err
	}
	identifier = strings.TrimSpace(identifier)
	if identifier == "" {
		return nil, nil
	}
	var accounts []*db.LoginAccount
	if len(identifier) <= maxIdentifierLength {
		var err error
		if accounts, err = a.Credentials.FindLoginAccounts(ctx, identifier, maxAccounts); err != nil {
			return nil, err
		}
	}
	if len(accounts) == 0 {
		return nil, a.limit(ctx, "login-account", loginNameSubject(identifier), a.LoginRates.PerAccount)
	}
	// An address several accounts share counts against each of them (in
	// one round trip).
	subjects := make([]string, len(accounts))
	for i, acct := range accounts {
		subjects[i] = loginAccountSubject(acct.UserID)
	}
	if err := a.limitAll(ctx, "login-account", a.LoginRates.PerAccount, subjects...); err != nil {
		return nil, err
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

// verified is an account whose password checked out.
type verified struct {
	account *db.LoginAccount
	// changeRequired is PASSWORD_EXPIRED or PASSWORD_CHANGE_REQUIRED, or "".
	changeRequired string
}

// verifyLogin checks a sign-in attempt's password and records failures
// (R16, R23). Unknown accounts cost one dummy hash, like known ones, and
// answer the same INVALID_CREDENTIALS, padded to FailedLoginMinDuration.
func (a *App) verifyLogin(ctx context.Context, identifier, password string) (v *verified, err error) {
	if err := CheckPasswordSize("password", password); err != nil {
		return nil, err
	}
	start := time.Now()
	defer func() {
		if err == errInvalidCredentials {
			if wait := a.FailedLoginMinDuration - time.Since(start); wait > 0 {
				time.Sleep(wait)
			}
		}
	}()
	accounts, err := a.limitLogin(ctx, identifier, 2)
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
	ok, err := a.Hashing.VerifyOrDummy(ctx, hash, password)
	if err != nil {
		return nil, a.HashingError(err)
	}
	if !ok {
		if acct != nil {
			if err := a.recordFailure(ctx, acct, domain.ReasonInvalidCredentials); err != nil {
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
// consumes its time step; it also restarts the failure count. It returns
// the user as the sign-in left them.
func (a *App) checkSecondFactor(ctx context.Context, acct *db.LoginAccount, code string) (*domain.User, error) {
	if acct.TOTPSecret == "" {
		return a.recordSignIn(ctx, acct)
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, &domain.Error{Code: domain.EINVALID, Field: "totpCode", Reason: domain.ReasonTOTPRequired,
			Message: "Enter the 6-digit code of your authenticator app."}
	}
	if step, ok := auth.ValidateTOTP(acct.TOTPSecret, code, time.Now()); ok {
		user, err := a.Credentials.RecordSignIn(ctx, acct.UserID, step)
		if err != nil || user != nil {
			return user, err
		}
		// nil: a replayed code
	}
	if err := a.recordFailure(ctx, acct, domain.ReasonTOTPInvalid); err != nil {
		return nil, err
	}
	return nil, &domain.Error{Code: domain.EINVALID, Field: "totpCode", Reason: domain.ReasonTOTPInvalid,
		Message: "The code is wrong or was already used. Enter the current code of your authenticator app."}
}

// recordSignIn records a sign-in without a second factor. Step 0 is never
// refused: no user back means the account went away since its password
// was checked.
func (a *App) recordSignIn(ctx context.Context, acct *db.LoginAccount) (*domain.User, error) {
	user, err := a.Credentials.RecordSignIn(ctx, acct.UserID, 0)
	if err == nil && user == nil {
		err = errInvalidCredentials
	}
	return user, err
}

// recordFailure records a failed sign-in; the failure that locks the
// account ends its sessions.
func (a *App) recordFailure(ctx context.Context, acct *db.LoginAccount, reason string) error {
	info := RequestInfoFrom(ctx)
	os, browser := domain.ParseUserAgent(info.UserAgent)
	locked, err := a.Credentials.RecordFailedLogin(ctx, db.FailedAttempt{UserID: acct.UserID, Reason: reason,
		IP: info.IP, UserAgent: info.UserAgent, OperatingSystem: os, Browser: browser}, AuditContext(ctx))
	if err != nil {
		return err
	}
	if locked {
		return a.RevokeAllSessions(ctx, acct.UserID)
	}
	return nil
}

// RevokeAllSessions ends every session of a user at once, on every replica
// (they share Redis): suspension, lock, password reset, removal (R18).
// Call it after the change's transaction committed.
func (a *App) RevokeAllSessions(ctx context.Context, userID int64) error {
	return a.Sessions.RevokeAll(ctx, userID)
}

// SignInInput is a sign-in attempt (R15).
type SignInInput struct {
	Username, Password, TOTPCode string
	// Bearer asks for a token in the answer instead of cookies.
	Bearer bool
	// CanSetCookies: the transport can set the session cookies (an HTTP
	// request, not a WebSocket operation).
	CanSetCookies bool
}

// SignedIn is a new session: the transport sets its cookies (with CSRF)
// or answers its bearer token.
type SignedIn struct {
	Viewer *domain.Viewer
	// User is the signed-in user as the sign-in left them (nil: not read).
	User                   *domain.User
	Token                  string
	Session                *auth.Session
	TOTPEnrollmentRequired bool
}

// startSession creates the session of a successful sign-in.
func (a *App) startSession(ctx context.Context, acct *db.LoginAccount, bearer, canSetCookies bool) (*SignedIn, error) {
	info := RequestInfoFrom(ctx)
	kind := auth.KindBearer
	if !bearer {
		if !canSetCookies {
			return nil, domain.FieldError("tokenKind", "COOKIES_UNAVAILABLE", "Cookie sessions start over HTTP POST; ask for tokenKind BEARER here.")
		}
		kind = auth.KindCookie
	}
	if prev := ViewerFrom(ctx); !bearer && prev != nil && prev.SessionID != "" {
		// A new cookie session replaces the one the browser held.
		if _, err := a.Sessions.RevokeOwned(ctx, prev.UserID, prev.SessionID); err != nil {
			return nil, err
		}
	}
	token, sess, err := a.Sessions.Create(ctx, acct.UserID, kind, info.IP, info.UserAgent)
	if err != nil {
		return nil, err
	}
	viewer, err := a.Viewers.LoadViewer(ctx, acct.UserID)
	if err != nil {
		return nil, err
	}
	viewer.SessionID = sess.ID
	return &SignedIn{Viewer: viewer, Token: token, Session: sess, TOTPEnrollmentRequired: acct.TOTPEnrollmentRequired}, nil
}

// SignIn signs in (R15).
func (a *App) SignIn(ctx context.Context, in SignInInput) (*SignedIn, error) {
	v, err := a.verifyLogin(ctx, in.Username, in.Password)
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
	user, err := a.checkSecondFactor(ctx, v.account, in.TOTPCode)
	if err != nil {
		return nil, err
	}
	signedIn, err := a.startSession(ctx, v.account, in.Bearer, in.CanSetCookies)
	if err == nil {
		signedIn.User = user
	}
	return signedIn, err
}

// ChangeExpiredPassword sets a new password when sign-in requires one,
// proving the old one (in.Password), and signs in.
func (a *App) ChangeExpiredPassword(ctx context.Context, in SignInInput, newPassword string) (*SignedIn, error) {
	v, err := a.verifyLogin(ctx, in.Username, in.Password)
	if err != nil {
		if e := domain.AsError(err); e != nil && e.Field == "password" {
			e.Field = "oldPassword"
		}
		return nil, err
	}
	acct := v.account
	if err := CheckNewPassword("newPassword", newPassword, acct.Username, acct.Email, acct.GivenName, acct.FamilyName); err != nil {
		return nil, err
	}
	if newPassword == in.Password {
		return nil, domain.FieldError("newPassword", "PASSWORD_REUSED", "Choose a password different from the old one.")
	}
	if _, err := a.checkSecondFactor(ctx, acct, in.TOTPCode); err != nil {
		return nil, err
	}
	hash, err := a.HashPassword(ctx, newPassword, auth.DefaultArgon2)
	if err != nil {
		return nil, err
	}
	ac := AuditContext(ctx)
	ac.ActorID, ac.ActorLabel = &acct.UserID, acct.Username
	if err := a.Credentials.SetPassword(ctx, acct.UserID, hash, "user.password_changed", ac); err != nil {
		return nil, err
	}
	if err := a.RevokeAllSessions(ctx, acct.UserID); err != nil {
		return nil, err
	}
	return a.startSession(ctx, acct, in.Bearer, in.CanSetCookies)
}

// ChangePassword changes the signed-in user's password and signs out their
// other sessions.
func (a *App) ChangePassword(ctx context.Context, currentPassword, newPassword string) error {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return err
	}
	if err := CheckPasswordSize("currentPassword", currentPassword); err != nil {
		return err
	}
	if err := a.limit(ctx, "login-account", loginAccountSubject(v.UserID), a.LoginRates.PerAccount); err != nil {
		return err
	}
	acct, err := a.Credentials.LoginAccountByID(ctx, v.UserID)
	if err != nil {
		return err
	}
	ok, err := a.Hashing.VerifyOrDummy(ctx, acct.PasswordHash, currentPassword)
	if err != nil {
		return a.HashingError(err)
	}
	if !ok {
		if err := a.recordFailure(ctx, acct, domain.ReasonInvalidCredentials); err != nil {
			return err
		}
		return domain.FieldError("currentPassword", domain.ReasonInvalidCredentials, "The current password is wrong.")
	}
	if err := CheckNewPassword("newPassword", newPassword, acct.Username, acct.Email, acct.GivenName, acct.FamilyName); err != nil {
		return err
	}
	if newPassword == currentPassword {
		return domain.FieldError("newPassword", "PASSWORD_REUSED", "Choose a password different from the current one.")
	}
	hash, err := a.HashPassword(ctx, newPassword, auth.DefaultArgon2)
	if err != nil {
		return err
	}
	if err := a.Credentials.SetPassword(ctx, v.UserID, hash, "user.password_changed", AuditContext(ctx)); err != nil {
		return err
	}
	_, err = a.Sessions.RevokeOthers(ctx, v.UserID, v.SessionID)
	return err
}

// SignOut ends the current session (false: there was none).
func (a *App) SignOut(ctx context.Context) (bool, error) {
	v := ViewerFrom(ctx)
	if v == nil || v.SessionID == "" {
		return false, nil
	}
	return a.Sessions.RevokeOwned(ctx, v.UserID, v.SessionID)
}

// MySessions lists the viewer's sessions, newest first.
func (a *App) MySessions(ctx context.Context) ([]*auth.Session, error) {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return nil, err
	}
	list, err := a.Sessions.List(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(list, func(a, b *auth.Session) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return list, nil
}

// RevokeSession ends one of the viewer's sessions ("" names none); current
// tells that it was the session of this request.
func (a *App) RevokeSession(ctx context.Context, id string) (current bool, err error) {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return false, err
	}
	notFound := &domain.Error{Code: domain.ENOTFOUND, Field: "sessionId", Reason: "SESSION_NOT_FOUND", Message: "You have no such session."}
	if id == "" {
		return false, notFound
	}
	ok, err := a.Sessions.RevokeOwned(ctx, v.UserID, id)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, notFound
	}
	return id == v.SessionID, nil
}

// RevokeOtherSessions ends every session of the viewer but the current one.
func (a *App) RevokeOtherSessions(ctx context.Context) (int, error) {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return 0, err
	}
	return a.Sessions.RevokeOthers(ctx, v.UserID, v.SessionID)
}

func validToken(token string) bool { return token != "" && len(token) <= domain.MaxTokenLength }

// InvitationStatus tells the invitation page what a link is worth.
func (a *App) InvitationStatus(ctx context.Context, token string) (*db.TokenInfo, error) {
	if err := a.limit(ctx, "token-ip", RequestInfoFrom(ctx).IP, a.LoginRates.PerIP); err != nil {
		return nil, err
	}
	if !validToken(token) {
		return &db.TokenInfo{State: db.TokenInvalid}, nil
	}
	return a.Credentials.InvitationInfo(ctx, auth.HashToken(token))
}

// passwordFromLink is what accepting an invitation and resetting a password
// by link share: the per-address limit on link attempts, the token checked
// against its kind of link (lookup, and refusal for its states), the new
// password checked against the account's names and hashed.
func (a *App) passwordFromLink(ctx context.Context, token, password string,
	lookup func(context.Context, []byte) (*db.TokenInfo, error), refusal func(db.TokenState) error,
) (hashToken []byte, info *db.TokenInfo, hash string, err error) {
	if err := a.limit(ctx, "token-ip", RequestInfoFrom(ctx).IP, a.LoginRates.PerIP); err != nil {
		return nil, nil, "", err
	}
	if !validToken(token) {
		return nil, nil, "", refusal(db.TokenInvalid)
	}
	hashToken = auth.HashToken(token)
	if info, err = lookup(ctx, hashToken); err != nil {
		return nil, nil, "", err
	}
	if err := refusal(info.State); err != nil {
		return nil, nil, "", err
	}
	if err := CheckNewPassword("password", password, info.Username, info.Email, info.GivenName, info.FamilyName); err != nil {
		return nil, nil, "", err
	}
	if hash, err = a.HashPassword(ctx, password, auth.DefaultArgon2); err != nil {
		return nil, nil, "", err
	}
	return hashToken, info, hash, nil
}

// AcceptInvitation sets the invited user's password and activates them;
// it returns their username.
func (a *App) AcceptInvitation(ctx context.Context, token, password string) (string, error) {
	hashToken, info, hash, err := a.passwordFromLink(ctx, token, password, a.Credentials.InvitationInfo, db.InvitationError)
	if err != nil {
		return "", err
	}
	if _, err := a.Credentials.AcceptInvitation(ctx, hashToken, hash, AuditContext(ctx)); err != nil {
		return "", err
	}
	return info.Username, nil
}

// RequestAccountRecovery emails a reset link to the accounts the
// identifier names (R16). It answers the same, in about the same time,
// whether or not an account exists: the token and its hash are made either
// way, and the answer is padded to RecoveryMinDuration.
func (a *App) RequestAccountRecovery(ctx context.Context, identifier string) error {
	start := time.Now()
	defer func() {
		if wait := a.RecoveryMinDuration - time.Since(start); wait > 0 {
			time.Sleep(wait)
		}
	}()
	accounts, err := a.limitLogin(ctx, identifier, 5)
	if err != nil {
		return err
	}
	queued := false
	for _, acct := range accounts {
		token, hash := auth.NewToken()
		status := domain.UserStatus(acct.Status)
		if acct.Email == "" || acct.Kind != string(domain.KindHuman) || (status != domain.UserActive && status != domain.UserLocked) {
			continue
		}
		if err := a.Credentials.StartRecovery(ctx, acct, hash, a.PublicURL+"/reset-password#token="+token, AuditContext(ctx)); err != nil {
			return err
		}
		queued = true
	}
	if len(accounts) == 0 {
		_, _ = auth.NewToken() // the same work as for an account
	}
	if queued {
		a.mailQueued()
	}
	return nil
}

// ResetPasswordWithToken sets a new password from a reset link; a LOCKED
// account is reactivated; every session of the user ends. It returns the
// username.
func (a *App) ResetPasswordWithToken(ctx context.Context, token, password string) (string, error) {
	hashToken, info, hash, err := a.passwordFromLink(ctx, token, password, a.Credentials.ResetTokenInfo, db.ResetTokenError)
	if err != nil {
		return "", err
	}
	if _, err := a.Credentials.ResetPasswordWithToken(ctx, hashToken, hash, AuditContext(ctx)); err != nil {
		return "", err
	}
	if err := a.RevokeAllSessions(ctx, info.UserID); err != nil {
		return "", err
	}
	return info.Username, nil
}

// credentialTarget is the decision storage asks, under the user's lock,
// with every membership and role of the user: may the viewer manage that
// user's credentials (R13, R17).
func (a *App) credentialTarget(ctx context.Context) (func(domain.TargetUser) error, domain.AuditContext, error) {
	v, az := ViewerFrom(ctx), a.Authorizer
	if err := domain.RequireViewer(v); err != nil {
		return nil, domain.AuditContext{}, err
	}
	return func(t domain.TargetUser) error { return az.CanManageCredentials(ctx, v, t) }, AuditContext(ctx), nil
}

// ResendInvitation sends a new invitation link (R14).
func (a *App) ResendInvitation(ctx context.Context, userID int64) (*domain.User, error) {
	authorize, ac, err := a.credentialTarget(ctx)
	if err != nil {
		return nil, err
	}
	token, hash := auth.NewToken()
	u, err := a.Credentials.ResendInvitation(ctx, userID, hash, a.PublicURL+"/invitation#token="+token, authorize, ac)
	if err != nil {
		return nil, err
	}
	a.mailQueued()
	return u, nil
}

// UnlockUser reactivates a LOCKED account (R16).
func (a *App) UnlockUser(ctx context.Context, userID int64) (*domain.User, error) {
	authorize, ac, err := a.credentialTarget(ctx)
	if err != nil {
		return nil, err
	}
	return a.Credentials.UnlockUser(ctx, userID, authorize, ac)
}

// AdminResetPassword invalidates the password and emails a reset link (R17).
func (a *App) AdminResetPassword(ctx context.Context, userID int64) (*domain.User, error) {
	authorize, ac, err := a.credentialTarget(ctx)
	if err != nil {
		return nil, err
	}
	token, hash := auth.NewToken()
	u, err := a.Credentials.AdminResetPassword(ctx, userID, hash, a.PublicURL+"/reset-password#token="+token, authorize, ac)
	if err != nil {
		return nil, err
	}
	a.mailQueued()
	return u, a.RevokeAllSessions(ctx, userID)
}

// AdminResetSecondFactor clears the TOTP enrolment (R17).
func (a *App) AdminResetSecondFactor(ctx context.Context, userID int64) (*domain.User, error) {
	authorize, ac, err := a.credentialTarget(ctx)
	if err != nil {
		return nil, err
	}
	u, err := a.Credentials.AdminResetSecondFactor(ctx, userID, authorize, ac)
	if err != nil {
		return nil, err
	}
	return u, a.RevokeAllSessions(ctx, userID)
}

// mailQueued wakes the mail worker after a change queued mail.
func (a *App) mailQueued() {
	if a.MailQueued != nil {
		a.MailQueued()
	}
}

// BeginTotpEnrollment generates a pending TOTP secret for the viewer.
func (a *App) BeginTotpEnrollment(ctx context.Context) (secret, uri string, err error) {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return "", "", err
	}
	acct, err := a.Credentials.LoginAccountByID(ctx, v.UserID)
	if err != nil {
		return "", "", err
	}
	if acct.TOTPSecret != "" {
		return "", "", &domain.Error{Code: domain.ECONFLICT, Reason: "TOTP_ALREADY_ENROLLED",
			Message: "You already have a second factor. Ask an administrator to reset it to enrol a new device."}
	}
	if secret, uri, err = auth.NewTOTPSecret(totpIssuer, v.Username); err != nil {
		return "", "", err
	}
	return secret, uri, a.Credentials.SetPendingTOTP(ctx, v.UserID, secret)
}

// ConfirmTotpEnrollment makes the pending secret the viewer's second factor.
func (a *App) ConfirmTotpEnrollment(ctx context.Context, code string) error {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return err
	}
	acct, err := a.Credentials.LoginAccountByID(ctx, v.UserID)
	if err != nil {
		return err
	}
	if acct.TOTPSecret != "" {
		return &domain.Error{Code: domain.ECONFLICT, Reason: "TOTP_ALREADY_ENROLLED", Message: "You already have a second factor."}
	}
	if acct.TOTPPendingSecret == "" {
		return &domain.Error{Code: domain.ECONFLICT, Reason: "TOTP_NOT_STARTED", Message: "Start the enrolment first."}
	}
	step, ok := auth.ValidateTOTP(acct.TOTPPendingSecret, strings.TrimSpace(code), time.Now())
	if !ok {
		return domain.FieldError("code", domain.ReasonTOTPInvalid, "The code is wrong. Enter the current code of your authenticator app.")
	}
	return a.Credentials.ConfirmTOTP(ctx, v.UserID, acct.TOTPPendingSecret, step, AuditContext(ctx))
}
