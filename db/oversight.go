package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// OversightService reads what administrators oversee: security findings
// (R22), the CSV reports (R24), and runs the monthly digest (R25).
type OversightService struct{ db *DB }

func NewOversightService(db *DB) *OversightService { return &OversightService{db: db} }

// findingReasons is, per category, the SQL array of reasons that apply to
// a member u (with credentials c, listed tenant ?).
var findingReasons = map[domain.SecurityCategory]string{
	domain.FindingNotActivated: `ARRAY[
		CASE WHEN u.status = 'INVITED' THEN 'INVITED' END,
		CASE WHEN u.kind = 'HUMAN' AND c.totp_enrolled_at IS NULL THEN 'MFA_NOT_ENROLLED' END]`,
	domain.FindingBlocked: `ARRAY[
		CASE WHEN c.password_changed_at < now() - make_interval(days => ` + accountPasswordMaxAgeDays + `)
		THEN 'PASSWORD_EXPIRED' END]`,
	domain.FindingLocked: `ARRAY[CASE WHEN u.status = 'LOCKED' THEN 'ACCOUNT_LOCKED' END]`,
	domain.FindingSuspended: `ARRAY[
		CASE WHEN u.status = 'SUSPENDED' THEN 'ACCOUNT_SUSPENDED' END,
		CASE WHEN EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.user_id = u.id AND ra.tenant_id = m.tenant_id
			AND ra.status = 'SUSPENDED') THEN 'ROLE_ASSIGNMENT_SUSPENDED' END]`,
}

// findingOrderColumns are the orders of a findings list, on the members
// f of the tenant (a tenant's members are read from its memberships and
// sorted); USERNAME ascending is the default. None is personal data (R12).
var findingOrderColumns = map[string]orderColumn{
	"USERNAME":        {"f.username", "text", false, false},
	"CREATED_AT":      {"f.created_at", "timestamptz", false, false},
	"LAST_SIGN_IN_AT": {"f.last_login_at", "timestamptz", true, false},
}

