package domain

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Usernames (R2) and e-mail addresses.

// Limits and reasons of the username rule.
const (
	UsernameMinLength = 3
	UsernameMaxLength = 64

	ReasonUsernameTooShort         = "USERNAME_TOO_SHORT"
	ReasonUsernameTooLong          = "USERNAME_TOO_LONG"
	ReasonUsernameInvalidCharacter = "USERNAME_INVALID_CHARACTER"
)

// MaxEmailLength is the longest address accepted, in bytes (RFC 5321 path
// limit minus the angle brackets).
const MaxEmailLength = 254

// ReasonInvalidEmail is the reason of every e-mail validation error.
const ReasonInvalidEmail = "INVALID_EMAIL"

// NormalizeUsername applies the username rule (R2) and returns the username
// in lower case, the form to store and compare: usernames are unique and
// compared case-insensitively.
//
// A username has 3 to 64 characters, each an ASCII letter, a digit, '.', '_'
// or '-'. Nothing is trimmed: a username with a space anywhere, including
// at either end, is rejected with USERNAME_INVALID_CHARACTER. Errors are
// FieldError("username", reason, ...) with the reasons
// USERNAME_INVALID_CHARACTER, USERNAME_TOO_SHORT and USERNAME_TOO_LONG, in
// that order of precedence.
func NormalizeUsername(s string) (string, error) {
	for _, r := range s {
		if !usernameAllowedRune(r) {
			what := fmt.Sprintf("%q", r)
			if r == ' ' {
				what = "spaces"
			}
			return "", FieldError("username", ReasonUsernameInvalidCharacter,
				"A username may contain only letters A-Z, digits, '.', '_' and '-', not %s.", what)
		}
	}
	// Only ASCII is left: bytes are characters.
	if len(s) < UsernameMinLength {
		return "", FieldError("username", ReasonUsernameTooShort,
			"A username has at least %d characters.", UsernameMinLength)
	}
	if len(s) > UsernameMaxLength {
		return "", FieldError("username", ReasonUsernameTooLong,
			"A username has at most %d characters.", UsernameMaxLength)
	}
	return strings.ToLower(s), nil
}

func usernameAllowedRune(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
		r == '.' || r == '_' || r == '-'
}

// NormalizeEmail checks an e-mail address and returns it with surrounding
// white space removed and the domain in lower case (the local part is case
// sensitive in principle and is kept as typed).
//
// The address must be a bare addr-spec that net/mail.ParseAddress accepts
// (RFC 5322): no display name, no angle brackets, no comments, no quoted
// local part; its domain must have at least one dot and may not be a
// literal such as [192.0.2.1]; it has at most 254 bytes and no control,
// invisible (format) or space characters. Errors are
// FieldError("email", "INVALID_EMAIL", ...).
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", FieldError("email", ReasonInvalidEmail, "Enter an e-mail address.")
	}
	if len(s) > MaxEmailLength {
		return "", FieldError("email", ReasonInvalidEmail,
			"An e-mail address has at most %d characters.", MaxEmailLength)
	}
	// Invisible and control characters are valid UTF-8 that net/mail lets
	// through; they have no place in an address a person reads.
	if !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsGraphic(r) || unicode.IsSpace(r) }) >= 0 {
		return "", FieldError("email", ReasonInvalidEmail, "The e-mail address contains an invalid or invisible character.")
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "", FieldError("email", ReasonInvalidEmail, "An e-mail address needs an '@', as in name@example.com.")
	}
	normalized := s[:at+1] + strings.ToLower(s[at+1:])
	if err := emailCheckBare(normalized); err != nil {
		return "", err
	}
	if len(normalized) > MaxEmailLength { // lower-casing may change the length
		return "", FieldError("email", ReasonInvalidEmail,
			"An e-mail address has at most %d characters.", MaxEmailLength)
	}
	return normalized, nil
}

// emailCheckBare accepts an address only if net/mail parses it to itself
// without a display name.
func emailCheckBare(s string) error {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return FieldError("email", ReasonInvalidEmail,
			"Enter the e-mail address alone, as in name@example.com, without a name or brackets.")
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if strings.HasPrefix(domain, "[") {
		return FieldError("email", ReasonInvalidEmail, "An e-mail address needs a domain name, not an IP address.")
	}
	if !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") {
		return FieldError("email", ReasonInvalidEmail, "The domain of an e-mail address has at least one dot, as in example.com.")
	}
	return nil
}
