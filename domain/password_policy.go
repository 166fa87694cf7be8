package domain

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// Password policy after NIST SP 800-63B (§3.1.1.2, memorized secrets):
// length limits, a blocklist of common and breached passwords, no passwords
// derived from the account's own identifiers, no repetitive or sequential
// strings, and no composition rules (no "one digit, one symbol") and no
// periodic expiry. Every character is allowed, spaces and emoji included.

// Defaults and hard bounds of PasswordPolicy.
const (
	// DefaultPasswordMinLength is above the NIST floor of 8 for
	// user-chosen passwords.
	DefaultPasswordMinLength = 10
	// PasswordMinLengthFloor is the smallest MinLength a policy may set.
	PasswordMinLengthFloor = 8
	// DefaultPasswordMaxLength bounds the cost of hashing; NIST asks to
	// accept at least 64 characters.
	DefaultPasswordMaxLength = 256
	// PasswordMaxLengthFloor is the smallest MaxLength a policy may set.
	PasswordMaxLengthFloor = 64
)

// Reasons of password policy errors, all on the field "password".
const (
	ReasonPasswordTooShort         = "PASSWORD_TOO_SHORT"
	ReasonPasswordTooLong          = "PASSWORD_TOO_LONG"
	ReasonPasswordCommon           = "PASSWORD_COMMON"
	ReasonPasswordContainsUsername = "PASSWORD_CONTAINS_USERNAME"
	ReasonPasswordRepetitive       = "PASSWORD_REPETITIVE"
)

// PasswordPolicy checks new passwords. The zero value is the default
// policy. Lengths count Unicode code points; the standard library has no
// Unicode normalization, so passwords are not NFC-normalized (SP 800-63B
// recommends it): a password typed with combining characters counts each
// of them. The component that hashes passwords must not normalize either,
// so that the same bytes always verify.
type PasswordPolicy struct {
	// MinLength is the shortest password accepted, in code points: 0 means
	// DefaultPasswordMinLength (10); values under 8 count as 8.
	MinLength int
	// MaxLength is the longest password accepted, in code points, to bound
	// hashing cost: 0 means DefaultPasswordMaxLength (256); values under 64
	// (or under MinLength) count as 64 (or MinLength).
	MaxLength int
}

func (p PasswordPolicy) limits() (minLen, maxLen int) {
	minLen, maxLen = p.MinLength, p.MaxLength
	if minLen == 0 {
		minLen = DefaultPasswordMinLength
	}
	minLen = max(minLen, PasswordMinLengthFloor)
	if maxLen == 0 {
		maxLen = DefaultPasswordMaxLength
	}
	maxLen = max(maxLen, PasswordMaxLengthFloor, minLen)
	return minLen, maxLen
}

// Check returns nil if password may be chosen, else a FieldError on
// "password" whose reason is, in order of precedence:
//
//   - PASSWORD_TOO_SHORT, PASSWORD_TOO_LONG: length in code points;
//   - PASSWORD_REPETITIVE: the password is one character repeated
//     ("aaaaaaaaaa"), a sequence ("1234567890", "abcdefghij",
//     "9876543210"), a keyboard row ("qwertyuiop", "azertyuiop") or a
//     shorter string repeated that would itself be too short ("abcabcabcabc",
//     "passwordpassword");
//   - PASSWORD_COMMON: the password, compared case-insensitively, is in the
//     embedded list of common and breached passwords (commonpasswords.txt);
//   - PASSWORD_CONTAINS_USERNAME: the password equals, or contains, one of
//     the context words (case-insensitive). Pass the username, the e-mail
//     address, names, the tenant name... For a word with an '@', its local
//     part is checked too. A word must have at least 4 characters to be
//     looked for inside the password; a shorter one is only compared whole.
func (p PasswordPolicy) Check(password string, context ...string) error {
	minLen, maxLen := p.limits()
	n := utf8.RuneCountInString(password)
	if n < minLen {
		return FieldError("password", ReasonPasswordTooShort,
			"A password has at least %d characters.", minLen)
	}
	if n > maxLen {
		return FieldError("password", ReasonPasswordTooLong,
			"A password has at most %d characters.", maxLen)
	}
	lower := strings.ToLower(password)
	if pwIsRepetitive(lower, minLen) {
		return FieldError("password", ReasonPasswordRepetitive,
			"A password may not be a repeated or sequential string such as aaaaaaaaaa or 1234567890.")
	}
	if IsCommonPassword(lower) {
		return FieldError("password", ReasonPasswordCommon,
			"This password is too common: it appears in lists that attackers try first. Choose another one.")
	}
	if pwContainsContext(lower, context) {
		return FieldError("password", ReasonPasswordContainsUsername,
			"A password may not contain your username, e-mail address or name.")
	}
	return nil
}

