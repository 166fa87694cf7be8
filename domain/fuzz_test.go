package domain_test

import (
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	"tenantadmin/domain"
)

// vtAssertFieldError fails unless err is a validation error on field with
// one of reasons.
func vtAssertFieldError(t *testing.T, err error, field string, reasons ...string) {
	t.Helper()
	e := domain.AsError(err)
	if e == nil || e.Code != domain.EINVALID || e.Field != field || e.Message == "" {
		t.Fatalf("error %#v is not a validation error on %s", err, field)
	}
	for _, r := range reasons {
		if e.Reason == r {
			return
		}
	}
	t.Fatalf("reason %s not in %v", e.Reason, reasons)
}

func FuzzItalianTaxCode(f *testing.F) {
	for _, s := range []string{
		vtMarioRossi, "rss mra 85t10 a562s", "RSSMRA85T10A56NH", vtCF("RSSMRASRTLMARQN"),
		vtCF("BNCGLI90A71F205"), "RSSMRA85T10A562T", "", "RSSMRA85T10A562", "RSSMRA85T10A562SS",
		"RSSMRA85T10A562\xff", "ÀSSMRA85T10A562S", "rss-mra.85t10/a562s",
	} {
		f.Add(s)
	}
	v := domain.ItalianPersonTaxCode{}
	f.Fuzz(func(t *testing.T, in string) {
		n := v.Normalize(in)
		if again := v.Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q", in, n, again)
		}
		got, err := domain.ValidatePersonTaxCode("IT", in)
		if verr := v.Validate(n); (verr == nil) != (err == nil) {
			t.Fatalf("Validate(Normalize(%q)) = %v but ValidatePersonTaxCode = %v", in, verr, err)
		}
		if err != nil {
			vtAssertFieldError(t, err, "taxCode", domain.ReasonInvalidTaxCode)
			if got != "" {
				t.Fatalf("rejected code returned %q", got)
			}
			return
		}
		if got != n || len(got) != 16 {
			t.Fatalf("accepted %q as %q (normalized %q)", in, got, n)
		}
		for i := 0; i < len(got); i++ {
			if c := got[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
				t.Fatalf("accepted %q with character %q", got, c)
			}
		}
		if want := vtCFCheck(got[:15]); got[15] != want {
			t.Fatalf("accepted %q whose check character is %c", got, want)
		}
	})
}

func FuzzUsername(f *testing.F) {
	for _, s := range []string{
		"mario.rossi", "Mario.Rossi", "ab", "abc", strings.Repeat("a", 64), strings.Repeat("a", 65),
		" mario", "mario rossi", "niccolò", "\u212Aelvin", "mar\u0131o", "x\xffy", "._-",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := domain.NormalizeUsername(in)
		if err != nil {
			vtAssertFieldError(t, err, "username", domain.ReasonUsernameTooShort,
				domain.ReasonUsernameTooLong, domain.ReasonUsernameInvalidCharacter)
			if got != "" {
				t.Fatalf("rejected username returned %q", got)
			}
			return
		}
		if len(got) < 3 || len(got) > 64 {
			t.Fatalf("accepted %q of length %d", got, len(got))
		}
		for i := 0; i < len(got); i++ {
			c := got[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '.' && c != '_' && c != '-' {
				t.Fatalf("accepted %q with character %q", got, c)
			}
		}
		if !strings.EqualFold(in, got) || len(in) != len(got) {
			t.Fatalf("%q normalized to %q", in, got)
		}
		if again, err := domain.NormalizeUsername(got); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q, %v", got, again, err)
		}
	})
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{
		"mario.rossi@example.com", "Mario.Rossi@Example.COM", "  a@b.it ", "josé@Exämple.FR",
		"Mario <mario@example.com>", "<a@b.c>", "a@localhost", "a@[192.0.2.1]", `"a b"@example.com`,
		"a@b.c (x)", "a@b.c\u200b", "İ@İ.İ", "a@\u212A.com", "mario\xff@example.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := domain.NormalizeEmail(in)
		if err != nil {
			vtAssertFieldError(t, err, "email", domain.ReasonInvalidEmail)
			if got != "" {
				t.Fatalf("rejected address returned %q", got)
			}
			return
		}
		if len(got) > domain.MaxEmailLength || !utf8.ValidString(got) || strings.TrimSpace(got) != got {
			t.Fatalf("accepted %q", got)
		}
		addr, perr := mail.ParseAddress(got)
		if perr != nil || addr.Name != "" || addr.Address != got {
			t.Fatalf("accepted %q that net/mail reads as %#v, %v", got, addr, perr)
		}
		at := strings.LastIndexByte(got, '@')
		if at <= 0 {
			t.Fatalf("accepted %q without local part", got)
		}
		if domainPart := got[at+1:]; strings.ToLower(domainPart) != domainPart || !strings.Contains(domainPart, ".") {
			t.Fatalf("accepted %q with domain %q", got, domainPart)
		}
		if got[:at] != strings.TrimSpace(in)[:at] {
			t.Fatalf("local part of %q changed to %q", in, got)
		}
		if again, err := domain.NormalizeEmail(got); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q, %v", got, again, err)
		}
	})
}
