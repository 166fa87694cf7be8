package datagen

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"tenantadmin/auth"
	"tenantadmin/db"
)

// Stats counts the rows loaded per table.
type Stats struct {
	Rows     map[string]int64
	Duration time.Duration
}

// loadTables are the tables the generator fills, in load order (parents
// first). Their keys, indexes and foreign keys (and foreign keys pointing
// at them) are dropped during the COPYs and rebuilt after.
var loadTables = []string{
	"tenants", "groups", "users", "memberships", "membership_products",
	"role_assignments", "group_members", "credentials", "audit_events",
}

// clearedTables are emptied by a reset as well; missing ones are skipped.
var clearedTables = []string{"setup_tokens", "email_outbox", "invitations", "events"}

// Generate migrates the database at databaseURL (creating it when it does
// not exist), loads the catalog and the dataset, and reports progress to log.
func Generate(ctx context.Context, cfg Config, databaseURL string, log io.Writer) (*Stats, error) {
	start := time.Now()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := ensureDatabase(ctx, databaseURL, log); err != nil {
		return nil, err
	}
	d, err := db.Open(ctx, databaseURL, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	err = d.Migrate(ctx)
	if err == nil {
		err = d.LoadCatalog(ctx, db.DefaultCatalog)
	}
	d.Close()
	if err != nil {
		return nil, err
	}

	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	cat, err := readCatalog(ctx, conn)
	if err != nil {
		return nil, err
	}
	p, err := newPlan(cfg, cat)
	if err != nil {
		return nil, err
	}
	if !cfg.Reset {
		var used bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM tenants) OR EXISTS (SELECT 1 FROM users)").Scan(&used); err != nil {
			return nil, err
		}
		if used {
			return nil, errors.New("the database already holds tenants or users; pass -reset to replace them")
		}
	}
	var passwordHash string
	if cfg.AdminPassword != "" {
		if passwordHash, err = auth.HashPassword(cfg.AdminPassword, auth.DefaultArgon2); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(log, "datagen: %d tenants (%d organisations), %d users, %d groups, %d audit events, seed %d\n",
		cfg.Tenants, cfg.Orgs, cfg.Users, len(p.groups), cfg.AuditEvents, cfg.Seed)

	l := &loader{conn: conn, plan: p, log: log, stats: &Stats{Rows: map[string]int64{}}, passwordHash: passwordHash}
	if err := l.load(ctx); err != nil {
		return nil, err
	}
	step := time.Now()
	for _, t := range loadTables {
		if _, err := conn.Exec(ctx, "VACUUM (ANALYZE) "+t); err != nil {
			return nil, fmt.Errorf("vacuum %s: %w", t, err)
		}
	}
	fmt.Fprintf(log, "datagen: vacuum and analyze in %s\n", time.Since(step).Round(time.Millisecond))
	l.stats.Duration = time.Since(start)
	fmt.Fprintf(log, "datagen: done in %s\n", l.stats.Duration.Round(time.Millisecond))
	return l.stats, nil
}

// ensureDatabase creates the target database when it does not exist. Test
// databases and their templates are refused.
func ensureDatabase(ctx context.Context, databaseURL string, log io.Writer) error {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return fmt.Errorf("database URL: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if strings.HasPrefix(name, "tenantadmin_tpl_") || name == "postgres" || name == "" {
		return fmt.Errorf("refusing to load into %q: name a dedicated database, e.g. tenantadmin_bench", name)
	}
	conn, err := pgx.Connect(ctx, databaseURL)
	if err == nil {
		return conn.Close(ctx)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" {
		return err
	}
	admin := *u
	admin.Path = "/postgres"
	c, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	fmt.Fprintf(log, "datagen: created database %s\n", name)
	return nil
}

