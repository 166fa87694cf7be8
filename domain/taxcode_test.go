package domain_test

import (
	"strings"
	"testing"

	"tenantadmin/domain"
)

// vtAssertReason fails unless err is a validation *domain.Error on field
// with reason; reason "" asserts that err is nil.
func vtAssertReason(t *testing.T, err error, field, reason string) {
	t.Helper()
	if reason == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	e := domain.AsError(err)
	if e == nil {
		t.Fatalf("got error %v, want a *domain.Error with reason %s", err, reason)
	}
	if e.Code != domain.EINVALID || e.Field != field || e.Reason != reason {
		t.Fatalf("got code=%s field=%s reason=%s (%s), want %s/%s/%s",
			e.Code, e.Field, e.Reason, e.Message, domain.EINVALID, field, reason)
	}
	if e.Message == "" {
		t.Fatalf("error %s has no message", reason)
	}
}

// vtCFCheck computes the check character of a codice fiscale from its first
// 15 characters with the official tables, independently of the package.
func vtCFCheck(first15 string) byte {
	odd := map[byte]int{
		'0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21,
		'A': 1, 'B': 0, 'C': 5, 'D': 7, 'E': 9, 'F': 13, 'G': 15, 'H': 17, 'I': 19, 'J': 21,
		'K': 2, 'L': 4, 'M': 18, 'N': 20, 'O': 11, 'P': 3, 'Q': 6, 'R': 8, 'S': 12, 'T': 14,
		'U': 16, 'V': 10, 'W': 22, 'X': 25, 'Y': 24, 'Z': 23,
	}
	sum := 0
	for i := 0; i < 15; i++ {
		c := first15[i]
		switch {
		case i%2 == 0:
			sum += odd[c]
		case c >= '0' && c <= '9':
			sum += int(c - '0')
		default:
			sum += int(c - 'A')
		}
	}
	return byte('A' + sum%26)
}

// vtCF completes 15 characters with their check character.
func vtCF(first15 string) string { return first15 + string(vtCFCheck(first15)) }

// vtOmocodic returns the 127 omocodic variants of a code: every non-empty
// subset of its digit positions replaced by LMNPQRSTUV, check recomputed.
func vtOmocodic(code string) []string {
	positions := []int{6, 7, 9, 10, 12, 13, 14}
	var out []string
	for mask := 1; mask < 1<<len(positions); mask++ {
		b := []byte(code[:15])
		for k, p := range positions {
			if mask&(1<<k) != 0 {
				b[p] = "LMNPQRSTUV"[b[p]-'0']
			}
		}
		out = append(out, vtCF(string(b)))
	}
	return out
}

const vtMarioRossi = "RSSMRA85T10A562S" // Mario Rossi, born in Rome on 10 December 1985

func TestItalianCheckCharacterAgreesWithKnownCode(t *testing.T) {
	if got := vtCF(vtMarioRossi[:15]); got != vtMarioRossi {
		t.Fatalf("test oracle computes %s, want %s", got, vtMarioRossi)
	}
}