// The list of common passwords: lower case, one a line. Entries never hold
// white space, so empty lines and comment lines, which start with "# ", are
// ignored ("#edc4rfv" is an entry).
//
//go:embed commonpasswords.txt
var commonPasswordsFile string

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 8192)
	for line := range strings.Lines(commonPasswordsFile) {
		if strings.HasPrefix(line, "# ") {
			continue
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		m[strings.ToLower(line)] = struct{}{}
	}
	return m
})

// IsCommonPassword reports whether password, compared case-insensitively,
// is in the embedded list of common and breached passwords.
func IsCommonPassword(password string) bool {
	_, ok := commonPasswords()[strings.ToLower(password)]
	return ok
}

// pwMinContextContains is the shortest context word looked for inside a
// password; shorter words ("al", "bob") would reject too many good
// passwords by chance and are only compared whole.
const pwMinContextContains = 4

func pwContainsContext(lower string, context []string) bool {
	check := func(word string) bool {
		word = strings.ToLower(strings.TrimSpace(word))
		switch {
		case word == "":
			return false
		case lower == word:
			return true
		case utf8.RuneCountInString(word) >= pwMinContextContains:
			return strings.Contains(lower, word)
		}
		return false
	}
	for _, w := range context {
		if check(w) {
			return true
		}
		if at := strings.LastIndexByte(w, '@'); at > 0 && check(w[:at]) {
			return true
		}
	}
	return false
}

// pwKeyboardRows are rows of common layouts (QWERTY, AZERTY, QWERTZ) and
// the digit row, checked forwards and backwards.
var pwKeyboardRows = [...]string{
	"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm",
	"azertyuiop", "qsdfghjklm", "wxcvbn",
	"qwertzuiop", "yxcvbnm",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
}

// pwIsRepetitive reports whether the lower-cased password is a
// repetition, a sequence or a keyboard row (see Check).
func pwIsRepetitive(lower string, minLen int) bool {
	runes := []rune(lower)
	n := len(runes)
	if n < 2 {
		return true
	}
	// A unit repeated: its length is a proper divisor of n.
	for unit := 1; unit <= n/2 && unit < minLen; unit++ {
		if n%unit != 0 {
			continue
		}
		repeated := true
		for i := unit; i < n; i++ {
			if runes[i] != runes[i-unit] {
				repeated = false
				break
			}
		}
		if repeated {
			return true
		}
	}
	// A sequence with a constant step of +1 or -1; digits wrap around
	// (…7890123…), as on the keyboard.
	for _, step := range [...]int{1, -1} {
		seq := true
		for i := 1; i < n; i++ {
			if !pwSequential(runes[i-1], runes[i], step) {
				seq = false
				break
			}
		}
		if seq {
			return true
		}
	}
	for _, row := range pwKeyboardRows {
		if strings.Contains(row, lower) || strings.Contains(pwReverse(row), lower) {
			return true
		}
	}
	return false
}

func pwSequential(a, b rune, step int) bool {
	if '0' <= a && a <= '9' && '0' <= b && b <= '9' {
		return (int(a-'0')+step+10)%10 == int(b-'0')
	}
	return int(b)-int(a) == step
}

func pwReverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