func readCatalog(ctx context.Context, conn *pgx.Conn) (catalog, error) {
	rows, err := conn.Query(ctx, `SELECT p.id, p.code, p.single_level, r.id, r.code, r.category, r.requires_site
		FROM products p JOIN roles r ON r.product_id = p.id WHERE NOT r.retired ORDER BY p.code, r.code`)
	if err != nil {
		return catalog{}, err
	}
	var cat catalog
	for rows.Next() {
		var pid, rid int64
		var pcode, rcode, category string
		var site, singleLevel bool
		if err := rows.Scan(&pid, &pcode, &singleLevel, &rid, &rcode, &category, &site); err != nil {
			return catalog{}, err
		}
		if n := len(cat.products); n == 0 || cat.products[n-1].id != pid {
			cat.products = append(cat.products, product{id: pid, code: pcode, singleLevel: singleLevel})
		}
		p := &cat.products[len(cat.products)-1]
		r := role{id: rid, code: rcode, requiresSite: site}
		if category == "ADMIN" {
			p.admin = append(p.admin, r)
		} else {
			p.operator = append(p.operator, r)
		}
	}
	return cat, rows.Err()
}

type loader struct {
	conn         *pgx.Conn
	plan         *plan
	log          io.Writer
	stats        *Stats
	passwordHash string
}

// ddl is a saved key, index or foreign key to rebuild.
type ddl struct{ name, table, def string }

