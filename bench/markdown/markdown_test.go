package markdown

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := WriteSection(path, "a", "first\n"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(must(os.ReadFile(path)), "\nkept\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteSection(path, "b", "other"); err != nil {
		t.Fatal(err)
	}
	if err := WriteSection(path, "a", "second"); err != nil {
		t.Fatal(err)
	}
	want := "<!-- section:a -->\nsecond\n<!-- /section:a -->\n\nkept\n\n<!-- section:b -->\nother\n<!-- /section:b -->\n"
	if got := string(must(os.ReadFile(path))); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
	if err := os.WriteFile(path, []byte("<!-- section:a -->\nno end\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteSection(path, "a", "x"); err == nil {
		t.Fatal("a section without its end marker was overwritten")
	}
}

func TestMillis(t *testing.T) {
	for v, want := range map[float64]string{0.123: "0.12", 12.34: "12.3", 1234.5: "1234"} {
		if got := Millis(v); got != want {
			t.Errorf("Millis(%v) = %q, want %q", v, got, want)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
