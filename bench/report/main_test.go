package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const sample = `BenchmarkUsersPage/tenant-admin/all/graphql-2   150   6000000 ns/op   5.000 p50-ms   8.000 p95-ms   9.000 p99-ms   160.0 req/s   3.000 srv-cpu-ms
BenchmarkUsersPage/tenant-admin/all/sql-2       150   2000000 ns/op   2.000 p50-ms   4.000 p95-ms   4.500 p99-ms   480.0 req/s
    readpath_test.go:111: viewer tenant-admin: user 2, 1 tenants in scope, 30 users, role 8
BenchmarkHTTP/echo-2   150   50000 ns/op   0.05000 p50-ms   0.1000 p95-ms   0.2000 p99-ms   20000 req/s
BenchmarkHTTP/graphql-typename-2   150   200000 ns/op   0.2000 p50-ms   0.3000 p95-ms   0.4000 p99-ms   5000 req/s
`

func TestReport(t *testing.T) {
	doc := report(t, sample, "# Benchmarks\n\nintro\n\n<!-- section:read-path -->\nold\n<!-- /section:read-path -->\n\ntail\n",
		"read-path", "Read path", "bench/run.sh")
	for _, want := range []string{
		"| tenant-admin | all | 5.00 | **8.00** | 9.00 | 160 | 3.00 | 2.00 | 4.00 | 4.50 | 480 | 2.50× | **2.00×** | 2.00× | 3.00× |",
		"| graphql-typename | 0.20 | 0.30 | 0.40 | 5000 | – | 4.00× | 3.00× | 2.00× | 4.00× |",
		"- viewer tenant-admin: user 2, 1 tenants in scope, 30 users, role 8",
		"commit `abc123`", "intro", "tail",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("missing %q in:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "old") {
		t.Error("the section was not replaced")
	}
}

// TestReportDescribesOnce: the output of several go test runs joined (a
// before/after alternation) describes each viewer once.
func TestReportDescribesOnce(t *testing.T) {
	doc := report(t, sample+sample, "", "read-path", "Read path", "bench/run.sh")
	if n := strings.Count(doc, "- viewer tenant-admin:"); n != 1 {
		t.Errorf("the viewer is described %d times:\n%s", n, doc)
	}
}

// TestReportRuns: with several runs (go test -count N) every figure is the
// median [min–max], and each ratio is taken run by run.
func TestReportRuns(t *testing.T) {
	var in strings.Builder
	for i, g := range []float64{8, 10, 9} {
		s := []float64{4, 4, 3}[i]
		in.WriteString("BenchmarkUsersPage/tenant-admin/all/graphql-2   150   6000000 ns/op   5.000 p50-ms   " +
			strconv.FormatFloat(g, 'f', 3, 64) + " p95-ms   9.000 p99-ms   160.0 req/s   3.000 srv-cpu-ms\n")
		in.WriteString("BenchmarkUsersPage/tenant-admin/all/sql-2   150   2000000 ns/op   2.000 p50-ms   " +
			strconv.FormatFloat(s, 'f', 3, 64) + " p95-ms   4.500 p99-ms   480.0 req/s\n")
	}
	doc := report(t, in.String(), "", "read-path", "Read path", "bench/run.sh --runs 3")
	// p95 8, 10, 9 → 9 [8–10]; SQL 4, 4, 3 → 4 [3–4]; ratios 2, 2.5, 3 → 2.50 [2.00–3.00].
	want := "| tenant-admin | all | 5.00 [5.00–5.00] | **9.00** [8.00–10.0] | 9.00 [9.00–9.00] | 160 [160–160] | 3.00 [3.00–3.00] | 2.00 [2.00–2.00] | 4.00 [3.00–4.00] | 4.50 [4.50–4.50] | 480 [480–480] | 2.50× [2.50×–2.50×] | **2.50×** [2.00×–3.00×] |"
	if !strings.Contains(doc, want) || !strings.Contains(doc, "median of 3 runs") {
		t.Errorf("missing %q in:\n%s", want, doc)
	}
}

// TestReportProfile: the user profile's results get their own table, with
// the SPA document's row beside the baseline's, and the users' log line.
func TestReportProfile(t *testing.T) {
	const in = `BenchmarkUserProfile/tenant-admin/graphql-2   100   6000000 ns/op   6.000 p50-ms   9.000 p95-ms   12.00 p99-ms   160.0 req/s   2.500 srv-cpu-ms
BenchmarkUserProfile/tenant-admin/sql-2   100   2000000 ns/op   2.000 p50-ms   3.000 p95-ms   4.000 p99-ms   480.0 req/s
BenchmarkUserProfile/tenant-admin/spa-2   100   9000000 ns/op   9.000 p50-ms   11.00 p95-ms   13.00 p99-ms   110.0 req/s   5.000 srv-cpu-ms
    profile_test.go:173: profile users of tenant-admin: 20 users, memberships in scope 1–1, role assignments 5–5
`
	doc := report(t, in, "", "profile", "User profile", "go test ./bench -bench UserProfile")
	for _, want := range []string{
		"| tenant-admin | profile.js | 6.00 | **9.00** | 12.0 | 160 | **2.50** | 2.00 | 3.00 | 4.00 | 480 | 3.00× | **3.00×** | 3.00× | 3.00× |",
		"| tenant-admin | SPA document | 9.00 | 11.0 | 13.0 | 110 | 5.00 | – | – | – | – | – | – | – | – |",
		"- profile users of tenant-admin: 20 users, memberships in scope 1–1, role assignments 5–5",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("missing %q in:\n%s", want, doc)
		}
	}
}

// report writes input (go test -bench -v output) and, unless empty, the
// existing BENCHMARKS.md, runs the report into it and returns the file.
func report(t *testing.T, input, existing, section, title, command string) string {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "bench.out"), filepath.Join(dir, "BENCHMARKS.md")
	if err := os.WriteFile(in, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	if existing != "" {
		if err := os.WriteFile(out, []byte(existing), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := run(in, out, section, title, command, "", "abc123"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