// FindSecurityFindings lists the members of one tenant in one category of
// findings, in the order asked (by username by default), each with the
// reasons that apply; reason keeps the members with that reason. The
// password lifetime is the one sign-in applies: the shortest of the
// account's tenants (accountPasswordMaxAgeDays).
func (s *OversightService) FindSecurityFindings(ctx context.Context, tenantID int64, category domain.SecurityCategory, reason *string, order domain.ListOrder, p domain.Page) (*domain.Connection[*domain.SecurityFinding], error) {
	reasons, ok := findingReasons[category]
	if !ok {
		return nil, domain.FieldError("category", "INVALID_CATEGORY", "Unknown category of findings.")
	}
	k, err := newKeyset("securityFindings:"+string(category), findingOrderColumns, domain.ListOrder{Field: "USERNAME"}, order, "f.id")
	if err != nil {
		return nil, err
	}
	w, err := k.window(p)
	if err != nil {
		return nil, err
	}
	inner := fmt.Sprintf(`SELECT u.id, u.username, u.created_at, u.last_login_at, array_remove(%s, NULL)::text[] AS reasons
		FROM memberships m JOIN users u ON u.id = m.user_id
		LEFT JOIN credentials c ON c.user_id = u.id
		WHERE m.tenant_id = ?`, reasons)
	filter, filterArgs := "cardinality(f.reasons) > 0", []any{tenantID}
	if reason != nil {
		filter, filterArgs = filter+" AND ? = ANY(f.reasons)", append(filterArgs, *reason)
	}
	args := append(slices.Clone(filterArgs), w.args...)
	var rows []struct {
		ID      int64    `bun:"id"`
		SortKey *string  `bun:"sort_key"`
		Reasons []string `bun:"reasons,array"`
	}
	// Security findings tolerate lag: a replica may serve them (replica.go).
	if err := s.db.readLagTolerant(ctx, func(idb bun.IDB) error {
		rows = rows[:0]
		return idb.NewRaw(fmt.Sprintf(`SELECT f.id, %s AS sort_key, f.reasons FROM (%s) f WHERE %s AND %s ORDER BY %s LIMIT ?`,
			k.sortKey(), inner, filter, w.where, k.orderBy(w.up)), append(args, w.limit)...).Scan(ctx, &rows)
	}); err != nil {
		return nil, mapError(err)
	}
	rows, hasNext, hasPrev := trimPage(rows, w.limit, w.backward, p)
	conn := &domain.Connection[*domain.SecurityFinding]{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	if len(rows) > 0 {
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		users, err := NewUserService(s.db).UsersByIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		byID := make(map[int64]*domain.User, len(users))
		for _, u := range users {
			byID[u.ID] = u
		}
		for _, r := range rows {
			if u := byID[r.ID]; u != nil {
				conn.Nodes = append(conn.Nodes, &domain.SecurityFinding{User: u, Reasons: r.Reasons})
				conn.Cursors = append(conn.Cursors, k.cursor(r.SortKey, r.ID))
			}
		}
	}
	conn.Count = func(ctx context.Context) (int, error) {
		var n int
		err := s.db.readLagTolerant(ctx, func(idb bun.IDB) error {
			return idb.NewRaw(fmt.Sprintf(`SELECT count(*) FROM (%s) f WHERE %s`, inner, filter), filterArgs...).Scan(ctx, &n)
		})
		return n, mapError(err)
	}
	return conn, nil
}

// PersonalDataRule says whose personal data a report may print (R12): all
// members when the viewer's personal-data scope holds the tenant, else
// only the viewer and members of tenants in that scope.
type PersonalDataRule struct {
	All       bool
	ViewerID  int64
	TenantIDs []int64
}

// PersonalDataRuleFor is the rule of viewer in a report of tenantID, given
// the viewer's domain.PersonalDataScope: the SQL form of
// domain.CanSeePersonalData, which TestPersonalDataRuleAgreesWithDomain
// checks on every combination of a small world.
func PersonalDataRuleFor(viewerID int64, scope domain.Scope, tenantID int64) PersonalDataRule {
	return PersonalDataRule{All: scope.All || scope.Contains(tenantID), ViewerID: viewerID, TenantIDs: scope.TenantIDs}
}

func (r PersonalDataRule) sql() (string, []any) {
	if r.All {
		return "true", nil
	}
	return "(u.id = ? OR EXISTS (SELECT 1 FROM memberships pm WHERE pm.user_id = u.id AND pm.tenant_id ?))",
		[]any{r.ViewerID, oneOf(r.TenantIDs)}
}

// Report names a CSV report of R24.
type Report string

const (
	// ReportUsers: the members of a tenant with an active account.
	ReportUsers Report = "users"
	// ReportPermissions: their role assignments, one row per role.
	ReportPermissions Report = "permissions"
)

// ReportHeader is the header row of each report.
var ReportHeader = map[Report][]string{
	ReportUsers: {"username", "given_name", "family_name", "email", "tax_code", "status", "kind",
		"home_tenant", "created_at", "last_login_at"},
	ReportPermissions: {"username", "given_name", "family_name", "email", "tax_code", "product_code", "product",
		"role_code", "role", "category", "assignment_status", "assigned_at"},
}

const utcText = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`

// StreamReport runs a report of one tenant and calls row for each row, in
// username order, while PostgreSQL sends them: rows are never collected, so
// memory stays flat whatever the tenant's size. Personal-data columns are
// empty where rule denies them. The row slice is reused between calls.
func (s *OversightService) StreamReport(ctx context.Context, report Report, tenantID int64, rule PersonalDataRule, row func([]string) error) error {
	pd, pdArgs := rule.sql()
	personal := func(col string) string { return fmt.Sprintf("CASE WHEN pd THEN coalesce(%s, '') ELSE '' END", col) }
	var query string
	switch report {
	case ReportUsers:
		query = fmt.Sprintf(`SELECT username, %s, %s, %s, %s, status, kind, coalesce(home, ''),
				to_char(created_at AT TIME ZONE 'UTC', %s), coalesce(to_char(last_login_at AT TIME ZONE 'UTC', %s), '')
			FROM (SELECT u.*, %s AS pd, (SELECT name FROM tenants h WHERE h.id = u.home_tenant_id) AS home
				FROM users u JOIN memberships m ON m.user_id = u.id
				WHERE m.tenant_id = ? AND u.status = 'ACTIVE') x
			ORDER BY username`,
			personal("given_name"), personal("family_name"), personal("email"), personal("tax_code"), utcText, utcText, pd)
	case ReportPermissions:
		query = fmt.Sprintf(`SELECT x.username, %s, %s, %s, %s, p.code, p.name, r.code, r.name, ra.category, ra.status,
				to_char(ra.created_at AT TIME ZONE 'UTC', %s)
			FROM (SELECT u.id, u.username, u.given_name, u.family_name, u.email, u.tax_code, %s AS pd
				FROM users u JOIN memberships m ON m.user_id = u.id
				WHERE m.tenant_id = ? AND u.status = 'ACTIVE') x
			JOIN role_assignments ra ON ra.user_id = x.id AND ra.tenant_id = ?
			JOIN products p ON p.id = ra.product_id JOIN roles r ON r.id = ra.role_id
			ORDER BY x.username, p.code, r.code`,
			personal("x.given_name"), personal("x.family_name"), personal("x.email"), personal("x.tax_code"), utcText, pd)
	default:
		return domain.Errorf(domain.EINVALID, "Unknown report.")
	}
	args := append(pdArgs, tenantID)
	if report == ReportPermissions {
		args = append(args, tenantID)
	}
	// Reports tolerate lag: a replica may serve them (replica.go). Once a
	// row is out, a failure ends the report; before, the primary takes over.
	sent := false
	err := s.db.readLagTolerantIf(ctx, func(idb bun.IDB) error {
		return streamRows(ctx, idb, len(ReportHeader[report]), query, args, func(r []string) error {
			sent = true
			return row(r)
		})
	}, func() bool { return !sent })
	return mapError(err)
}

// streamRows runs query on idb and hands each row, as text, to row.
func streamRows(ctx context.Context, idb bun.IDB, n int, query string, args []any, row func([]string) error) error {
	rows, err := idb.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]sql.RawBytes, n)
	dest := make([]any, n)
	for i := range vals {
		dest[i] = &vals[i]
	}
	out := make([]string, n)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i, v := range vals {
			out[i] = string(v)
		}
		if err := row(out); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ComposeDigest composes a tenant's monthly digest email from the digest's
// data: its template, language and the data the template renders (package
// app decides what the email says; db only reads the data, fills in the
// recipient and enqueues it).
type ComposeDigest func(p domain.Period, tenant *domain.Tenant, products []domain.DigestProduct) Email

// RunDigest sends the monthly digest of period to every tenant that has
// not had it yet (R25): per product, the users added during the month, the
// users no longer active (role suspended, account suspended or locked) and
// the users who have not signed in for 30 days before the month's end,
// flagged for removal. Each tenant's digest is one transaction whose first
// statement claims (period, tenant) in digest_runs: with several replicas
// or concurrent runs, exactly one sends it.
func (s *OversightService) RunDigest(ctx context.Context, p domain.Period, compose ComposeDigest, ac domain.AuditContext) (domain.DigestResult, error) {
	res := domain.DigestResult{Period: p}
	var tenants []struct {
		ID   int64 `bun:"id"`
		Done bool  `bun:"done"`
	}
	if err := s.db.NewRaw(`SELECT id, EXISTS (SELECT 1 FROM digest_runs d WHERE d.period = ? AND d.tenant_id = t.id) AS done
		FROM tenants t WHERE t.created_at < ? ORDER BY id`, p.String(), p.End()).Scan(ctx, &tenants); err != nil {
		return res, mapError(err)
	}
	for _, t := range tenants {
		if t.Done {
			res.AlreadySent++
			continue
		}
		id := t.ID
		if err := ctx.Err(); err != nil {
			return res, err
		}
		outcome, err := s.digestTenant(ctx, p, id, compose, ac)
		if err != nil {
			return res, err
		}
		switch outcome {
		case digestSent:
			res.Sent++
		case digestAlreadySent:
			res.AlreadySent++
		case digestNoAddress:
			res.NoAddress++
		}
	}
	return res, nil
}

type digestOutcome int

const (
	digestSent digestOutcome = iota
	digestAlreadySent
	digestNoAddress
)

// DigestInactiveListed bounds the usernames listed per product in a digest.
const DigestInactiveListed = 20

func (s *OversightService) digestTenant(ctx context.Context, p domain.Period, tenantID int64, compose ComposeDigest, ac domain.AuditContext) (digestOutcome, error) {
	outcome := digestSent
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var claimed int64
		err := tx.NewRaw(`INSERT INTO digest_runs (period, tenant_id) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING tenant_id`,
			p.String(), tenantID).Scan(ctx, &claimed)
		if errors.Is(err, sql.ErrNoRows) {
			outcome = digestAlreadySent
			return nil
		} else if err != nil {
			return err
		}
		var t tenantModel
		if err := tx.NewSelect().Model(&t).Where("id = ?", tenantID).Scan(ctx); err != nil {
			return err
		}
		products, err := digestProducts(ctx, tx, p, p.End(), tenantID)
		if err != nil {
			return err
		}
		to := deref(t.CertifiedEmail)
		if to == "" {
			to = deref(t.LegalRepEmail)
		}
		summary := map[string]any{"products": products}
		if to == "" {
			outcome = digestNoAddress
		} else {
			summary["sentTo"] = to
			email := compose(p, t.domain(), products)
			email.To, email.TenantID, email.UserID = to, &tenantID, nil
			if err := EnqueueEmail(ctx, tx, email); err != nil {
				return err
			}
		}
		if _, err := tx.NewRaw(`UPDATE digest_runs SET sent_to = ?, summary = ? WHERE period = ? AND tenant_id = ?`,
			nullable(to), summary, p.String(), tenantID).Exec(ctx); err != nil {
			return err
		}
		return RecordChange(ctx, tx, ac, domain.AuditEvent{TenantID: &tenantID, Action: "digest.send", TargetType: "Tenant",
			TargetID: &tenantID, After: map[string]any{"period": p.String(), "sentTo": to, "products": len(products)}}, nil)
	})
	return outcome, mapError(err)
}

// DigestPreview computes a tenant's digest of period up to until (the
// month's end, or now for the current month) as the email would carry it,
// and whether it was sent, composed by compose as RunDigest composes it. It
// sends and records nothing.
func (s *OversightService) DigestPreview(ctx context.Context, p domain.Period, until time.Time, tenantID int64, compose ComposeDigest) (*domain.DigestPreview, error) {
	var t tenantModel
	if err := s.db.NewSelect().Model(&t).Where("id = ?", tenantID).Scan(ctx); err != nil {
		return nil, notFoundOr(err, "Tenant not found.")
	}
	products, err := digestProducts(ctx, s.db, p, until, tenantID)
	if err != nil {
		return nil, mapError(err)
	}
	email := compose(p, t.domain(), products)
	out := &domain.DigestPreview{Period: p, Until: until, Complete: !until.Before(p.End()), Products: products,
		Template: email.Template, Language: email.Language, Data: email.Data}
	var sent []struct {
		SentTo    *string   `bun:"sent_to"`
		CreatedAt time.Time `bun:"created_at"`
	}
	if err := s.db.NewRaw(`SELECT sent_to, created_at FROM digest_runs WHERE period = ? AND tenant_id = ?`, p.String(), tenantID).
		Scan(ctx, &sent); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, mapError(err)
	}
	if len(sent) == 1 {
		out.SentTo, out.SentAt = sent[0].SentTo, &sent[0].CreatedAt
	}
	return out, nil
}

// digestProducts computes a tenant's digest lines of period up to end.
func digestProducts(ctx context.Context, idb bun.IDB, p domain.Period, end time.Time, tenantID int64) ([]domain.DigestProduct, error) {
	inactiveBefore := end.Add(-domain.InactivityThreshold)
	inactive := `u.kind = 'HUMAN' AND ra.status = 'ACTIVE' AND u.status IN ('ACTIVE', 'INVITED')
		AND coalesce(u.last_login_at, u.created_at) < ?`
	var rows []struct {
		ProductID      int64    `bun:"product_id"`
		Code           string   `bun:"code"`
		Name           string   `bun:"name"`
		Added          int      `bun:"added"`
		NoLongerActive int      `bun:"no_longer_active"`
		Inactive       int      `bun:"inactive"`
		Usernames      []string `bun:"usernames,array"`
	}
	err := idb.NewRaw(`SELECT p.id AS product_id, p.code, p.name,
			count(DISTINCT ra.user_id) FILTER (WHERE ra.created_at >= ?) AS added,
			count(DISTINCT ra.user_id) FILTER (WHERE ra.status = 'SUSPENDED' OR u.status IN ('SUSPENDED', 'LOCKED')) AS no_longer_active,
			count(DISTINCT ra.user_id) FILTER (WHERE `+inactive+`) AS inactive,
			coalesce((array_agg(DISTINCT u.username ORDER BY u.username) FILTER (WHERE `+inactive+`))[1:?], '{}') AS usernames
		FROM role_assignments ra JOIN users u ON u.id = ra.user_id JOIN products p ON p.id = ra.product_id
		WHERE ra.tenant_id = ? AND ra.created_at < ?
		GROUP BY p.id ORDER BY p.name, p.id`,
		p.Start(), inactiveBefore, inactiveBefore, DigestInactiveListed, tenantID, end).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	out := make([]domain.DigestProduct, len(rows))
	for i, r := range rows {
		out[i] = domain.DigestProduct{ProductID: r.ProductID, Code: r.Code, Name: r.Name, Added: r.Added,
			NoLongerActive: r.NoLongerActive, Inactive: r.Inactive, InactiveUsernames: r.Usernames}
	}
	return out, nil
}

// DigestPending reports whether some tenant has not had period's digest:
// the scheduler's cheap check before a run.
func (s *OversightService) DigestPending(ctx context.Context, p domain.Period) (bool, error) {
	var pending bool
	err := s.db.NewRaw(`SELECT EXISTS (SELECT 1 FROM tenants t WHERE t.created_at < ?
		AND NOT EXISTS (SELECT 1 FROM digest_runs d WHERE d.period = ? AND d.tenant_id = t.id))`,
		p.End(), p.String()).Scan(ctx, &pending)
	return pending, mapError(err)
}
