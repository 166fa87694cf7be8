package domain_test

import (
	"strings"
	"testing"

	"tenantadmin/domain"
)

func TestNormalizeUsername(t *testing.T) {
	tests := []struct {
		name, in, want, reason string
	}{
		{"OK", "mario.rossi", "mario.rossi", ""},
		{"OKLowerCased", "Mario.Rossi", "mario.rossi", ""},
		{"OKAllAllowedCharacters", "AZaz09._-", "azaz09._-", ""},
		{"OKDigitsOnly", "123", "123", ""},
		{"OKPunctuationOnly", "._-", "._-", ""},
		{"OKMinLength", "abc", "abc", ""},
		{"OKMaxLength", strings.Repeat("a", 64), strings.Repeat("a", 64), ""},
		{"ErrTooShort", "ab", "", domain.ReasonUsernameTooShort},
		{"ErrTooShortEmpty", "", "", domain.ReasonUsernameTooShort},
		{"ErrTooLong", strings.Repeat("a", 65), "", domain.ReasonUsernameTooLong},
		{"ErrInvalidCharacterLeadingSpace", " mario", "", domain.ReasonUsernameInvalidCharacter},
		{"ErrInvalidCharacterTrailingSpace", "mario ", "", domain.ReasonUsernameInvalidCharacter},
		{"ErrInvalidCharacterInnerSpace", "mario rossi", "", domain.ReasonUsernameInvalidCharacter},
		{"ErrInvalidCharacterTab", "mario\trossi", "", domain.ReasonUsernameInvalidCharacter},
		{"ErrInvalidCharacterAt", "mario@rossi", "", domain.ReasonUsernameInvalidCharacter},
		{"ErrInvalidCharacterPlus", "mario+rossi", "", domain.ReasonUsernameInvalidCharacter},
		{"ErrInvalidCharacterAccent", "niccolò", "", domain.ReasonUsernameInvalidCharacter},
		{"ErrInvalidCharacterFullwidth", "ｍario", "", domain.ReasonUsernameInvalidCharacter},
		{"ErrInvalidCharacterKelvinSign", "\u212Aelvin", "", domain.ReasonUsernameInvalidCharacter},
		{"ErrInvalidCharacterDotlessI", "mar\u0131o", "", domain.ReasonUsernameInvalidCharacter},
		{"ErrInvalidCharacterZeroWidth", "mario\u200b", "", domain.ReasonUsernameInvalidCharacter},
		{"ErrInvalidCharacterInvalidUTF8", "mario\xff", "", domain.ReasonUsernameInvalidCharacter},
		// The character rule comes before the length rules.
		{"ErrInvalidCharacterShort", "a ", "", domain.ReasonUsernameInvalidCharacter},
		{"ErrInvalidCharacterLong", strings.Repeat("a", 64) + " ", "", domain.ReasonUsernameInvalidCharacter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.NormalizeUsername(tt.in)
			vtAssertReason(t, err, "username", tt.reason)
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if err == nil {
				again, err := domain.NormalizeUsername(got)
				if err != nil || again != got {
					t.Fatalf("not idempotent: %q, %v", again, err)
				}
			}
		})
	}
}

func TestNormalizeUsernameCaseInsensitive(t *testing.T) {
	a, _ := domain.NormalizeUsername("MARIO.ROSSI")
	b, _ := domain.NormalizeUsername("mario.Rossi")
	if a != b || a == "" {
		t.Fatalf("%q != %q", a, b)
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		name, in, want, reason string
	}{
		{"OK", "mario.rossi@example.com", "mario.rossi@example.com", ""},
		{"OKDomainLowerCased", "Mario.Rossi@Example.COM", "Mario.Rossi@example.com", ""},
		{"OKTrimmed", "  mario@example.it\t\n", "mario@example.it", ""},
		{"OKPlusTag", "mario+admin@mail.example.org", "mario+admin@mail.example.org", ""},
		{"OKAtext", "o'brien_x-y!#$%&*=?^`{|}~@example.fr", "o'brien_x-y!#$%&*=?^`{|}~@example.fr", ""},
		{"OKInternationalized", "josé@Exämple.FR", "josé@exämple.fr", ""},
		{"OKMaxLength", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com", ""},
		{"ErrEmpty", "   ", "", domain.ReasonInvalidEmail},
		{"ErrTooLong", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".com", "", domain.ReasonInvalidEmail},
		{"ErrNoAt", "mario.example.com", "", domain.ReasonInvalidEmail},
		{"ErrNoLocalPart", "@example.com", "", domain.ReasonInvalidEmail},
		{"ErrNoDomain", "mario@", "", domain.ReasonInvalidEmail},
		{"ErrTwoAts", "mario@rossi@example.com", "", domain.ReasonInvalidEmail},
		{"ErrDisplayName", "Mario Rossi <mario@example.com>", "", domain.ReasonInvalidEmail},
		{"ErrAngleBrackets", "<mario@example.com>", "", domain.ReasonInvalidEmail},
		{"ErrComment", "mario@example.com (Mario)", "", domain.ReasonInvalidEmail},
		{"ErrQuotedLocalPart", `"mario rossi"@example.com`, "", domain.ReasonInvalidEmail},
		{"ErrSpace", "mario rossi@example.com", "", domain.ReasonInvalidEmail},
		{"ErrDoubleDot", "mario..rossi@example.com", "", domain.ReasonInvalidEmail},
		{"ErrLeadingDot", ".mario@example.com", "", domain.ReasonInvalidEmail},
		{"ErrDomainWithoutDot", "mario@localhost", "", domain.ReasonInvalidEmail},
		{"ErrDomainTrailingDot", "mario@example.com.", "", domain.ReasonInvalidEmail},
		{"ErrDomainLiteral", "mario@[192.0.2.1]", "", domain.ReasonInvalidEmail},
		{"ErrTwoAddresses", "a@example.com, b@example.com", "", domain.ReasonInvalidEmail},
		{"ErrZeroWidthSpace", "mario@example.com\u200b", "", domain.ReasonInvalidEmail},
		{"ErrNoBreakSpace", "mario\u00a0rossi@example.com", "", domain.ReasonInvalidEmail},
		{"ErrControl", "mario\x00@example.com", "", domain.ReasonInvalidEmail},
		{"ErrInvalidUTF8", "mario\xff@example.com", "", domain.ReasonInvalidEmail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.NormalizeEmail(tt.in)
			vtAssertReason(t, err, "email", tt.reason)
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if err == nil {
				again, err := domain.NormalizeEmail(got)
				if err != nil || again != got {
					t.Fatalf("not idempotent: %q, %v", again, err)
				}
			}
		})
	}
}
