// Package markdown writes benchmark results into BENCHMARKS.md: each
// benchmark command owns one section between HTML comment markers and
// rewrites only that, so results of different commands live side by side.
package markdown

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// ParseResult reads one line of go test -bench output: the benchmark's
// name without its -GOMAXPROCS suffix, and its metrics by unit ("n" the
// iterations). ok is false for any other line.
func ParseResult(line string) (name string, metrics map[string]float64, ok bool) {
	fields := strings.Fields(line)
	if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
		return "", nil, false
	}
	n, err := strconv.Atoi(fields[1])
	if err != nil {
		return "", nil, false
	}
	metrics = map[string]float64{"n": float64(n)}
	for i := 2; i+1 < len(fields); i += 2 {
		metrics[fields[i+1]], _ = strconv.ParseFloat(fields[i], 64)
	}
	return stripProcs(fields[0]), metrics, true
}

// stripProcs drops the -GOMAXPROCS suffix of a benchmark name.
func stripProcs(name string) string {
	if i := strings.LastIndex(name, "-"); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			return name[:i]
		}
	}
	return name
}

// Median is the median of values (0 for none).
func Median(values []float64) float64 {
	if len(values) == 0 {
		return 0
	}
	v := slices.Sorted(slices.Values(values))
	if len(v)%2 == 0 {
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return v[len(v)/2]
}

// Spread formats values as "median [min–max]" (just the value for one,
// "–" for none).
func Spread(values []float64, format func(float64) string) string {
	switch len(values) {
	case 0:
		return "–"
	case 1:
		return format(values[0])
	}
	return fmt.Sprintf("%s [%s–%s]", format(Median(values)), format(slices.Min(values)), format(slices.Max(values)))
}

// Millis formats a latency in milliseconds with about three significant
// digits.
func Millis(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// WriteSection replaces the text between <!-- section:NAME --> and
// <!-- /section:NAME --> in path with body, or appends the section.
func WriteSection(path, name, body string) error {
	begin, end := "<!-- section:"+name+" -->", "<!-- /section:"+name+" -->"
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	doc := string(old)
	block := begin + "\n" + strings.TrimRight(body, "\n") + "\n" + end
	if i := strings.Index(doc, begin); i >= 0 {
		j := strings.Index(doc[i:], end)
		if j < 0 {
			return fmt.Errorf("%s: %s has no end marker", path, begin)
		}
		doc = doc[:i] + block + doc[i+j+len(end):]
	} else {
		if doc != "" && !strings.HasSuffix(doc, "\n\n") {
			doc = strings.TrimRight(doc, "\n") + "\n\n"
		}
		doc += block + "\n"
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}
