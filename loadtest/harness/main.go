// Command harness runs the k6 load tests in loadtest/ against the real
// server on the benchmark dataset, with the baseline server beside it, and
// writes the results into a section of BENCHMARKS.md. loadtest/run.sh is the
// one command; see BENCHMARKS.md for what each test measures.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"tenantadmin/bench/markdown"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"tenantadmin/auth"
	"tenantadmin/bench"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		os.Exit(1)
	}
}

type config struct {
	dbURL, k6, out, section, command, dir string
	duration                              string
	vus, subscribers, eventRate           int
	tests                                 []string
}

func run(ctx context.Context) error {
	c := config{}
	flag.StringVar(&c.dbURL, "database-url", os.Getenv("BENCH_DATABASE_URL"), "benchmark database loaded by cmd/datagen (BENCH_DATABASE_URL)")
	flag.StringVar(&c.k6, "k6", "k6", "the k6 binary")
	flag.StringVar(&c.out, "out", "BENCHMARKS.md", "file whose section is replaced with the results")
	flag.StringVar(&c.section, "section", "load-tests", "section of the file")
	flag.StringVar(&c.command, "command", "loadtest/run.sh", "the command reported")
	flag.StringVar(&c.dir, "dir", "loadtest", "folder of the k6 scripts")
	flag.StringVar(&c.duration, "duration", "20s", "duration of each measured scenario")
	flag.IntVar(&c.vus, "vus", 4, "concurrent virtual users of each scenario (login: one per core)")
	flag.IntVar(&c.subscribers, "subscribers", 500, "subscriptions of the fan-out test")
	flag.IntVar(&c.eventRate, "event-rate", 2, "changes per second during the fan-out test")
	tests := flag.String("tests", "users_page,profile,mutations,login,fanout", "tests to run")
	flag.Parse()
	c.tests = strings.Split(*tests, ",")
	if c.dbURL == "" {
		return fmt.Errorf("no database: set BENCH_DATABASE_URL or -database-url (load it with go run ./cmd/datagen)")
	}

	// The baseline's connections have the server's session settings and
	// pool size (issue 17.5): simple protocol, no parallel workers, 20.
	pool, err := bench.NewPool(ctx, c.dbURL, 20)
	if err != nil {
		return err
	}
	defer pool.Close()
	base, err := bench.NewBaseline(ctx, c.dbURL, pool, auth.DefaultArgon2)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = http.Serve(ln, base) }() // serves until the harness exits
	// Rate limits off: the tests measure throughput, not the limits. As
	// many hashing slots as the login baseline has clients (one per core):
	// the default pool, half the cores (issue 17.4), would set one hashing
	// core against the baseline's two.
	srv, err := bench.StartServerProcess(c.dbURL, "-rate-login-account", "0", "-rate-login-ip", "0",
		"-rate-api-session", "0", "-rate-api-tenant", "0", "-rate-api-ip", "0", "-digest-interval", "0",
		"-hash-concurrency", strconv.Itoa(runtime.NumCPU()))
	if err != nil {
		return err
	}
	defer srv.Stop()

	fx, err := fixtures(ctx, pool, base, srv)
	if err != nil {
		return err
	}
	fx["baseURL"] = srv.URL
	fx["baselineURL"] = "http://" + ln.Addr().String()
	tmp, err := os.MkdirTemp("", "loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fxPath := filepath.Join(tmp, "fixtures.json")
	b, _ := json.Marshal(fx)
	if err := os.WriteFile(fxPath, b, 0o600); err != nil {
		return err
	}

	// The users the mutation and fan-out tests create are deleted at the
	// end, so that runs leave the dataset as they found it (their audit
	// records and change events stay).
	seed := fx["mutations"].(map[string]any)["seed"].(int64)
	defer func() {
		tag, err := pool.Exec(context.WithoutCancel(ctx), "DELETE FROM users WHERE username LIKE $1", fmt.Sprintf("lt%d.%%", seed))
		if err != nil {
			fmt.Fprintln(os.Stderr, "harness: deleting the created users:", err)
			return
		}
		fmt.Fprintf(os.Stderr, "== deleted the %d users the tests created\n", tag.RowsAffected())
	}()

	var results []result
	for _, t := range c.tests {
		r, err := runK6(ctx, c, t, fxPath, tmp)
		if err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		results = append(results, r)
		fmt.Fprintf(os.Stderr, "== %s done (load %s)\n", t, r.load)
	}
	return writeResults(c, results)
}