func (l *loader) load(ctx context.Context) error {
	tx, err := l.conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.Background()) }() // after Commit only ErrTxClosed
	mem := l.plan.cfg.MaintenanceWorkMem
	if mem == "" {
		mem = "512MB"
	}
	for _, s := range []string{
		"SET LOCAL maintenance_work_mem = " + quoteLiteral(mem),
		"SET LOCAL synchronous_commit = off",
	} {
		if _, err := tx.Exec(ctx, s); err != nil {
			return err
		}
	}

	truncate := append([]string(nil), loadTables...)
	for _, t := range clearedTables {
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", t).Scan(&exists); err != nil {
			return err
		}
		if exists {
			truncate = append(truncate, t)
		}
	}
	if _, err := tx.Exec(ctx, "TRUNCATE "+strings.Join(truncate, ", ")+" RESTART IDENTITY CASCADE"); err != nil {
		return fmt.Errorf("truncate: %w", err)
	}

	keys, indexes, fks, err := l.dropConstraints(ctx, tx)
	if err != nil {
		return err
	}
	// Triggers (memberships_set_username) would look up every row: the
	// generator writes what they would.
	for _, t := range loadTables {
		if _, err := tx.Exec(ctx, "ALTER TABLE "+t+" DISABLE TRIGGER USER"); err != nil {
			return err
		}
	}

	copies := []struct {
		table   string
		columns []string
		produce func(emit func([]any))
	}{
		{"tenants", []string{"id", "parent_id", "name", "country", "tax_code", "certified_email", "version", "created_at", "updated_at"}, l.tenants},
		{"groups", []string{"id", "tenant_id", "product_id", "name", "active", "version", "created_at"}, l.groups},
		{"users", []string{"id", "uid", "kind", "username", "tax_code", "tax_country", "given_name", "family_name", "name_verified",
			"email", "email_verified", "phone", "language", "time_zone", "status", "home_tenant_id", "platform_admin", "version",
			"created_at", "updated_at"}, l.users},
		{"memberships", []string{"id", "tenant_id", "user_id", "username", "created_at"}, l.memberships},
		{"membership_products", []string{"membership_id", "product_id", "category"}, l.membershipProducts},
		{"role_assignments", []string{"id", "membership_id", "tenant_id", "user_id", "product_id", "role_id", "category", "status",
			"created_at", "updated_at"}, l.roleAssignments},
		{"group_members", []string{"group_id", "user_id", "created_at"}, l.groupMembers},
		{"credentials", []string{"user_id", "password_hash", "password_changed_at"}, l.credentials},
		{"audit_events", []string{"id", "tenant_id", "actor_id", "actor_label", "action", "target_type", "target_id", "before", "after",
			"ip", "user_agent", "request_id", "created_at"}, l.auditEvents},
	}
	for _, c := range copies {
		if err := l.copy(ctx, tx, c.table, c.columns, c.produce); err != nil {
			return err
		}
	}

	step := time.Now()
	for _, group := range []struct {
		what string
		ddl  []ddl
		sql  func(ddl) string
	}{
		{"keys", keys, func(d ddl) string { return fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", d.table, d.name, d.def) }},
		{"indexes", indexes, func(d ddl) string { return d.def }},
		{"foreign keys", fks, func(d ddl) string { return fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", d.table, d.name, d.def) }},
	} {
		for _, d := range group.ddl {
			t := time.Now()
			if _, err := tx.Exec(ctx, group.sql(d)); err != nil {
				return fmt.Errorf("rebuild %s: %w", d.name, err)
			}
			if el := time.Since(t); el > 2*time.Second {
				fmt.Fprintf(l.log, "datagen:   %s in %s\n", d.name, el.Round(time.Millisecond))
			}
		}
		fmt.Fprintf(l.log, "datagen: rebuilt %d %s (%s so far)\n", len(group.ddl), group.what, time.Since(step).Round(time.Millisecond))
	}
	for _, t := range loadTables {
		if _, err := tx.Exec(ctx, "ALTER TABLE "+t+" ENABLE TRIGGER USER"); err != nil {
			return err
		}
	}
	for _, t := range loadTables {
		var seq *string
		if err := tx.QueryRow(ctx, `SELECT pg_get_serial_sequence($1, 'id') FROM pg_attribute
			WHERE attrelid = $1::regclass AND attname = 'id' AND NOT attisdropped`, t).Scan(&seq); err != nil && err != pgx.ErrNoRows {
			return err
		}
		if seq != nil {
			if _, err := tx.Exec(ctx, fmt.Sprintf("SELECT setval(%s, coalesce((SELECT max(id) FROM %s), 0) + 1, false)", quoteLiteral(*seq), t)); err != nil {
				return err
			}
		}
	}
	return tx.Commit(ctx)
}

// dropConstraints saves and drops the keys, indexes and foreign keys of the
// load tables, and the foreign keys of other tables that point at them.
func (l *loader) dropConstraints(ctx context.Context, tx pgx.Tx) (keys, indexes, fks []ddl, err error) {
	query := func(sql string) ([]ddl, error) {
		rows, err := tx.Query(ctx, sql, loadTables)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ddl, error) {
			var d ddl
			return d, r.Scan(&d.name, &d.table, &d.def)
		})
	}
	const tables = `(SELECT to_regclass(t)::oid FROM unnest($1::text[]) t)`
	if fks, err = query(`SELECT quote_ident(conname), conrelid::regclass::text, pg_get_constraintdef(oid)
		FROM pg_constraint WHERE contype = 'f' AND (conrelid IN ` + tables + ` OR confrelid IN ` + tables + `)
		ORDER BY conrelid, conname`); err != nil {
		return
	}
	if keys, err = query(`SELECT quote_ident(conname), conrelid::regclass::text, pg_get_constraintdef(oid)
		FROM pg_constraint WHERE contype IN ('p', 'u') AND conrelid IN ` + tables + `
		ORDER BY conrelid, contype, conname`); err != nil {
		return
	}
	if indexes, err = query(`SELECT i.indexrelid::regclass::text, i.indrelid::regclass::text, pg_get_indexdef(i.indexrelid)
		FROM pg_index i WHERE i.indrelid IN ` + tables + `
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
		ORDER BY i.indrelid, i.indexrelid::regclass::text`); err != nil {
		return
	}
	for _, d := range fks {
		if _, err = tx.Exec(ctx, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", d.table, d.name)); err != nil {
			return
		}
	}
	for _, d := range keys {
		if _, err = tx.Exec(ctx, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", d.table, d.name)); err != nil {
			return
		}
	}
	for _, d := range indexes {
		if _, err = tx.Exec(ctx, "DROP INDEX "+d.name); err != nil {
			return
		}
	}
	fmt.Fprintf(l.log, "datagen: dropped %d keys, %d indexes and %d foreign keys for the load\n", len(keys), len(indexes), len(fks))
	return
}

// copy streams the rows a producer emits into table with COPY. Rows are
// produced in batches on another goroutine while pgx encodes and sends.
func (l *loader) copy(ctx context.Context, tx pgx.Tx, table string, columns []string, produce func(emit func([]any))) error {
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan [][]any, 8)
	go func() {
		defer close(batches)
		batch := make([][]any, 0, 1024)
		produce(func(row []any) {
			batch = append(batch, row)
			if len(batch) == cap(batch) {
				select {
				case batches <- batch:
				case <-ctx.Done():
					runtime.Goexit() // the COPY failed: stop producing
				}
				batch = make([][]any, 0, 1024)
			}
		})
		if len(batch) > 0 {
			select {
			case batches <- batch:
			case <-ctx.Done():
			}
		}
	}()
	src := &batchSource{batches: batches, progress: func(n int64) {
		fmt.Fprintf(l.log, "datagen:   %s: %d rows (%s)\n", table, n, time.Since(start).Round(time.Second))
	}}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{table}, columns, src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	l.stats.Rows[table] = n
	el := time.Since(start)
	fmt.Fprintf(l.log, "datagen: %s: %d rows in %s (%.0f rows/s)\n", table, n, el.Round(time.Millisecond), float64(n)/max(el.Seconds(), 1e-9))
	return nil
}

