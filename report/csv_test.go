package report_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"tenantadmin/report"
)

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "",
		"mario.rossi":                    "mario.rossi",
		"=HYPERLINK(\"http://x\",\"a\")": "'=HYPERLINK(\"http://x\",\"a\")",
		"+39 055":                        "'+39 055",
		"-2+3":                           "'-2+3",
		"@SUM(A1)":                       "'@SUM(A1)",
		"\t=1":                           "'\t=1",
		"\r=1":                           "'\r=1",
		"a=b":                            "a=b",
		"'quoted":                        "'quoted",
	} {
		if got := report.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w, err := report.NewWriter(&buf, []string{"username", "name"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]string{"a.b", `=cmd|' /C calc'!A0`}); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]string{"c,d", "line\nbreak \"q\""}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := report.BOM + "username,name\na.b,'=cmd|' /C calc'!A0\n\"c,d\",\"line\nbreak \"\"q\"\"\"\n"
	if buf.String() != want {
		t.Fatalf("got %q\nwant %q", buf.String(), want)
	}
}

// FuzzSafeCell checks, for any cell text, that the written CSV reads back
// as one row of the same cells, that no cell starts with a formula
// character, and that the only change is the leading quote.
func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{"", "=1+1", "+", "-", "@", "\t", "\r\n", "a,b", "\"", "'", "é=", "\xff"} {
		f.Add(s, "plain")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var buf bytes.Buffer
		w, err := report.NewWriter(&buf, []string{"a", "b"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write([]string{a, b}); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), report.BOM)))
		r.LazyQuotes = false
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("written CSV does not parse: %v\n%q", err, buf.String())
		}
		if len(rows) != 2 || len(rows[1]) != 2 {
			t.Fatalf("rows = %q", rows)
		}
		for i, in := range []string{a, b} {
			got := rows[1][i]
			// encoding/csv turns \r\n inside quoted fields into \n.
			norm := strings.ReplaceAll(in, "\r\n", "\n")
			if got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) {
				t.Fatalf("cell %q starts with a formula character", got)
			}
			if got != norm && got != "'"+norm && strings.ReplaceAll(report.SafeCell(in), "\r\n", "\n") != got {
				t.Fatalf("cell %q read back as %q", in, got)
			}
		}
	})
}
