package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tenantadmin/db/dbtest"
	"tenantadmin/server/servertest"
)

// BenchmarkCSVReportStreaming streams the users and permissions reports of
// a tenant of BENCH_CSV_USERS generated users (1,000,000 for BENCHMARKS.md)
// through the real server, and of a 10,000-user baseline tenant in the same
// run, sampling the process's peak Go heap and peak RSS during each
// download. Flat memory means a ratio near 1 for 100 times the rows.
//
//	BENCH_CSV_USERS=1000000 CI=true go test ./httpapi -run '^$' -bench CSVReportStreaming -benchtime 1x -timeout 60m
//
// It is skipped unless BENCH_CSV_USERS is set: generating the data takes
// minutes.
func BenchmarkCSVReportStreaming(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("BENCH_CSV_USERS"))
	if n <= 0 {
		b.Skip("set BENCH_CSV_USERS (e.g. 1000000) to run the CSV streaming benchmark")
	}
	const baseline = 10_000
	m := servertest.MustRunMain(b)
	f := dbtest.NewFixture(b, m.DB)
	small := f.Tenant("Baseline", 0)
	big := f.Tenant("Big", 0)
	admin := f.User("bench.admin", 0)
	f.Assign(admin, small, "segmenti", "admin")
	f.Assign(admin, big, "segmenti", "admin")
	start := time.Now()
	generateMembers(b, m, small, "s", baseline)
	generateMembers(b, m, big, "b", n)
	b.Logf("generated %d + %d users in %s", baseline, n, time.Since(start).Round(time.Second))
	token := m.MustLogin(b, admin)

	b.ResetTimer()
	for range b.N {
		var lines []string
		results := map[string]streamResult{}
		for _, report := range []string{"users.csv", "permissions.csv"} {
			for _, c := range []struct {
				tenant int64
				rows   int
			}{{small, baseline}, {big, n}} {
				r := streamReport(b, m, token, report, c.tenant)
				if r.rows != c.rows+2 { // header, and the admin who is a member too
					b.Fatalf("%s: %d rows, want %d", report, r.rows-2, c.rows)
				}
				results[fmt.Sprintf("%s/%d", report, c.rows)] = r
				lines = append(lines, fmt.Sprintf("| %s | %d | %.1f | %.1f | %.1f | %s | %.0f |", report, c.rows,
					mb(r.bytes), mb(r.peakHeap), mb(r.peakRSS), r.elapsed.Round(time.Millisecond), float64(c.rows)/r.elapsed.Seconds()))
			}
			bigR, smallR := results[fmt.Sprintf("%s/%d", report, n)], results[fmt.Sprintf("%s/%d", report, baseline)]
			lines = append(lines, fmt.Sprintf("| %s ratio %d / %d rows | %.0f× | %.2f× | %.2f× | %.2f× | %.2f× | |", report, n, baseline,
				float64(n)/baseline, float64(bigR.bytes)/float64(smallR.bytes), float64(bigR.peakHeap)/float64(smallR.peakHeap),
				float64(bigR.peakRSS)/float64(smallR.peakRSS), float64(bigR.elapsed)/float64(smallR.elapsed)))
		}
		b.Logf("\n| report | rows | CSV MB | peak Go heap MB | peak RSS MB | time | rows/s |\n| --- | --- | --- | --- | --- | --- | --- |\n%s", strings.Join(lines, "\n"))
		r := results[fmt.Sprintf("users.csv/%d", n)]
		b.ReportMetric(mb(r.peakHeap), "peak-heap-MB")
		b.ReportMetric(mb(r.peakRSS), "peak-RSS-MB")
		b.ReportMetric(float64(n)/r.elapsed.Seconds(), "rows/s")
	}
}

func mb(v uint64) float64 { return float64(v) / (1 << 20) }

// generateMembers inserts count ACTIVE users, members of tenant with the
// segmenti "user" role, in batches, with SQL (the generator of the
// benchmark data).
func generateMembers(b *testing.B, m *servertest.Main, tenant int64, prefix string, count int) {
	ctx := context.Background()
	const batch = 100_000
	for from := 0; from < count; from += batch {
		to := min(from+batch, count)
		_, err := m.DB.ExecContext(ctx, `
			WITH u AS (
				INSERT INTO users (username, given_name, family_name, email, tax_code, status, home_tenant_id, last_login_at)
				SELECT 'u' || ? || lpad(i::text, 8, '0'), 'Given' || i, CASE WHEN i % 100 = 0 THEN '=Formula' || i ELSE 'Family' || i END,
					'user' || i || '@' || ? || '.example.test', upper(?) || lpad(i::text, 14, '0'), 'ACTIVE', ?, now() - (i % 90) * interval '1 day'
				FROM generate_series(?::int, ?::int) i RETURNING id),
			mm AS (INSERT INTO memberships (tenant_id, user_id) SELECT ?, id FROM u RETURNING id, user_id),
			mp AS (INSERT INTO membership_products (membership_id, product_id, category)
				SELECT mm.id, r.product_id, r.category FROM mm, roles r JOIN products p ON p.id = r.product_id
				WHERE p.code = 'segmenti' AND r.code = 'user' RETURNING membership_id)
			INSERT INTO role_assignments (membership_id, tenant_id, user_id, product_id, role_id, category)
			SELECT mm.id, ?, mm.user_id, r.product_id, r.id, r.category FROM mm, roles r JOIN products p ON p.id = r.product_id
			WHERE p.code = 'segmenti' AND r.code = 'user'`,
			prefix, prefix, prefix, tenant, from+1, to, tenant, tenant)
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := m.DB.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
}

type streamResult struct {
	rows              int
	bytes             uint64
	peakHeap, peakRSS uint64
	elapsed           time.Duration
}

// streamReport downloads a report, counting rows without keeping them,
// while sampling the process's Go heap; peak RSS is the kernel's
// high-water mark, reset before the download.
func streamReport(b *testing.B, m *servertest.Main, token, report string, tenant int64) streamResult {
	runtime.GC()
	resetPeakRSS()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/reports/%s?tenant=%s", m.URL(), report, servertest.GlobalID("Tenant", tenant)), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	if res.StatusCode != 200 {
		body, _ := io.ReadAll(res.Body)
		b.Fatalf("%s: %d %s", report, res.StatusCode, body)
	}
	var r streamResult
	br := bufio.NewReaderSize(res.Body, 64<<10)
	buf := make([]byte, 64<<10)
	for {
		k, err := br.Read(buf)
		r.bytes += uint64(k)
		r.rows += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			break
		} else if err != nil {
			b.Fatal(err)
		}
	}
	res.Body.Close()
	r.elapsed = time.Since(start)
	close(stop)
	<-sampled
	r.peakHeap, r.peakRSS = peak.Load(), peakRSS()
	return r
}

// resetPeakRSS resets the kernel's peak RSS (VmHWM) of this process.
// Best effort: where /proc refuses the write, the peak is the one since start.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS reads VmHWM from /proc/self/status, in bytes.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
