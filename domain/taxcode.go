package domain

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Tax codes. Persons and organisations are validated by pluggable,
// per-country validators; ISO 3166-1 alpha-2 country codes select them.
//
// Every failure is FieldError("taxCode", ReasonInvalidTaxCode, ...) with a
// message that says what is wrong (length, structure or check character).

// ReasonInvalidTaxCode is the reason of every tax code validation error.
const ReasonInvalidTaxCode = "INVALID_TAX_CODE"

// TaxCodeValidator checks the tax codes of one country.
type TaxCodeValidator interface {
	// Country is the ISO 3166-1 alpha-2 code, upper case (e.g. "IT").
	Country() string
	// Normalize returns the canonical form of a code as typed by a person:
	// it must never fail and must be idempotent.
	Normalize(code string) string
	// Validate checks a normalized code; it returns a *Error built with
	// FieldError("taxCode", "INVALID_TAX_CODE", ...) or nil.
	Validate(code string) error
}

type taxCodeRegistry struct {
	mu         sync.RWMutex
	validators map[string]TaxCodeValidator
	// identifier names a country's tax code in the messages of the
	// generic fallback ("NIR" for a French person), so that a refusal
	// never names another country's identifier.
	identifier func(country string) string
}

func (r *taxCodeRegistry) register(v TaxCodeValidator) {
	if v == nil {
		panic("domain: nil TaxCodeValidator")
	}
	country := taxCountryKey(v.Country())
	if len(country) != 2 {
		panic("domain: TaxCodeValidator country must be an ISO 3166-1 alpha-2 code, got " + v.Country())
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.validators == nil {
		r.validators = make(map[string]TaxCodeValidator)
	}
	r.validators[country] = v
}

func (r *taxCodeRegistry) lookup(country string) TaxCodeValidator {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if v, ok := r.validators[taxCountryKey(country)]; ok {
		return v
	}
	name := "tax identification number"
	if r.identifier != nil {
		name = r.identifier(taxCountryKey(country))
	}
	return genericTaxCode{name: name}
}

var (
	personTaxCodes       = taxCodeRegistry{identifier: PersonTaxIdentifier}
	organizationTaxCodes = taxCodeRegistry{identifier: OrganizationTaxIdentifier}
)

// PersonTaxIdentifier is what a person's tax code is called in a country,
// as refusals name it: the codice fiscale in Italy, the NIR in France.
func PersonTaxIdentifier(country string) string {
	switch taxCountryKey(country) {
	case "IT", "":
		return "Italian tax code (codice fiscale)"
	case "FR":
		return "French NIR (social security number)"
	}
	return "tax identification number"
}

// OrganizationTaxIdentifier is what an organisation's tax code is called in
// a country: codice fiscale or partita IVA in Italy, SIREN or SIRET in France.
func OrganizationTaxIdentifier(country string) string {
	switch taxCountryKey(country) {
	case "IT", "":
		return "Italian tax code or VAT number (partita IVA)"
	case "FR":
		return "SIREN or SIRET number"
	}
	return "tax identification number"
}

func init() {
	RegisterTaxCodeValidator(ItalianPersonTaxCode{})
	RegisterOrganizationTaxCodeValidator(ItalianOrganizationTaxCode{})
	RegisterOrganizationTaxCodeValidator(FrenchOrganizationTaxCode{})
}

// RegisterTaxCodeValidator installs the validator of persons' tax codes for
// v.Country(), replacing any previous one for that country. It panics on a
// nil validator or a country that is not two letters. It is safe for
// concurrent use, but is meant to be called from init functions.
func RegisterTaxCodeValidator(v TaxCodeValidator) { personTaxCodes.register(v) }

// RegisterOrganizationTaxCodeValidator installs the validator of
// organisations' (tenants') tax codes for v.Country(), like
// RegisterTaxCodeValidator.
func RegisterOrganizationTaxCodeValidator(v TaxCodeValidator) { organizationTaxCodes.register(v) }

// ValidatePersonTaxCode normalizes and validates the tax code of a person
// of the given country (ISO 3166-1 alpha-2, any case).
//
// For a country without a registered validator, only a conservative generic
// format is checked: after removing spaces, dots, dashes and slashes, 4 to 20
// upper-case ASCII letters and digits. That accepts the national identifiers
// we know of without claiming they are valid.
func ValidatePersonTaxCode(country, code string) (normalized string, err error) {
	return runTaxCodeValidator(personTaxCodes.lookup(country), code)
}

// ValidateOrganizationTaxCode normalizes and validates the tax code of an
// organisation (a tenant) of the given country: SIREN or SIRET in France,
// partita IVA in Italy, and the generic format of ValidatePersonTaxCode for
// other countries.
func ValidateOrganizationTaxCode(country, code string) (normalized string, err error) {
	return runTaxCodeValidator(organizationTaxCodes.lookup(country), code)
}

func runTaxCodeValidator(v TaxCodeValidator, code string) (string, error) {
	n := v.Normalize(code)
	if err := v.Validate(n); err != nil {
		return "", err
	}
	return n, nil
}

func taxCountryKey(c string) string {
	return strings.ToUpper(strings.TrimSpace(c))
}

// compactTaxCode upper-cases ASCII letters and removes white space and the
// separators people type inside codes: '.', '-', '/'. Other characters are
// kept so that validation can report them.
func compactTaxCode(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '.', r == '-', r == '/':
			continue
		case 'a' <= r && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func tcIsDigit(c byte) bool { return '0' <= c && c <= '9' }
func tcIsUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// tcAllDigits reports whether s holds only ASCII digits (true for "").
func tcAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !tcIsDigit(s[i]) {
			return false
		}
	}
	return true
}