type batchSource struct {
	batches  <-chan [][]any
	cur      [][]any
	i        int
	n        int64
	last     time.Time
	progress func(int64)
}

func (s *batchSource) Next() bool {
	s.i++
	for s.i >= len(s.cur) {
		b, ok := <-s.batches
		if !ok {
			return false
		}
		s.cur, s.i = b, 0
	}
	s.n++
	if s.n%100_000 == 0 && time.Since(s.last) > 5*time.Second {
		if !s.last.IsZero() {
			s.progress(s.n)
		}
		s.last = time.Now()
	}
	return true
}

func (s *batchSource) Values() ([]any, error) { return s.cur[s.i], nil }
func (s *batchSource) Err() error             { return nil }

// Producers: one per table, each a pure function of the plan.

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (l *loader) tenants(emit func([]any)) {
	for i := range l.plan.tenants {
		t := &l.plan.tenants[i]
		var parent any
		if t.parent != 0 {
			parent = t.parent
		}
		emit([]any{t.id, parent, t.name, l.plan.orgs[t.org].country, nullable(t.taxCode), nullable(t.pec), int32(1), t.created, t.created})
	}
}

func (l *loader) groups(emit func([]any)) {
	for _, g := range l.plan.groups {
		emit([]any{g.id, g.tenant, l.plan.cat.products[g.product].id, g.name, g.active, int32(1), g.created})
	}
}

// eachUser calls f with the shape of every user in id order.
func (l *loader) eachUser(f func(s *userShape)) {
	var s userShape
	for id := int64(1); id <= int64(l.plan.cfg.Users); id++ {
		l.plan.shape(id, &s)
		f(&s)
	}
}

func (l *loader) users(emit func([]any)) {
	l.eachUser(func(s *userShape) {
		p := l.plan.person(s)
		var home any
		if s.home != 0 {
			home = s.home
		}
		var taxCode, taxCountry, email, phone any
		if p.taxCode != nil {
			taxCode, taxCountry = *p.taxCode, *p.taxCountry
		}
		if p.email != nil {
			email = *p.email
		}
		if p.phone != nil {
			phone = *p.phone
		}
		emit([]any{s.id, p.uid, p.kind, p.username, taxCode, taxCountry, p.given, p.family, p.nameVerified,
			email, p.emailVerified, phone, p.language, p.timeZone, s.status, home, s.id == 1, int32(1), s.created, p.updated})
	})
}

// memberCreated is when membership k of a user was created.
func memberCreated(s *userShape, k int) time.Time {
	return s.created.Add(time.Duration(k) * 37 * 24 * time.Hour)
}

func (l *loader) memberships(emit func([]any)) {
	mid := int64(0)
	l.eachUser(func(s *userShape) {
		username := l.plan.person(s).username // the trigger that copies it is off during the load
		for k := 0; k < s.nMember; k++ {
			mid++
			emit([]any{mid, s.members[k].tenant, s.id, username, memberCreated(s, k)})
		}
	})
}

