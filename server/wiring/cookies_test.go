package wiring

import "testing"

func TestSecureCookies(t *testing.T) {
	for publicURL, want := range map[string]bool{
		"http://127.0.0.1:8080":        false,
		"http://localhost:5173":        false,
		"https://admin.example.test":   true,
		"http://admin.example.test":    true,
		"https://localhost:8443":       true,
		"http://127.0.0.1.example.com": true,
	} {
		m := &Main{Config: Config{PublicURL: publicURL}}
		if got := m.secureCookies(); got != want {
			t.Errorf("%s: Secure %v, want %v", publicURL, got, want)
		}
	}
	m := &Main{Config: Config{PublicURL: "http://127.0.0.1:8080", Production: true}}
	if !m.secureCookies() {
		t.Error("production must set Secure")
	}
}
