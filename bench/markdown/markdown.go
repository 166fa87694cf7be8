// Package markdown writes benchmark results into BENCHMARKS.md: each
// benchmark command owns one section between HTML comment markers and
// rewrites only that, so results of different commands live side by side.
package markdown

import (
	"fmt"
	"os"
	"strings"
)

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