func (l *loader) membershipProducts(emit func([]any)) {
	mid := int64(0)
	l.eachUser(func(s *userShape) {
		for k := 0; k < s.nMember; k++ {
			mid++
			m := &s.members[k]
			for i := 0; i < m.nRole; i++ {
				if i > 0 && m.roles[i].product == m.roles[i-1].product {
					continue // roles of one product are consecutive
				}
				emit([]any{mid, l.plan.cat.products[m.roles[i].product].id, m.roles[i].category})
			}
		}
	})
}

func (l *loader) roleAssignments(emit func([]any)) {
	mid, id := int64(0), int64(0)
	l.eachUser(func(s *userShape) {
		for k := 0; k < s.nMember; k++ {
			mid++
			m := &s.members[k]
			created := memberCreated(s, k)
			for i := 0; i < m.nRole; i++ {
				id++
				r := &m.roles[i]
				status, updated := "ACTIVE", created
				if r.suspended {
					status, updated = "SUSPENDED", created.Add(90*24*time.Hour)
				}
				emit([]any{id, mid, m.tenant, s.id, l.plan.cat.products[r.product].id, r.roleID, r.category, status, created, updated})
			}
		}
	})
}

func (l *loader) groupMembers(emit func([]any)) {
	l.eachUser(func(s *userShape) {
		for k := 0; k < s.nMember; k++ {
			if g := s.members[k].group; g != 0 {
				emit([]any{g, s.id, memberCreated(s, k).Add(24 * time.Hour)})
			}
		}
	})
}

func (l *loader) credentials(emit func([]any)) {
	if l.passwordHash == "" {
		return
	}
	for id := int64(1); id <= int64(len(l.plan.tenants))+1; id++ {
		emit([]any{id, l.passwordHash, epoch.Add(-30 * 24 * time.Hour)})
	}
}

func (l *loader) auditEvents(emit func([]any)) {
	p := l.plan
	n := p.cfg.AuditEvents
	firstPerson := int64(len(p.tenants)) + 2
	people := int64(p.cfg.Users) - firstPerson + 1
	var target, actor userShape
	for j := range n {
		r := newRNG(p.cfg.Seed, kindAudit, uint64(j))
		p.shape(firstPerson+int64(r.intn(int(people))), &target)
		action := pick(&r, auditActions)
		actorID := p.adminOf(target.home)
		if action == "user.login" || action == "password.reset" || action == "invitation.accept" {
			actorID = target.id
		} else if r.chance(0.05) {
			actorID = 1
		}
		p.shape(actorID, &actor)
		tenantID := target.home
		var before, after any
		switch action {
		case "user.update":
			before, after = json.RawMessage(`{"phone":null}`), json.RawMessage(fmt.Sprintf(`{"phone":"+39 3%09d"}`, r.intn(1_000_000_000)))
		case "user.suspend":
			before, after = json.RawMessage(`{"status":"ACTIVE"}`), json.RawMessage(`{"status":"SUSPENDED"}`)
		case "user.reactivate":
			before, after = json.RawMessage(`{"status":"SUSPENDED"}`), json.RawMessage(`{"status":"ACTIVE"}`)
		case "role.assign", "role.revoke", "role.suspend":
			if target.members[0].nRole > 0 {
				ra := target.members[0].roles[0]
				after = json.RawMessage(fmt.Sprintf(`{"product":%q,"roleId":%d,"category":%q,"tenantId":%d}`,
					p.cat.products[ra.product].code, ra.roleID, ra.category, tenantID))
			}
		case "user.create", "membership.create":
			after = json.RawMessage(fmt.Sprintf(`{"tenantId":%d,"status":"INVITED"}`, tenantID))
		}
		created := epoch.Add(-time.Duration(float64(2*365*24*time.Hour) * (1 - float64(j)/float64(n)))).
			Add(time.Duration(r.intn(600)) * time.Second)
		var reqID [8]byte
		v := r.u64()
		for k := range reqID {
			reqID[k] = byte(v >> (8 * k))
		}
		emit([]any{int64(j + 1), tenantID, actorID, p.person(&actor).username, action, "User", target.id, before, after,
			fmt.Sprintf("10.%d.%d.%d", r.intn(256), r.intn(256), 1+r.intn(254)), pick(&r, userAgents),
			hex.EncodeToString(reqID[:]), created})
	}
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
