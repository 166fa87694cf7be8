package domain_test

import (
	"strings"
	"testing"

	"tenantadmin/domain"
)

// vtVariedText returns n code points without repetition or sequence.
func vtVariedText(n int) string {
	const chars = "Kq7#mZ2!vR9tL4xW8pB3nJ6yD5sF1hG0cT@"
	var b strings.Builder
	x := uint32(2463534242)
	for i := 0; i < n; i++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteByte(chars[x%uint32(len(chars))])
	}
	return b.String()
}

func TestPasswordPolicyCheck(t *testing.T) {
	tests := []struct {
		name     string
		policy   domain.PasswordPolicy
		password string
		context  []string
		reason   string
	}{
		{"OK", domain.PasswordPolicy{}, "correct horse battery staple", nil, ""},
		{"OKMinLength", domain.PasswordPolicy{}, "Tr0ub4dor&", nil, ""},
		{"OKMaxLength", domain.PasswordPolicy{}, vtVariedText(256), nil, ""},
		{"OKUnicodeCountsCodePoints", domain.PasswordPolicy{}, "我的密码很安全不是吗", nil, ""},
		{"OKEmoji", domain.PasswordPolicy{}, "🐱🐶🦊🐻🐼🐨🐯🦁🐮🐷", nil, ""},
		{"OKSpacesAllowed", domain.PasswordPolicy{}, "   a   b   c   ", nil, ""},
		{"OKCustomMinLength", domain.PasswordPolicy{MinLength: 8}, "zqxjkvbw", nil, ""},
		{"OKUnrelatedContext", domain.PasswordPolicy{}, "velvet-tractor-87", []string{"mario.rossi", "mario.rossi@example.com"}, ""},
		{"OKShortContextWordInside", domain.PasswordPolicy{}, "bobcat-lives-here", []string{"bob"}, ""},
		{"OKEmptyContext", domain.PasswordPolicy{}, "velvet-tractor-87", []string{"", "  "}, ""},
		{"OKRepeatedLongUnit", domain.PasswordPolicy{}, strings.Repeat("Kq7#mZ2!vR9t", 2), nil, ""},
		{"OKAlmostSequence", domain.PasswordPolicy{}, "1234567890x", nil, ""},

		{"ErrTooShort", domain.PasswordPolicy{}, "Tr0ub4dor", nil, domain.ReasonPasswordTooShort},
		{"ErrTooShortEmpty", domain.PasswordPolicy{}, "", nil, domain.ReasonPasswordTooShort},
		{"ErrTooShortMultibyte", domain.PasswordPolicy{}, "我的密码很安全不是", nil, domain.ReasonPasswordTooShort},
		{"ErrTooShortFloorIs8", domain.PasswordPolicy{MinLength: 4}, "zqxjkvb", nil, domain.ReasonPasswordTooShort},
		{"OKCustomMinLength17", domain.PasswordPolicy{MinLength: 17}, "velvet-tractor-87", nil, ""},
		{"ErrTooShortCustom", domain.PasswordPolicy{MinLength: 18}, "velvet-tractor-87", nil, domain.ReasonPasswordTooShort},
		{"ErrTooLong", domain.PasswordPolicy{}, vtVariedText(257), nil, domain.ReasonPasswordTooLong},
		{"ErrTooLongCustom", domain.PasswordPolicy{MaxLength: 100}, vtVariedText(101), nil, domain.ReasonPasswordTooLong},
		{"OKMaxLengthFloorIs64", domain.PasswordPolicy{MaxLength: 12}, vtVariedText(64), nil, ""},
		{"ErrTooLongFloorIs64", domain.PasswordPolicy{MaxLength: 12}, vtVariedText(65), nil, domain.ReasonPasswordTooLong},

		{"ErrCommon", domain.PasswordPolicy{}, "password123", nil, domain.ReasonPasswordCommon},
		{"ErrCommonCaseInsensitive", domain.PasswordPolicy{}, "PassWord123", nil, domain.ReasonPasswordCommon},
		{"ErrCommonLeet", domain.PasswordPolicy{MinLength: 8}, "P@ssw0rd", nil, domain.ReasonPasswordCommon},
		{"ErrCommonIloveyou", domain.PasswordPolicy{MinLength: 8}, "iloveyou", nil, domain.ReasonPasswordCommon},
		{"ErrCommonItalian", domain.PasswordPolicy{MinLength: 8}, "Juventus", nil, domain.ReasonPasswordCommon},
		{"ErrCommonItalianDigits", domain.PasswordPolicy{MinLength: 8}, "ciao1234", nil, domain.ReasonPasswordCommon},
		{"ErrCommonFrench", domain.PasswordPolicy{}, "motdepasse", nil, domain.ReasonPasswordCommon},
		{"ErrCommonFrenchAzerty", domain.PasswordPolicy{MinLength: 8}, "azerty123", nil, domain.ReasonPasswordCommon},
		{"ErrCommonKeyboard", domain.PasswordPolicy{}, "Qwerty1234", nil, domain.ReasonPasswordCommon},
		{"ErrKeyboardRow", domain.PasswordPolicy{}, "QWERTYUIOP", nil, domain.ReasonPasswordRepetitive},
		{"ErrKeyboardRowAzerty", domain.PasswordPolicy{}, "azertyuiop", nil, domain.ReasonPasswordRepetitive},
		{"ErrCommonHashPrefixed", domain.PasswordPolicy{MinLength: 8}, "#edc4rfv", nil, domain.ReasonPasswordCommon},

		{"ErrContainsUsernameEqual", domain.PasswordPolicy{}, "Mario.Rossi", []string{"mario.rossi"}, domain.ReasonPasswordContainsUsername},
		{"ErrContainsUsername", domain.PasswordPolicy{}, "xx-MARIO.ROSSI-2024", []string{"mario.rossi"}, domain.ReasonPasswordContainsUsername},
		{"ErrContainsEmail", domain.PasswordPolicy{}, "giulia.bianchi@example.com", []string{"", "giulia.bianchi@example.com"}, domain.ReasonPasswordContainsUsername},
		{"ErrContainsEmailLocalPart", domain.PasswordPolicy{}, "giulia.bianchi!!", []string{"giulia.bianchi@example.com"}, domain.ReasonPasswordContainsUsername},
		{"ErrContainsName", domain.PasswordPolicy{}, "Velvet-Rossi-87", []string{"mario.rossi", "Rossi"}, domain.ReasonPasswordContainsUsername},

		{"ErrRepetitive", domain.PasswordPolicy{}, "aaaaaaaaaa", nil, domain.ReasonPasswordRepetitive},
		{"ErrRepetitiveUnicode", domain.PasswordPolicy{}, "éééééééééé", nil, domain.ReasonPasswordRepetitive},
		{"ErrRepetitiveUnit2", domain.PasswordPolicy{}, "1212121212", nil, domain.ReasonPasswordRepetitive},
		{"ErrRepetitiveUnit3", domain.PasswordPolicy{}, "xyzxyzxyzxyz", nil, domain.ReasonPasswordRepetitive},
		{"ErrRepetitiveShortUnitTwice", domain.PasswordPolicy{}, "Kq7#mZ2!Kq7#mZ2!", nil, domain.ReasonPasswordRepetitive},
		{"ErrRepetitiveCaseInsensitive", domain.PasswordPolicy{}, "AbcdaBCDabcd", nil, domain.ReasonPasswordRepetitive},
		{"ErrSequentialDigits", domain.PasswordPolicy{}, "1234567890", nil, domain.ReasonPasswordRepetitive},
		{"ErrSequentialDigitsWrap", domain.PasswordPolicy{}, "7890123456", nil, domain.ReasonPasswordRepetitive},
		{"ErrSequentialDigitsDown", domain.PasswordPolicy{}, "9876543210", nil, domain.ReasonPasswordRepetitive},
		{"ErrSequentialLetters", domain.PasswordPolicy{}, "abcdefghijklm", nil, domain.ReasonPasswordRepetitive},
		{"ErrSequentialLettersDown", domain.PasswordPolicy{}, "ZYXWVUTSRQ", nil, domain.ReasonPasswordRepetitive},
		{"ErrKeyboardRowReversed", domain.PasswordPolicy{}, "mlkjhgfdsq", nil, domain.ReasonPasswordRepetitive},
		{"ErrKeyboardColumns", domain.PasswordPolicy{}, "3edc4rfv5tgb", nil, domain.ReasonPasswordRepetitive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.Check(tt.password, tt.context...)
			vtAssertReason(t, err, "password", tt.reason)
		})
	}
}

