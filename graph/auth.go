package graph

import (
	"context"

	usecase "tenantadmin/app"
	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// Sign-in and credential flows (R14–R19): the use cases are package app's;
// here are the transport's parts (cookies, payloads, session IDs).

// LoginRates are the rate limits of sign-in and credential-link attempts
// (R19): per account (the identifier typed) and per client IP.
type LoginRates = usecase.LoginRates

// RequestInfoFrom is where the request of ctx comes from (zero when unknown).
func RequestInfoFrom(ctx context.Context) RequestInfo { return usecase.RequestInfoFrom(ctx) }

// loginPayload answers a new session: cookies for the SPA, or a bearer
// token in the payload when the client asked for one. The rest of the
// request (the payload's viewer) answers for the new viewer.
func loginPayload(ctx context.Context, s *usecase.SignedIn, bearer bool) *model.LoginPayload {
	loadersFrom(ctx).signedIn(s.Viewer, s.User)
	out := &model.LoginPayload{Viewer: s.Viewer, ExpiresAt: &s.Session.ExpiresAt, TotpEnrollmentRequired: s.TOTPEnrollmentRequired,
		UserErrors: []*model.UserError{}}
	if bearer {
		out.Token = &s.Token
	} else {
		sessionCookiesFrom(ctx).Set(s.Token, s.Session.CSRF, s.Session.ExpiresAt)
	}
	return out
}

func signInInput(ctx context.Context, username, password string, totpCode *string, kind *model.TokenKind) usecase.SignInInput {
	return usecase.SignInInput{Username: username, Password: password, TOTPCode: deref(totpCode),
		Bearer: kind != nil && *kind == model.TokenKindBearer, CanSetCookies: sessionCookiesFrom(ctx) != nil}
}

// Login signs in (R15).
func (app *App) Login(ctx context.Context, in model.LoginInput) (*model.LoginPayload, error) {
	si := signInInput(ctx, in.Username, in.Password, in.TotpCode, in.TokenKind)
	s, err := app.UseCases().SignIn(ctx, si)
	if err != nil {
		return nil, err
	}
	return loginPayload(ctx, s, si.Bearer), nil
}

// ChangeExpiredPassword sets a new password when sign-in requires one,
// proving the old one, and signs in.
func (app *App) ChangeExpiredPassword(ctx context.Context, in model.ChangeExpiredPasswordInput) (*model.LoginPayload, error) {
	si := signInInput(ctx, in.Username, in.OldPassword, in.TotpCode, in.TokenKind)
	s, err := app.UseCases().ChangeExpiredPassword(ctx, si, in.NewPassword)
	if err != nil {
		return nil, err
	}
	return loginPayload(ctx, s, si.Bearer), nil
}

// ChangePassword changes the signed-in user's password and signs out their
// other sessions.
func (app *App) ChangePassword(ctx context.Context, in model.ChangePasswordInput) (*domain.User, error) {
	if err := app.UseCases().ChangePassword(ctx, in.CurrentPassword, in.NewPassword); err != nil {
		return nil, err
	}
	return loadersFrom(ctx).User(ctx, ViewerFrom(ctx).UserID)
}

// Logout ends the current session and clears the cookies.
func (app *App) Logout(ctx context.Context) (bool, error) {
	if c := sessionCookiesFrom(ctx); c != nil {
		c.Clear()
	}
	return app.UseCases().SignOut(ctx)
}

// MySessions lists the viewer's sessions, newest first.
func (app *App) MySessions(ctx context.Context) ([]*model.Session, error) {
	list, err := app.UseCases().MySessions(ctx)
	if err != nil {
		return nil, err
	}
	current := ViewerFrom(ctx).SessionID
	out := make([]*model.Session, 0, len(list))
	for _, s := range list {
		os, browser := domain.ParseUserAgent(s.UserAgent)
		kind := model.TokenKindBearer
		if s.Kind == auth.KindCookie {
			kind = model.TokenKindCookie
		}
		out = append(out, &model.Session{ID: keyedGlobalID("Session", s.ID), Kind: kind, Current: s.ID == current, CreatedAt: s.CreatedAt,
			LastSeenAt: s.LastSeen, ExpiresAt: s.ExpiresAt, IP: s.IP, UserAgent: s.UserAgent, OperatingSystem: os, Browser: browser})
	}
	return out, nil
}

// RevokeSession ends one of the viewer's sessions; ending this request's
// clears its cookies.
func (app *App) RevokeSession(ctx context.Context, gid string) error {
	id, _ := parseKeyedGlobalID("Session", gid) // "" when not a session's ID: not found
	current, err := app.UseCases().RevokeSession(ctx, id)
	if err != nil {
		return err
	}
	if current {
		if c := sessionCookiesFrom(ctx); c != nil {
			c.Clear()
		}
	}
	return nil
}

// RevokeOtherSessions ends every session of the viewer but the current one.
func (app *App) RevokeOtherSessions(ctx context.Context) (int, error) {
	return app.UseCases().RevokeOtherSessions(ctx)
}

// InvitationStatus tells the invitation page what a link is worth.
func (app *App) InvitationStatus(ctx context.Context, token string) (*model.InvitationStatus, error) {
	info, err := app.UseCases().InvitationStatus(ctx, token)
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
	return app.UseCases().AcceptInvitation(ctx, in.Token, in.Password)
}

// RequestAccountRecovery emails a reset link to the accounts the
// identifier names (R16), answering the same whether or not one exists.
func (app *App) RequestAccountRecovery(ctx context.Context, identifier string) error {
	return app.UseCases().RequestAccountRecovery(ctx, identifier)
}

// ResetPasswordWithToken sets a new password from a reset link.
func (app *App) ResetPasswordWithToken(ctx context.Context, in model.ResetPasswordWithTokenInput) (string, error) {
	return app.UseCases().ResetPasswordWithToken(ctx, in.Token, in.Password)
}

// credentialUser decodes the user ID of a credential mutation (before the
// viewer is checked, as these mutations always did).
func (app *App) credentialUser(ctx context.Context, gid string, change func(*usecase.App, context.Context, int64) (*domain.User, error)) (*domain.User, error) {
	id, err := decodeID("User", gid, "userId")
	if err != nil {
		return nil, err
	}
	return change(app.UseCases(), ctx, id)
}

// userTenantIDs returns every tenant the user belongs to, unscoped: the
// input of authorization decisions about that user.
func (l *Loaders) userTenantIDs(ctx context.Context, userID int64) ([]int64, error) {
	return l.memberTenants.Load(ctx, userID)
}

// ResendInvitation sends a new invitation link (R14).
func (app *App) ResendInvitation(ctx context.Context, gid string) (*domain.User, error) {
	return app.credentialUser(ctx, gid, (*usecase.App).ResendInvitation)
}

// UnlockUser reactivates a LOCKED account (R16).
func (app *App) UnlockUser(ctx context.Context, gid string) (*domain.User, error) {
	return app.credentialUser(ctx, gid, (*usecase.App).UnlockUser)
}

// AdminResetPassword invalidates the password and emails a reset link (R17).
func (app *App) AdminResetPassword(ctx context.Context, gid string) (*domain.User, error) {
	return app.credentialUser(ctx, gid, (*usecase.App).AdminResetPassword)
}

// AdminResetSecondFactor clears the TOTP enrolment (R17).
func (app *App) AdminResetSecondFactor(ctx context.Context, gid string) (*domain.User, error) {
	return app.credentialUser(ctx, gid, (*usecase.App).AdminResetSecondFactor)
}

// BeginTotpEnrollment generates a pending TOTP secret for the viewer.
func (app *App) BeginTotpEnrollment(ctx context.Context) (secret, uri string, err error) {
	return app.UseCases().BeginTotpEnrollment(ctx)
}

// ConfirmTotpEnrollment makes the pending secret the viewer's second factor.
func (app *App) ConfirmTotpEnrollment(ctx context.Context, code string) error {
	return app.UseCases().ConfirmTotpEnrollment(ctx, code)
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
func (l *Loaders) signedIn(v *domain.Viewer, u *domain.User) {
	l.viewer = v
	l.readable, l.directory, l.personalData = memo[domain.Scope]{}, memo[domain.Scope]{}, memo[domain.Scope]{}
	if u != nil && u.ID == v.UserID {
		// The sign-in read the user as it left them: the payload's
		// viewer { user } needs no other read (issue 17.5).
		l.user.Prime(u.ID, u)
	}
}
