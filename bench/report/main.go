// Command report turns the output of the read-path benchmarks (go test
// -bench -v) into Markdown tables with ratios to their baselines, and writes
// them into one section of BENCHMARKS.md, with the command, the machine and
// the date.
//
//	go run ./bench/report -in bench.out -out BENCHMARKS.md -section read-path -command "bench/run.sh"
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"tenantadmin/bench/markdown"
	"time"

	"github.com/jackc/pgx/v5"
)

func main() {
	in := flag.String("in", "", "go test -bench -v output")
	out := flag.String("out", "BENCHMARKS.md", "Markdown file to update")
	section := flag.String("section", "read-path", "section name: its content between the markers is replaced")
	title := flag.String("title", "Read path", "section heading")
	command := flag.String("command", "", "the command that produced the figures")
	note := flag.String("note", "", "a sentence printed under the heading")
	commit := flag.String("commit", "", "the commit measured (default: git describe now)")
	flag.Parse()
	if *commit == "" {
		*commit = gitCommit()
	}
	if err := run(*in, *out, *section, *title, *command, *note, *commit); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

// result is one benchmark line.
type result struct {
	name    string
	metrics map[string]float64
}

func parse(path string) (results []result, logs []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	// The same description once, when the input joins several go test runs.
	addLog := func(line, from string) {
		if l := strings.TrimSpace(line[strings.Index(line, from):]); !slices.Contains(logs, l) {
			logs = append(logs, l)
		}
	}
	for s.Scan() {
		line := s.Text()
		if strings.Contains(line, "readpath_test.go") && strings.Contains(line, "viewer ") {
			addLog(line, "viewer ")
			continue
		}
		if strings.Contains(line, "profile_test.go") && strings.Contains(line, "profile users of ") {
			addLog(line, "profile users of ")
			continue
		}
		name, metrics, ok := markdown.ParseResult(line)
		if !ok {
			continue
		}
		r := result{name: name, metrics: metrics}
		results = append(results, r)
	}
	return results, logs, s.Err()
}

// runs are the measurements of one benchmark over the runs (go test
// -count N): the figures printed are their median with [min–max].
type runs []map[string]float64

func (r runs) values(metric string) []float64 {
	var out []float64
	for _, m := range r {
		if v, ok := m[metric]; ok {
			out = append(out, v)
		}
	}
	return out
}

func (r runs) ms(metric string) string { return markdown.Spread(r.values(metric), markdown.Millis) }

func (r runs) rate() string {
	return markdown.Spread(r.values("req/s"), func(v float64) string { return fmt.Sprintf("%.0f", v) })
}

func (r runs) cpu() string { return r.ms("srv-cpu-ms") }

// ratio is a÷b run by run (the i-th run of a against the i-th of b, measured
// side by side), as median [min–max].
func ratio(a, b runs, metric string) string {
	var out []float64
	for i := range min(len(a), len(b)) {
		x, y := a[i][metric], b[i][metric]
		if y != 0 {
			out = append(out, x/y)
		}
	}
	return markdown.Spread(out, func(v float64) string { return fmt.Sprintf("%.2f×", v) })
}

func bold(s string) string {
	if s == "–" {
		return s
	}
	if v, rest, ok := strings.Cut(s, " "); ok {
		return "**" + v + "** " + rest
	}
	return "**" + s + "**"
}

// sideBySideHeader writes the header of a table of sideBySide rows whose
// second column is named second.
func sideBySideHeader(b *strings.Builder, second string) {
	fmt.Fprintf(b, "| viewer | %s | GraphQL p50 | p95 | p99 | req/s | server CPU | SQL p50 | p95 | p99 | req/s | ratio p50 | p95 | p99 | throughput |\n", second)
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
}

// graphqlCases are the cases of a benchmark measured side by side: the
// names under prefix that have a …/graphql run (and a …/sql one), in order.
func graphqlCases(order []string, prefix string) []string {
	var cases []string
	for _, n := range order {
		if strings.HasPrefix(n, prefix) && strings.HasSuffix(n, "/graphql") {
			cases = append(cases, strings.TrimSuffix(strings.TrimPrefix(n, prefix), "/graphql"))
		}
	}
	return cases
}

// sideBySide is a table row's figures for one case: GraphQL (with its
// server CPU cell as given), the raw SQL, and the ratios of the two.
func sideBySide(g, s runs, cpu string) string {
	return strings.Join([]string{g.ms("p50-ms"), bold(g.ms("p95-ms")), g.ms("p99-ms"), g.rate(), cpu,
		s.ms("p50-ms"), s.ms("p95-ms"), s.ms("p99-ms"), s.rate(),
		ratio(g, s, "p50-ms"), bold(ratio(g, s, "p95-ms")), ratio(g, s, "p99-ms"), ratio(s, g, "req/s")}, " | ")
}

func tables(results []result) string {
	byName := map[string]runs{}
	var order []string
	for _, r := range results {
		if _, ok := byName[r.name]; !ok {
			order = append(order, r.name)
		}
		byName[r.name] = append(byName[r.name], r.metrics)
	}
	n := 0
	for _, r := range byName {
		n = max(n, len(r))
	}
	var b strings.Builder
	if n > 1 {
		fmt.Fprintf(&b, "Each figure is the median of %d runs, with [min–max]; each ratio is taken run by run (GraphQL and SQL measured side by side), then the median [min–max] of the %d ratios.\n\n", n, n)
	}
	// Users page: GraphQL against the raw SQL baseline.
	pages := graphqlCases(order, "BenchmarkUsersPage/")
	if len(pages) > 0 {
		b.WriteString("Users page of 50 with memberships, tenants, roles and totalCount. Latencies in ms; ratios are GraphQL ÷ raw SQL (throughput: SQL ÷ GraphQL, so above 1× means GraphQL is slower). *Server CPU* is the CPU time the server process spent per request (from /proc), which the other engineers' load on the shared machine does not inflate. The raw SQL connects with the server's settings (db.SessionConfig: simple protocol, no parallel workers).\n\n")
		sideBySideHeader(&b, "filter")
		for _, p := range pages {
			g, s := byName["BenchmarkUsersPage/"+p+"/graphql"], byName["BenchmarkUsersPage/"+p+"/sql"]
			viewer, filter, _ := strings.Cut(p, "/")
			fmt.Fprintf(&b, "| %s | %s | %s |\n", viewer, filter, sideBySide(g, s, g.cpu()))
		}
		b.WriteString("\n")
	}
	// User profile: GraphQL against the raw SQL baseline, and the SPA's
	// wider document through the server only.
	profiles := graphqlCases(order, "BenchmarkUserProfile/")
	if len(profiles) > 0 {
		b.WriteString("User profile: `node(id:)` on a user with memberships, tenants and role assignments (`bench.ProfileQuery`, the document of loadtest/profile.js), cycling through the 20 users of the viewer's scope with the most memberships and roles. Latencies in ms; ratios are GraphQL ÷ raw SQL (throughput: SQL ÷ GraphQL). *SPA document* is the SPA's own `UserProfile` operation (frontend/src/features/users/operations.ts: viewerCan, assignable products, roles, groups and levels), through the server only: it has no raw SQL baseline.\n\n")
		sideBySideHeader(&b, "document")
		for _, v := range profiles {
			g, s := byName["BenchmarkUserProfile/"+v+"/graphql"], byName["BenchmarkUserProfile/"+v+"/sql"]
			fmt.Fprintf(&b, "| %s | profile.js | %s |\n", v, sideBySide(g, s, bold(g.cpu())))
			if spa, ok := byName["BenchmarkUserProfile/"+v+"/spa"]; ok {
				fmt.Fprintf(&b, "| %s | SPA document | %s | %s | %s | %s | %s | – | – | – | – | – | – | – | – |\n",
					v, spa.ms("p50-ms"), spa.ms("p95-ms"), spa.ms("p99-ms"), spa.rate(), spa.cpu())
			}
		}
		b.WriteString("\n")
	}
	// HTTP overhead: against the echo handler.
	if echo, ok := byName["BenchmarkHTTP/echo"]; ok {
		b.WriteString("HTTP overhead: the smallest GraphQL operations through the server against an idle echo handler (the baseline, ratio 1×). Latencies in ms.\n\n")
		b.WriteString("| request | p50 | p95 | p99 | req/s | server CPU | ratio p50 | p95 | p99 | throughput |\n")
		b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
		for _, n := range order {
			if !strings.HasPrefix(n, "BenchmarkHTTP/") {
				continue
			}
			m := byName[n]
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", strings.TrimPrefix(n, "BenchmarkHTTP/"),
				m.ms("p50-ms"), m.ms("p95-ms"), m.ms("p99-ms"), m.rate(), m.cpu(),
				ratio(m, echo, "p50-ms"), ratio(m, echo, "p95-ms"), ratio(m, echo, "p99-ms"), ratio(echo, m, "req/s"))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func machine() string {
	var parts []string
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				parts = append(parts, strings.TrimSpace(strings.SplitN(l, ":", 2)[1]))
				break
			}
		}
	}
	parts = append(parts, fmt.Sprintf("%d cores", runtime.NumCPU()))
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb float64
		if _, err := fmt.Sscanf(strings.SplitN(string(b), "\n", 2)[0], "MemTotal: %f kB", &kb); err == nil {
			parts = append(parts, fmt.Sprintf("%.0f GiB RAM", kb/1024/1024))
		}
	}
	if out, err := exec.Command("uname", "-sr").Output(); err == nil {
		parts = append(parts, strings.TrimSpace(string(out)))
	}
	parts = append(parts, runtime.Version())
	if u := os.Getenv("BENCH_DATABASE_URL"); u != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, u); err == nil {
			var v string
			if c.QueryRow(ctx, "SELECT split_part(version(), ' on ', 1)").Scan(&v) == nil {
				parts = append(parts, v)
			}
			var settings string
			if c.QueryRow(ctx, `SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings
				WHERE name IN ('shared_buffers', 'work_mem', 'jit', 'random_page_cost', 'effective_cache_size', 'autovacuum')`).Scan(&settings) == nil {
				parts = append(parts, "("+settings+")")
			}
			c.Close(ctx)
		}
	}
	return strings.Join(parts, ", ")
}

func gitCommit() string {
	out, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func run(in, out, section, title, command, note, commit string) error {
	results, logs, err := parse(in)
	if err != nil {
		return err
	}
	if len(results) == 0 {
		return fmt.Errorf("no benchmark results in %s", in)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n", title)
	if note != "" {
		fmt.Fprintf(&b, "%s\n\n", note)
	}
	fmt.Fprintf(&b, "- Command: `%s`\n", command)
	fmt.Fprintf(&b, "- Date: %s, commit `%s`\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), commit)
	fmt.Fprintf(&b, "- Machine: %s\n", machine())
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(&b, "- Load average when the report was written (the machine is shared): %s\n", strings.Join(strings.Fields(string(load))[:3], " "))
	}
	fmt.Fprintf(&b, "- Concurrent clients: %s; iterations per benchmark: %.0f\n", envOr("BENCH_CONCURRENCY", "1"), results[0].metrics["n"])
	for _, l := range logs {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	b.WriteString("\n")
	b.WriteString(tables(results))
	return markdown.WriteSection(out, section, b.String())
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}