func TestPasswordPolicyPrecedence(t *testing.T) {
	tests := []struct {
		name, password, reason string
		context                []string
	}{
		// Length is checked first, then repetition, the list, the context.
		{"ErrTooShortBeforeRepetitive", "aaaaaaaaa", domain.ReasonPasswordTooShort, nil},
		{"ErrRepetitiveBeforeCommon", "1234567890", domain.ReasonPasswordRepetitive, nil},
		{"ErrRepetitiveBeforeUsername", "abcdefghij", domain.ReasonPasswordRepetitive, []string{"abcdefghij"}},
		{"ErrCommonBeforeUsername", "password123", domain.ReasonPasswordCommon, []string{"password123"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p domain.PasswordPolicy
			vtAssertReason(t, p.Check(tt.password, tt.context...), "password", tt.reason)
		})
	}
}

func TestIsCommonPassword(t *testing.T) {
	tests := []struct {
		name, in string
		want     bool
	}{
		{"OK", "password", true},
		{"OKUpperCase", "PASSWORD1", true},
		{"OKItalian", "forzainter", true},
		{"OKFrench", "jetaime123", true},
		{"OKNotInList", "velvet-tractor-87", false},
		{"OKHeaderIsNotAnEntry", "# Common and breached passwords, lower case, one a line; only entries of", false},
		{"OKEmpty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := domain.IsCommonPassword(tt.in); got != tt.want {
				t.Fatalf("IsCommonPassword(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
