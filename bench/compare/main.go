// Command compare summarises alternated benchmark runs of two builds
// (bench/compare.sh): for every benchmark and metric, each build's median
// [min–max] over the runs, the median of the run-by-run changes and in how
// many runs the change lowered the figure, and each build's GraphQL÷SQL
// ratios, as Markdown.
//
// Its input is go test -bench output in which each run starts with a line
// "=== compare BUILD RUN" (BUILD "base" or "change").
//
//	go run ./bench/compare -in pairs.out
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"tenantadmin/bench/markdown"
)

func main() {
	in := flag.String("in", "", "the runs' output")
	flag.Parse()
	f, err := os.Open(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
	defer f.Close()
	m, err := parse(f)
	if err == nil {
		err = write(os.Stdout, m)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// measurements holds, by benchmark, metric and build, the figure of each
// run (by run number), and the benchmarks in the order first seen.
type measurements struct {
	order   []string
	figures map[string]map[string]map[string]map[int]float64
}

func parse(r io.Reader) (*measurements, error) {
	m := &measurements{figures: map[string]map[string]map[string]map[int]float64{}}
	build, run := "", 0
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		line := s.Text()
		if rest, ok := strings.CutPrefix(line, "=== compare "); ok {
			f := strings.Fields(rest)
			if len(f) != 2 || (f[0] != "base" && f[0] != "change") {
				return nil, fmt.Errorf("bad run header %q", line)
			}
			n, err := strconv.Atoi(f[1])
			if err != nil {
				return nil, fmt.Errorf("bad run header %q", line)
			}
			build, run = f[0], n
			continue
		}
		name, metrics, ok := markdown.ParseResult(line)
		if !ok {
			continue
		}
		if build == "" {
			return nil, fmt.Errorf("a result before any run header: %q", line)
		}
		if m.figures[name] == nil {
			m.order = append(m.order, name)
			m.figures[name] = map[string]map[string]map[int]float64{}
		}
		for metric, v := range metrics {
			if metric == "n" || metric == "ns/op" {
				continue
			}
			if m.figures[name][metric] == nil {
				m.figures[name][metric] = map[string]map[int]float64{"base": {}, "change": {}}
			}
			m.figures[name][metric][build][run] = v
		}
	}
	return m, s.Err()
}

// paired returns the runs both builds have of a benchmark's metric, and
// each build's figures in that order.
func paired(byBuild map[string]map[int]float64) (base, change []float64) {
	var runs []int
	for r := range byBuild["base"] {
		if _, ok := byBuild["change"][r]; ok {
			runs = append(runs, r)
		}
	}
	slices.Sort(runs)
	for _, r := range runs {
		base = append(base, byBuild["base"][r])
		change = append(change, byBuild["change"][r])
	}
	return base, change
}

func figure(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.0f", v)
	}
	return markdown.Millis(v)
}

func write(w io.Writer, m *measurements) error {
	b := &strings.Builder{}
	b.WriteString("| benchmark | metric | base | change | paired change | lower in |\n| --- | --- | ---: | ---: | ---: | ---: |\n")
	for _, name := range m.order {
		metrics := make([]string, 0, len(m.figures[name]))
		for metric := range m.figures[name] {
			metrics = append(metrics, metric)
		}
		slices.Sort(metrics)
		for _, metric := range metrics {
			base, change := paired(m.figures[name][metric])
			if len(base) == 0 {
				continue
			}
			diffs := make([]float64, len(base))
			lower := 0
			for i := range base {
				diffs[i] = change[i] - base[i]
				if diffs[i] < 0 {
					lower++
				}
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %+.3g | %d of %d |\n", strings.TrimPrefix(name, "Benchmark"), metric,
				markdown.Spread(base, figure), markdown.Spread(change, figure), markdown.Median(diffs), lower, len(base))
		}
	}
	ratios := ratioRows(m)
	if len(ratios) > 0 {
		b.WriteString("\n| GraphQL ÷ SQL | metric | base | change |\n| --- | --- | ---: | ---: |\n")
		for _, r := range ratios {
			b.WriteString(r)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ratioRows are each build's ratios of X/graphql to X/sql at p50 and p95,
// run by run.
func ratioRows(m *measurements) []string {
	var out []string
	times := func(v float64) string { return fmt.Sprintf("%.2f×", v) }
	for _, name := range m.order {
		prefix, ok := strings.CutSuffix(name, "/graphql")
		if !ok || m.figures[prefix+"/sql"] == nil {
			continue
		}
		for _, metric := range []string{"p50-ms", "p95-ms"} {
			cells := map[string]string{}
			for _, build := range []string{"base", "change"} {
				g, s := m.figures[name][metric], m.figures[prefix+"/sql"][metric]
				if g == nil || s == nil {
					continue
				}
				var r []float64
				for run, v := range g[build] {
					if sv, ok := s[build][run]; ok && sv > 0 {
						r = append(r, v/sv)
					}
				}
				cells[build] = markdown.Spread(r, times)
			}
			out = append(out, fmt.Sprintf("| %s | %s | %s | %s |\n", strings.TrimPrefix(prefix, "Benchmark"), metric, cells["base"], cells["change"]))
		}
	}
	return out
}