func taxCodeError(format string, args ...any) error {
	return FieldError("taxCode", ReasonInvalidTaxCode, format, args...)
}

// genericTaxCode is the fallback for countries without a validator; its
// messages use the country's name for the identifier.
type genericTaxCode struct{ name string }

func (genericTaxCode) Country() string              { return "" }
func (genericTaxCode) Normalize(code string) string { return compactTaxCode(code) }

func (g genericTaxCode) Validate(code string) error {
	name := g.name
	if name == "" {
		name = "tax identification number"
	}
	if n := utf8.RuneCountInString(code); n < 4 || n > 20 {
		return taxCodeError("A %s has 4 to 20 letters and digits, not %d.", name, n)
	}
	for i := 0; i < len(code); i++ {
		if !tcIsDigit(code[i]) && !tcIsUpper(code[i]) {
			return taxCodeError("A %s may contain only letters A-Z and digits.", name)
		}
	}
	return nil
}

// Italian codice fiscale of persons.

// ItalianPersonTaxCode validates the Italian codice fiscale of natural
// persons (DM 23/12/1976): 16 characters, LLLLLL DD M DD LDDD C, where
//
//   - 1-6 are letters (surname and name),
//   - 7-8 the year of birth,
//   - 9 the month letter, one of ABCDEHLMPRST,
//   - 10-11 the day of birth, 01-31 for men and 41-71 for women (day+40),
//   - 12-15 the place of birth, a letter and three digits (Belfiore code),
//   - 16 the check character.
//
// Omocodia: when two persons would get the same code, the Agenzia delle
// Entrate replaces digits, from the right, by the letters LMNPQRSTUV (for
// 0-9) at positions 7, 8, 10, 11, 13, 14 and 15, and recomputes the check
// character. Any combination of replaced positions is accepted here (the
// right-to-left order is not enforced). The 11-digit provisional codes that
// are sometimes issued to persons are not accepted.
type ItalianPersonTaxCode struct{}

// Country returns "IT".
func (ItalianPersonTaxCode) Country() string { return "IT" }

