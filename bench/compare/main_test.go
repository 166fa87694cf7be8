package main

import (
	"strings"
	"testing"
)

// TestCompare reads alternated runs of two builds and prints each build's
// spread, the paired changes (the runs matched by number, whatever their
// order in the file) and the GraphQL ÷ SQL ratios run by run.
func TestCompare(t *testing.T) {
	in := `=== compare base 1
BenchmarkUsersPage/x/all/graphql-2 	 300	 1 ns/op	 4.00 p50-ms	 2.00 srv-cpu-ms
BenchmarkUsersPage/x/all/sql-2     	 300	 1 ns/op	 2.00 p50-ms
=== compare change 1
BenchmarkUsersPage/x/all/graphql-2 	 300	 1 ns/op	 3.00 p50-ms	 1.50 srv-cpu-ms
BenchmarkUsersPage/x/all/sql-2     	 300	 1 ns/op	 2.00 p50-ms
=== compare change 2
BenchmarkUsersPage/x/all/graphql-2 	 300	 1 ns/op	 5.00 p50-ms	 2.50 srv-cpu-ms
BenchmarkUsersPage/x/all/sql-2     	 300	 1 ns/op	 2.50 p50-ms
PASS
=== compare base 2
BenchmarkUsersPage/x/all/graphql-2 	 300	 1 ns/op	 6.00 p50-ms	 2.00 srv-cpu-ms
BenchmarkUsersPage/x/all/sql-2     	 300	 1 ns/op	 3.00 p50-ms
`
	m, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := write(&out, m); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| UsersPage/x/all/graphql | p50-ms | 5.00 [4.00–6.00] | 4.00 [3.00–5.00] | -1 | 2 of 2 |",
		"| UsersPage/x/all/graphql | srv-cpu-ms | 2.00 [2.00–2.00] | 2.00 [1.50–2.50] | +0 | 1 of 2 |",
		"| UsersPage/x/all/sql | p50-ms | 2.50 [2.00–3.00] | 2.25 [2.00–2.50] | -0.25 | 1 of 2 |",
		"| UsersPage/x/all | p50-ms | 2.00× [2.00×–2.00×] | 1.75× [1.50×–2.00×] |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in\n%s", want, out.String())
		}
	}
	if _, err := parse(strings.NewReader("BenchmarkX-2 1 1 ns/op 1 p50-ms\n")); err == nil {
		t.Error("a result before any run header was accepted")
	}
}