func TestValidatePersonTaxCodeItaly(t *testing.T) {
	tests := []struct {
		name, in, want, reason string
	}{
		{"OK", vtMarioRossi, vtMarioRossi, ""},
		{"OKNormalized", " rss mra 85t10 a562s ", vtMarioRossi, ""},
		{"OKWithSeparators", "RSS-MRA-85T10-A562S", vtMarioRossi, ""},
		{"OKWoman", vtCF("RSSMRA85T50A562"), vtCF("RSSMRA85T50A562"), ""},
		{"OKWomanDay71", vtCF("BNCGLI90A71F205"), vtCF("BNCGLI90A71F205"), ""},
		{"OKForeignBirthplace", vtCF("DPNJNP80M01Z110"), vtCF("DPNJNP80M01Z110"), ""},
		{"OKOmocodicLastDigit", "RSSMRA85T10A56NH", "RSSMRA85T10A56NH", ""},
		{"ErrWrongLengthShort", vtMarioRossi[:15], "", domain.ReasonInvalidTaxCode},
		{"ErrWrongLengthLong", vtMarioRossi + "X", "", domain.ReasonInvalidTaxCode},
		{"ErrWrongLengthEmpty", "", "", domain.ReasonInvalidTaxCode},
		{"ErrWrongStructureNonASCII", "RSSMRA85T10A562È", "", domain.ReasonInvalidTaxCode},
		{"ErrWrongStructureDigitInName", vtCF("R5SMRA85T10A562"), "", domain.ReasonInvalidTaxCode},
		{"ErrWrongStructureLetterInYear", vtCF("RSSMRA8AT10A562"), "", domain.ReasonInvalidTaxCode},
		{"ErrWrongStructureMonth", vtCF("RSSMRA85F10A562"), "", domain.ReasonInvalidTaxCode},
		{"ErrWrongStructureDay00", vtCF("RSSMRA85T00A562"), "", domain.ReasonInvalidTaxCode},
		{"ErrWrongStructureDay32", vtCF("RSSMRA85T32A562"), "", domain.ReasonInvalidTaxCode},
		{"ErrWrongStructureDay40", vtCF("RSSMRA85T40A562"), "", domain.ReasonInvalidTaxCode},
		{"ErrWrongStructureDay72", vtCF("RSSMRA85T72A562"), "", domain.ReasonInvalidTaxCode},
		{"ErrWrongStructureMunicipality", vtCF("RSSMRA85T101562"), "", domain.ReasonInvalidTaxCode},
		{"ErrWrongStructureNotOmocodiaLetter", vtCF("RSSMRA85T10A56A"), "", domain.ReasonInvalidTaxCode},
		{"ErrWrongStructureCheckIsDigit", vtMarioRossi[:15] + "1", "", domain.ReasonInvalidTaxCode},
		{"ErrWrongCheckCharacter", vtMarioRossi[:15] + "T", "", domain.ReasonInvalidTaxCode},
		{"ErrWrongCheckCharacterSwappedDigits", "RSSMRA58T10A562S", "", domain.ReasonInvalidTaxCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ValidatePersonTaxCode("IT", tt.in)
			vtAssertReason(t, err, "taxCode", tt.reason)
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidatePersonTaxCodeItalyMessages(t *testing.T) {
	tests := []struct{ name, in, contains string }{
		{"ErrWrongLength", "RSSMRA85T10", "16 characters, not 11"},
		{"ErrWrongStructure", vtCF("RSSMRA85F10A562"), "Wrong structure"},
		{"ErrWrongCheckCharacter", vtMarioRossi[:15] + "T", "Wrong check character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := domain.ValidatePersonTaxCode("it", tt.in)
			if e := domain.AsError(err); e == nil || !strings.Contains(e.Message, tt.contains) {
				t.Fatalf("got %v, want a message containing %q", err, tt.contains)
			}
		})
	}
}

func TestValidatePersonTaxCodeItalyOmocodia(t *testing.T) {
	for _, base := range []string{vtMarioRossi, vtCF("BNCGLI90A71F205")} {
		variants := vtOmocodic(base)
		if len(variants) != 127 {
			t.Fatalf("got %d variants", len(variants))
		}
		for _, code := range variants {
			t.Run("OK"+code, func(t *testing.T) {
				got, err := domain.ValidatePersonTaxCode("IT", strings.ToLower(code))
				vtAssertReason(t, err, "taxCode", "")
				if got != code {
					t.Fatalf("got %q, want %q", got, code)
				}
			})
		}
	}
	// Fully omocodic Mario Rossi: 85 10 562 -> SR LM RQN.
	t.Run("OKFullyOmocodic", func(t *testing.T) {
		code := vtCF("RSSMRASRTLMARQN")
		if _, err := domain.ValidatePersonTaxCode("IT", code); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrWrongCheckCharacterOmocodicWithOriginalCheck", func(t *testing.T) {
		// Replacing a digit without recomputing the check character.
		_, err := domain.ValidatePersonTaxCode("IT", "RSSMRA85T10A56NS")
		vtAssertReason(t, err, "taxCode", domain.ReasonInvalidTaxCode)
	})
}

// Every single-character change of a valid code is rejected: the check
// character catches all substitutions that keep the structure valid.
func TestValidatePersonTaxCodeItalySingleCharacterChanges(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for _, valid := range []string{vtMarioRossi, "RSSMRA85T10A56NH", vtCF("BNCGLI90A71F205")} {
		for i := 0; i < len(valid); i++ {
			for j := 0; j < len(alphabet); j++ {
				if alphabet[j] == valid[i] {
					continue
				}
				changed := valid[:i] + alphabet[j:j+1] + valid[i+1:]
				if _, err := domain.ValidatePersonTaxCode("IT", changed); err == nil {
					t.Errorf("%s (position %d of %s changed) accepted", changed, i+1, valid)
				} else {
					vtAssertReason(t, err, "taxCode", domain.ReasonInvalidTaxCode)
				}
			}
		}
	}
}

func TestValidatePersonTaxCodeGeneric(t *testing.T) {
	tests := []struct {
		name, country, in, want, reason string
	}{
		{"OK", "DE", "12 345 678 901", "12345678901", ""},
		{"OKLowerCase", "es", "12345678-z", "12345678Z", ""},
		{"OKMin", "XX", "AB12", "AB12", ""},
		{"OKMax", "XX", strings.Repeat("A1", 10), strings.Repeat("A1", 10), ""},
		{"OKEmptyCountry", "", "ab-123", "AB123", ""},
		{"ErrTooShort", "DE", "AB1", "", domain.ReasonInvalidTaxCode},
		{"ErrTooLong", "DE", strings.Repeat("A", 21), "", domain.ReasonInvalidTaxCode},
		{"ErrEmpty", "DE", "   ", "", domain.ReasonInvalidTaxCode},
		{"ErrNonASCII", "DE", "ÄBC123", "", domain.ReasonInvalidTaxCode},
		{"ErrPunctuation", "DE", "ABC_123", "", domain.ReasonInvalidTaxCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ValidatePersonTaxCode(tt.country, tt.in)
			vtAssertReason(t, err, "taxCode", tt.reason)
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// vtZZ is a test validator for the user-assigned country code ZZ: codes
// are "ZZ" followed by digits.
type vtZZ struct{}

func (vtZZ) Country() string              { return "zz" }
func (vtZZ) Normalize(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }
func (vtZZ) Validate(code string) error {
	if !strings.HasPrefix(code, "ZZ") || len(code) < 3 || strings.Trim(code[2:], "0123456789") != "" {
		return domain.FieldError("taxCode", domain.ReasonInvalidTaxCode, "A ZZ code is ZZ and digits.")
	}
	return nil
}

func TestRegisterTaxCodeValidator(t *testing.T) {
	domain.RegisterTaxCodeValidator(vtZZ{})
	t.Run("OK", func(t *testing.T) {
		got, err := domain.ValidatePersonTaxCode(" Zz ", " zz42 ")
		vtAssertReason(t, err, "taxCode", "")
		if got != "ZZ42" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("ErrRejectedByPlugin", func(t *testing.T) {
		// Valid in the generic format, invalid for the plug-in.
		_, err := domain.ValidatePersonTaxCode("ZZ", "ABCD1234")
		vtAssertReason(t, err, "taxCode", domain.ReasonInvalidTaxCode)
	})
	t.Run("OKOrganizationsUnaffected", func(t *testing.T) {
		if _, err := domain.ValidateOrganizationTaxCode("ZZ", "ABCD1234"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrNilPanics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		domain.RegisterTaxCodeValidator(nil)
	})
	t.Run("ErrBadCountryPanics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		domain.RegisterOrganizationTaxCodeValidator(domain.TaxCodeValidator(vtBadCountry{}))
	})
}

type vtBadCountry struct{ vtZZ }

func (vtBadCountry) Country() string { return "ITA" }

// vtLuhnComplete appends the Luhn check digit to a string of digits.
func vtLuhnComplete(prefix string) string {
	for d := byte('0'); d <= '9'; d++ {
		s := prefix + string(d)
		sum, double := 0, false
		for i := len(s) - 1; i >= 0; i-- {
			v := int(s[i] - '0')
			if double {
				v *= 2
				if v > 9 {
					v -= 9
				}
			}
			sum += v
			double = !double
		}
		if sum%10 == 0 {
			return s
		}
	}
	panic("unreachable")
}

func TestValidateOrganizationTaxCode(t *testing.T) {
	tests := []struct {
		name, country, in, want, reason string
	}{
		// France: SIREN.
		{"OKSIREN", "FR", "732829320", "732829320", ""},
		{"OKSIRENFormatted", "fr", "732 829 320", "732829320", ""},
		{"OKSIRENLaPoste", "FR", "356000000", "356000000", ""},
		{"ErrSIRENWrongCheckDigit", "FR", "732829321", "", domain.ReasonInvalidTaxCode},
		{"ErrSIRENLetters", "FR", "73282932A", "", domain.ReasonInvalidTaxCode},
		// France: SIRET.
		{"OKSIRET", "FR", "73282932000074", "73282932000074", ""},
		{"OKSIRETFormatted", "FR", "732 829 320 00074", "73282932000074", ""},
		{"OKSIRETLaPosteHeadOffice", "FR", "35600000000048", "35600000000048", ""},
		// Not Luhn-valid, digit sum 15: accepted for La Poste only.
		{"OKSIRETLaPosteEstablishment", "FR", "35600000000001", "35600000000001", ""},
		{"ErrSIRETLaPosteWrongSum", "FR", "35600000000002", "", domain.ReasonInvalidTaxCode},
		{"ErrSIRETWrongCheckDigit", "FR", "73282932000075", "", domain.ReasonInvalidTaxCode},
		{"ErrSIRETInvalidSIREN", "FR", vtLuhnComplete("7328293210007"), "", domain.ReasonInvalidTaxCode},
		{"ErrWrongLengthFR", "FR", "7328293200", "", domain.ReasonInvalidTaxCode},
		{"ErrEmptyFR", "FR", "", "", domain.ReasonInvalidTaxCode},
		// Italy: partita IVA.
		{"OKPartitaIVA", "IT", "00743110157", "00743110157", ""},
		{"OKPartitaIVAWithPrefix", "it", "IT 00743110157", "00743110157", ""},
		{"OKPartitaIVARome", "IT", "02438750586", "02438750586", ""},
		{"OKPartitaIVAOffice100", "IT", "06363391001", "06363391001", ""},
		{"OKCodiceFiscaleNonVATEntity", "IT", "80007010376", "80007010376", ""},
		{"OKPartitaIVAOffice120", "IT", vtLuhnComplete("1234567120"), vtLuhnComplete("1234567120"), ""},
		{"OKPartitaIVAOffice888", "IT", vtLuhnComplete("1234567888"), vtLuhnComplete("1234567888"), ""},
		{"ErrPartitaIVAWrongCheckDigit", "IT", "00743110158", "", domain.ReasonInvalidTaxCode},
		{"ErrPartitaIVAWrongLength", "IT", "0074311015", "", domain.ReasonInvalidTaxCode},
		{"ErrPartitaIVALetters", "IT", "0074311015A", "", domain.ReasonInvalidTaxCode},
		{"ErrPartitaIVAAllZero", "IT", "00000000000", "", domain.ReasonInvalidTaxCode},
		{"ErrPartitaIVACompanyZero", "IT", vtLuhnComplete("0000000015"), "", domain.ReasonInvalidTaxCode},
		{"ErrPartitaIVAOffice000", "IT", vtLuhnComplete("1234567000"), "", domain.ReasonInvalidTaxCode},
		{"ErrPartitaIVAOffice101", "IT", vtLuhnComplete("1234567101"), "", domain.ReasonInvalidTaxCode},
		{"ErrNonVATEntityOffice096", "IT", vtLuhnComplete("8000701096"), "", domain.ReasonInvalidTaxCode},
		{"ErrPersonCodeIsNotOrganization", "IT", vtMarioRossi, "", domain.ReasonInvalidTaxCode},
		// Other countries: generic format.
		{"OKGeneric", "DE", "DE 123 456 789", "DE123456789", ""},
		{"ErrGeneric", "DE", "12", "", domain.ReasonInvalidTaxCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ValidateOrganizationTaxCode(tt.country, tt.in)
			vtAssertReason(t, err, "taxCode", tt.reason)
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// Luhn catches every single-digit substitution.
func TestValidateOrganizationTaxCodeSingleDigitChanges(t *testing.T) {
	tests := []struct{ country, code string }{
		{"FR", "732829320"},
		{"FR", "73282932000074"},
		{"IT", "00743110157"},
		{"IT", "02438750586"},
		{"IT", "80007010376"},
	}
	for _, tt := range tests {
		t.Run(tt.country+tt.code, func(t *testing.T) {
			if _, err := domain.ValidateOrganizationTaxCode(tt.country, tt.code); err != nil {
				t.Fatalf("valid code rejected: %v", err)
			}
			for i := 0; i < len(tt.code); i++ {
				for d := byte('0'); d <= '9'; d++ {
					if d == tt.code[i] {
						continue
					}
					changed := tt.code[:i] + string(d) + tt.code[i+1:]
					_, err := domain.ValidateOrganizationTaxCode(tt.country, changed)
					if err == nil {
						t.Errorf("%s accepted", changed)
						continue
					}
					vtAssertReason(t, err, "taxCode", domain.ReasonInvalidTaxCode)
				}
			}
		})
	}
}

// A refusal names the identifier of the tax code's country (issue 16
// leftovers): never the Italian codice fiscale for a French person or
// organisation.
func TestTaxCodeMessageNamesTheCountrysIdentifier(t *testing.T) {
	cases := []struct {
		name, want string
		validate   func() error
	}{
		{"FrenchPerson", "NIR", func() error { _, err := domain.ValidatePersonTaxCode("fr", "12"); return err }},
		{"FrenchPersonCharacters", "NIR", func() error { _, err := domain.ValidatePersonTaxCode("FR", "1234_é5678"); return err }},
		{"FrenchOrganization", "SIREN", func() error { _, err := domain.ValidateOrganizationTaxCode("FR", "12345678A"); return err }},
		{"ItalianPerson", "Italian tax code", func() error { _, err := domain.ValidatePersonTaxCode("IT", "RSSMRA85T10A562"); return err }},
		{"GermanPerson", "tax identification number", func() error { _, err := domain.ValidatePersonTaxCode("DE", "12"); return err }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.validate()
			e := domain.AsError(err)
			if e == nil || e.Reason != domain.ReasonInvalidTaxCode {
				t.Fatalf("err = %v", err)
			}
			if !strings.Contains(e.Message, c.want) {
				t.Fatalf("message %q does not name %q", e.Message, c.want)
			}
			if c.name != "ItalianPerson" && strings.Contains(strings.ToLower(e.Message), "italian") {
				t.Fatalf("message %q names the Italian identifier", e.Message)
			}
		})
	}
}