// Normalize upper-cases letters and removes spaces and separators.
func (ItalianPersonTaxCode) Normalize(code string) string { return compactTaxCode(code) }

// cfOmocodiaLetters are the letters that replace the digits 0-9.
const cfOmocodiaLetters = "LMNPQRSTUV"

// cfMonthLetters are the month codes January-December.
const cfMonthLetters = "ABCDEHLMPRST"

// cfOddValues are the values of 0-9 then A-Z at odd (1-based) positions.
var cfOddValues = [36]int{
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // 0-9
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // A-J
	2, 4, 18, 20, 11, 3, 6, 8, 12, 14, // K-T
	16, 10, 22, 25, 24, 23, // U-Z
}

// cfValueIndex maps '0'-'9' to 0-9 and 'A'-'Z' to 10-35.
func cfValueIndex(c byte) int {
	if tcIsDigit(c) {
		return int(c - '0')
	}
	return int(c-'A') + 10
}

// italianCheckChar computes the check character of the first 15
// characters of a codice fiscale, which must be digits or upper-case
// letters.
func italianCheckChar(first15 string) byte {
	sum := 0
	for i := 0; i < 15; i++ {
		c := first15[i]
		if i%2 == 0 { // odd position, 1-based
			sum += cfOddValues[cfValueIndex(c)]
		} else if tcIsDigit(c) {
			sum += int(c - '0')
		} else {
			sum += int(c - 'A')
		}
	}
	return byte('A' + sum%26)
}

// cfDigitPositions are the 0-based positions that hold digits, which
// omocodia may replace by letters.
var cfDigitPositions = [...]int{6, 7, 9, 10, 12, 13, 14}

// cfDigit returns the digit a position holds, decoding omocodia.
func cfDigit(c byte) (int, bool) {
	if tcIsDigit(c) {
		return int(c - '0'), true
	}
	if i := strings.IndexByte(cfOmocodiaLetters, c); i >= 0 {
		return i, true
	}
	return 0, false
}

// Validate checks length, structure and check character.
func (ItalianPersonTaxCode) Validate(code string) error {
	if n := utf8.RuneCountInString(code); n != 16 {
		return taxCodeError("An Italian tax code has 16 characters, not %d.", n)
	}
	if len(code) != 16 {
		return taxCodeError("Wrong structure: an Italian tax code has only letters A-Z and digits.")
	}
	for _, i := range [...]int{0, 1, 2, 3, 4, 5, 8, 11, 15} {
		if !tcIsUpper(code[i]) {
			return taxCodeError("Wrong structure: character %d of an Italian tax code must be a letter.", i+1)
		}
	}
	for _, i := range cfDigitPositions {
		if _, ok := cfDigit(code[i]); !ok {
			return taxCodeError("Wrong structure: character %d of an Italian tax code must be a digit (or one of the letters %s).", i+1, cfOmocodiaLetters)
		}
	}
	if strings.IndexByte(cfMonthLetters, code[8]) < 0 {
		return taxCodeError("Wrong structure: character 9 of an Italian tax code is the month of birth, one of %s.", cfMonthLetters)
	}
	d1, _ := cfDigit(code[9])
	d2, _ := cfDigit(code[10])
	if day := d1*10 + d2; day < 1 || (day > 31 && day < 41) || day > 71 {
		return taxCodeError("Wrong structure: characters 10-11 of an Italian tax code are the day of birth, 01-31 or 41-71.")
	}
	if want := italianCheckChar(code[:15]); code[15] != want {
		return taxCodeError("Wrong check character: the last character of this Italian tax code does not match the others; please check for typing errors.")
	}
	return nil
}

// Italian organisations.