// fixtures picks what the scripts need from the dataset and creates their
// sessions: tokens of the three viewers, the users page's variables, users
// to open, a tenant, product and roles to create users with, and an account
// to sign in with.
func fixtures(ctx context.Context, pool *pgxpool.Pool, base *bench.Baseline, srv *bench.Server) (map[string]any, error) {
	fx := map[string]any{"usersPageQuery": bench.UsersPageQuery, "profileQuery": bench.ProfileQuery}
	tokens := map[string]string{}
	var tenantAdmin bench.ViewerInfo
	for _, v := range base.Viewers() {
		t, err := srv.Session(v.UserID)
		if err != nil {
			return nil, err
		}
		tokens[v.Name] = t
		if v.Name == "tenant-admin" {
			tenantAdmin = v
		}
	}
	var cases []map[string]any
	for _, v := range base.Viewers() {
		for _, f := range bench.FilterNames() {
			vars, err := base.UsersPageVariables(v.Name, f)
			if err != nil {
				return nil, err
			}
			cases = append(cases, map[string]any{"viewer": v.Name, "filter": f, "token": tokens[v.Name], "variables": vars})
		}
	}
	fx["usersPage"] = cases

	// The tenant administrator's tenant and two roles of products they
	// administer there, assignable without a nomination or a site, that one
	// person may hold together: of two products, or two roles of a product
	// whose roles are not the levels of a module (one level per member).
	var tenant, product, product2, role, role2 int64
	if err := pool.QueryRow(ctx, `WITH c AS (
			SELECT DISTINCT ra.tenant_id, r.product_id, r.id AS role_id, p.single_level
			FROM role_assignments ra JOIN roles r ON r.product_id = ra.product_id JOIN products p ON p.id = r.product_id
			WHERE ra.user_id = $1 AND ra.category = 'ADMIN' AND ra.status = 'ACTIVE'
				AND r.category = 'OPERATOR' AND NOT r.requires_nomination AND NOT r.requires_site)
		SELECT a.tenant_id, a.product_id, b.product_id, a.role_id, b.role_id FROM c a JOIN c b
			ON b.tenant_id = a.tenant_id AND b.role_id <> a.role_id AND (b.product_id <> a.product_id OR NOT a.single_level)
		ORDER BY a.role_id, b.role_id LIMIT 1`, tenantAdmin.UserID).Scan(&tenant, &product, &product2, &role, &role2); err != nil {
		return nil, fmt.Errorf("tenant administrator's grant: %w", err)
	}
	rows, err := pool.Query(ctx, `SELECT user_id FROM memberships WHERE tenant_id = $1 ORDER BY md5(user_id::text) LIMIT 500`, tenant)
	if err != nil {
		return nil, err
	}
	var users []map[string]any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		users = append(users, map[string]any{"id": id, "globalId": bench.GlobalID("User", id)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	fx["profile"] = map[string]any{"viewer": "tenant-admin", "token": tokens["tenant-admin"], "users": users}

	fx["mutations"] = map[string]any{"token": tokens["tenant-admin"], "seed": time.Now().UnixMilli(),
		"tenantId": tenant, "tenantGid": bench.GlobalID("Tenant", tenant),
		"productId": product, "productGid": bench.GlobalID("Product", product), "product2Id": product2,
		"roleId": role, "roleGid": bench.GlobalID("Role", role),
		"role2Id": role2, "role2Gid": bench.GlobalID("Role", role2)}
	fx["fanout"] = map[string]any{"token": tokens["tenant-admin"], "tenantGid": bench.GlobalID("Tenant", tenant)}

	// An active operator of the tenant, without a second factor, signs in
	// with a known password.
	var loginID int64
	var username string
	if err := pool.QueryRow(ctx, `SELECT u.id, u.username FROM users u JOIN memberships m ON m.user_id = u.id
		WHERE m.tenant_id = $1 AND u.status = 'ACTIVE' AND u.kind = 'HUMAN' AND NOT u.platform_admin
		AND NOT EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.user_id = u.id AND ra.category = 'ADMIN')
		ORDER BY u.id LIMIT 1`, tenant).Scan(&loginID, &username); err != nil {
		return nil, fmt.Errorf("account to sign in with: %w", err)
	}
	const password = "load test password 42"
	hash, err := auth.HashPassword(password, auth.DefaultArgon2)
	if err != nil {
		return nil, err
	}
	if _, err := pool.Exec(ctx, `INSERT INTO credentials (user_id, password_hash, password_changed_at) VALUES ($1, $2, now())
		ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, password_changed_at = now()`, loginID, hash); err != nil {
		return nil, err
	}
	fx["login"] = map[string]any{"username": username, "password": password}
	return fx, nil
}

// result is one test's k6 summary.
type result struct {
	test, load string
	vus        int
	metrics    map[string]map[string]float64
}

func runK6(ctx context.Context, c config, test, fxPath, tmp string) (result, error) {
	vus := c.vus
	if test == "login" {
		vus = runtime.NumCPU() // argon2id is CPU-bound: more clients only queue
	}
	summary := filepath.Join(tmp, test+".json")
	cmd := exec.CommandContext(ctx, c.k6, "run", "--quiet", "--no-usage-report",
		"-e", "FIXTURES="+fxPath, "-e", "SUMMARY="+summary, "-e", "DURATION="+c.duration,
		"-e", fmt.Sprintf("VUS=%d", vus), "-e", fmt.Sprintf("SUBSCRIBERS=%d", c.subscribers),
		"-e", fmt.Sprintf("EVENT_RATE=%d", c.eventRate), filepath.Join(c.dir, test+".js"))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	fmt.Fprintf(os.Stderr, "== k6 %s\n", test)
	if err := cmd.Run(); err != nil {
		return result{}, err
	}
	raw, err := os.ReadFile(summary)
	if err != nil {
		return result{}, err
	}
	var data struct {
		Metrics map[string]struct {
			Values map[string]float64 `json:"values"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		return result{}, err
	}
	r := result{test: test, vus: vus, load: loadAverage(), metrics: map[string]map[string]float64{}}
	for k, v := range data.Metrics {
		r.metrics[k] = v.Values
	}
	return r, nil
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:3], " ")
}

var titles = map[string]string{
	"users_page": "users page of 50 with roles, random viewer and filter",
	"profile":    "user profile with memberships and roles",
	"mutations":  "createUser + assignRole",
	"login":      "login (argon2id)",
}

var baselines = map[string]string{
	"users_page": "same SQL by hand (pgx)",
	"profile":    "same SQL by hand (pgx)",
	"mutations":  "same rows inserted by hand (pgx)",
	"login":      "raw argon2id hash",
}

// writeResults writes the k6 results, each beside its baseline, into the
// load-test section of BENCHMARKS.md.
func writeResults(c config, results []result) error {
	secs, err := time.ParseDuration(c.duration)
	if err != nil {
		return err
	}
	var b strings.Builder
	commit, _ := exec.Command("git", "describe", "--always", "--dirty").Output()
	fmt.Fprintf(&b, "### Results\n\n")
	fmt.Fprintf(&b, "- Command: `%s`\n", c.command)
	fmt.Fprintf(&b, "- Date: %s, commit `%s`\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), strings.TrimSpace(string(commit)))
	fmt.Fprintf(&b, "- Each scenario runs %s with its virtual users; the baseline scenario runs right after the GraphQL one, with the same clients. Latencies in ms, throughput in operations per second (iterations ÷ %s).\n\n", c.duration, c.duration)
	fmt.Fprintf(&b, "| test | clients | load avg | GraphQL p50 | p95 | p99 | ops/s | baseline | p50 | p95 | p99 | ops/s | ratio p50 | p95 | throughput (GraphQL ÷ baseline) |\n")
	fmt.Fprintf(&b, "| --- | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	var fanout *result
	for i, r := range results {
		if r.test == "fanout" {
			fanout = &results[i]
			continue
		}
		g, s := r.metrics["graphql_ms"], r.metrics["baseline_ms"]
		if g == nil || s == nil {
			return fmt.Errorf("%s: no graphql_ms or baseline_ms in the summary", r.test)
		}
		gt, st := g["count"]/secs.Seconds(), s["count"]/secs.Seconds()
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f× | %.2f× | %.2f |\n",
			titles[r.test], r.vus, r.load, markdown.Millis(g["med"]), markdown.Millis(g["p(95)"]), markdown.Millis(g["p(99)"]), num(gt),
			baselines[r.test], markdown.Millis(s["med"]), markdown.Millis(s["p(95)"]), markdown.Millis(s["p(99)"]), num(st),
			g["med"]/s["med"], g["p(95)"]/s["p(95)"], gt/st)
	}
	if fanout != nil {
		one, many := fanout.metrics["delivery_single_ms"], fanout.metrics["delivery_many_ms"]
		if one == nil || many == nil {
			return fmt.Errorf("fanout: no deliveries recorded")
		}
		fmt.Fprintf(&b, "\nSubscription fan-out: `changes` subscriptions over graphql-transport-ws on the tenant administrator's tenant, %d createUser per second for %s; delay from the change's `occurredAt` (its transaction) to the message at the client, in ms. Load average %s.\n\n", c.eventRate, c.duration, fanout.load)
		fmt.Fprintf(&b, "| subscriptions | deliveries | p50 | p95 | p99 |\n| ---: | ---: | ---: | ---: | ---: |\n")
		fmt.Fprintf(&b, "| 1 (baseline) | %.0f | %s | %s | %s |\n", one["count"], markdown.Millis(one["med"]), markdown.Millis(one["p(95)"]), markdown.Millis(one["p(99)"]))
		fmt.Fprintf(&b, "| %d | %.0f | %s | %s | %s |\n", c.subscribers, many["count"], markdown.Millis(many["med"]), markdown.Millis(many["p(95)"]), markdown.Millis(many["p(99)"]))
		fmt.Fprintf(&b, "| ratio | | %.2f× | %.2f× | %.2f× |\n", many["med"]/one["med"], many["p(95)"]/one["p(95)"], many["p(99)"]/one["p(99)"])
	}
	return markdown.WriteSection(c.out, c.section, b.String())
}

func num(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}
