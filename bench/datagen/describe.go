package datagen

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
)

// Describe prints a Markdown summary of the dataset in the database: row
// counts, the shape of the tenant forest and how users spread over tenants.
func Describe(ctx context.Context, databaseURL string, w io.Writer) error {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	fmt.Fprintln(w, "| table | rows | size |")
	fmt.Fprintln(w, "| --- | ---: | ---: |")
	for _, t := range loadTables {
		var n int64
		var size string
		if err := conn.QueryRow(ctx, "SELECT count(*), pg_size_pretty(pg_total_relation_size($1::regclass)) FROM "+t, t).Scan(&n, &size); err != nil {
			return err
		}
		fmt.Fprintf(w, "| %s | %d | %s |\n", t, n, size)
	}
	var line string
	for _, q := range []struct{ label, sql string }{
		{"organisations (root tenants)", `SELECT count(*)::text FROM tenants WHERE parent_id IS NULL`},
		{"tenants by depth", `WITH RECURSIVE d AS (SELECT id, 1 AS depth FROM tenants WHERE parent_id IS NULL
			UNION ALL SELECT t.id, d.depth + 1 FROM tenants t JOIN d ON t.parent_id = d.id)
			SELECT string_agg(depth || ': ' || n, ', ' ORDER BY depth) FROM (SELECT depth, count(*) n FROM d GROUP BY depth) x`},
		{"tenants per organisation (max, p99, median)", `WITH RECURSIVE d AS (SELECT id, id AS root FROM tenants WHERE parent_id IS NULL
			UNION ALL SELECT t.id, d.root FROM tenants t JOIN d ON t.parent_id = d.id),
			s AS (SELECT root, count(*) n FROM d GROUP BY root)
			SELECT max(n) || ', ' || percentile_disc(0.99) WITHIN GROUP (ORDER BY n) || ', ' || percentile_disc(0.5) WITHIN GROUP (ORDER BY n) FROM s`},
		{"members per tenant (top 5)", `SELECT string_agg(n::text, ', ') FROM (SELECT count(*) n FROM memberships GROUP BY tenant_id ORDER BY n DESC LIMIT 5) x`},
		{"members per tenant (p90, median, min)", `WITH s AS (SELECT count(*) n FROM memberships GROUP BY tenant_id)
			SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY n) || ', ' || percentile_disc(0.5) WITHIN GROUP (ORDER BY n) || ', ' || min(n) FROM s`},
		{"tenants with ≥ 10,000 / ≥ 1,000 members", `WITH s AS (SELECT count(*) n FROM memberships GROUP BY tenant_id)
			SELECT count(*) FILTER (WHERE n >= 10000) || ' / ' || count(*) FILTER (WHERE n >= 1000) FROM s`},
		{"users with memberships in several tenants", `SELECT count(*)::text FROM (SELECT user_id FROM memberships GROUP BY user_id HAVING count(*) > 1) x`},
		{"users by status", `SELECT string_agg(status || ': ' || n, ', ' ORDER BY status) FROM (SELECT status, count(*) n FROM users GROUP BY status) x`},
		{"role assignments by category", `SELECT string_agg(category || ': ' || n, ', ' ORDER BY category) FROM (SELECT category, count(*) n FROM role_assignments GROUP BY category) x`},
	} {
		if err := conn.QueryRow(ctx, q.sql).Scan(&line); err != nil && err != pgx.ErrNoRows {
			return fmt.Errorf("%s: %w", q.label, err)
		}
		fmt.Fprintf(w, "\n- %s: %s", q.label, line)
	}
	fmt.Fprintln(w)
	return nil
}