// ItalianOrganizationTaxCode validates the partita IVA, which is also the
// codice fiscale of companies and other non-natural persons: 11 digits, the
// company number (7 digits, not all zero), the office code (001-100, 120,
// 121, 888 or 999) and a Luhn check digit, as in the formal check program
// of the Agenzia delle Entrate. Normalize also removes an "IT" VAT prefix.
type ItalianOrganizationTaxCode struct{}

// Country returns "IT".
func (ItalianOrganizationTaxCode) Country() string { return "IT" }

// Normalize removes separators and an "IT" prefix before 11 digits.
func (ItalianOrganizationTaxCode) Normalize(code string) string {
	c := compactTaxCode(code)
	if len(c) == 13 && strings.HasPrefix(c, "IT") && tcAllDigits(c[2:]) {
		c = c[2:]
	}
	return c
}

// Validate checks a partita IVA.
func (ItalianOrganizationTaxCode) Validate(code string) error {
	if !tcAllDigits(code) {
		return taxCodeError("Wrong structure: an Italian VAT number (partita IVA) has only digits.")
	}
	if len(code) != 11 {
		return taxCodeError("An Italian VAT number (partita IVA) has 11 digits, not %d.", len(code))
	}
	if code[:7] == "0000000" {
		return taxCodeError("Wrong structure: the first 7 digits of an Italian VAT number (partita IVA) cannot all be zero.")
	}
	office := int(code[7]-'0')*100 + int(code[8]-'0')*10 + int(code[9]-'0')
	validOffice := (office >= 1 && office <= 100) || office == 120 || office == 121 || office == 888 || office == 999
	// Codes of entities that are not VAT payers (first digit 8 or 9) only
	// use the office codes 001-095.
	if code[0] >= '8' && office > 95 {
		validOffice = false
	}
	if !validOffice {
		return taxCodeError("Wrong structure: digits 8-10 of an Italian VAT number (partita IVA) are not a valid office code.")
	}
	if !tcLuhnValid(code) {
		return taxCodeError("Wrong check digit: the last digit of this Italian VAT number (partita IVA) does not match the others; please check for typing errors.")
	}
	return nil
}

// French organisations.

// FrenchOrganizationTaxCode validates SIREN (9 digits, the company) and
// SIRET (14 digits, one establishment: SIREN + 5 digits) numbers, both with
// a Luhn check digit. Establishments of La Poste (SIREN 356000000) other
// than its head office do not follow Luhn: the sum of the 14 digits is a
// multiple of 5 instead.
type FrenchOrganizationTaxCode struct{}

// Country returns "FR".
func (FrenchOrganizationTaxCode) Country() string { return "FR" }

// Normalize removes spaces and separators.
func (FrenchOrganizationTaxCode) Normalize(code string) string { return compactTaxCode(code) }

const laPosteSIREN = "356000000"

// Validate checks a SIREN or SIRET.
func (FrenchOrganizationTaxCode) Validate(code string) error {
	if !tcAllDigits(code) {
		return taxCodeError("Wrong structure: a SIREN or SIRET number has only digits.")
	}
	switch len(code) {
	case 9:
		if !tcLuhnValid(code) {
			return taxCodeError("Wrong check digit: this SIREN number is not valid; please check for typing errors.")
		}
	case 14:
		if !tcLuhnValid(code[:9]) {
			return taxCodeError("Wrong check digit: the first 9 digits of this SIRET number are not a valid SIREN; please check for typing errors.")
		}
		valid := tcLuhnValid(code)
		if !valid && code[:9] == laPosteSIREN {
			sum := 0
			for i := 0; i < len(code); i++ {
				sum += int(code[i] - '0')
			}
			valid = sum%5 == 0
		}
		if !valid {
			return taxCodeError("Wrong check digit: this SIRET number is not valid; please check for typing errors.")
		}
	default:
		return taxCodeError("A SIREN number has 9 digits and a SIRET number 14, not %d.", len(code))
	}
	return nil
}

// tcLuhnValid reports whether a string of ASCII digits passes the Luhn check.
func tcLuhnValid(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
