package db

import (
	"encoding/base64"
	"testing"

	"tenantadmin/domain"
)

// FuzzDecodeCursor: any client-supplied cursor either decodes or fails with
// BAD_USER_INPUT; it never panics.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor(userCursor{Username: "mario.rossi"}))
	f.Add(encodeCursor(userCursor{Order: "EMAIL_DESC", ID: 7}))
	f.Add(encodeCursor(keyCursor{Order: "tenants:NAME_ASC", Key: ptr("Ente"), ID: 3}))
	f.Add("!!")
	f.Add("")
	f.Fuzz(func(t *testing.T, cursor string) {
		var u userCursor
		if err := decodeCursor(cursor, &u); err != nil && domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("code %s", domain.ErrorCode(err))
		}
		k, _ := newKeyset("tenants", tenantOrderColumns, domain.ListOrder{Field: "NAME"}, domain.ListOrder{}, "t.id")
		if _, err := k.decode(cursor, "after"); err != nil && domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("code %s", domain.ErrorCode(err))
		}
	})
}

func TestPageWindow(t *testing.T) {
	for _, tc := range []struct {
		page    domain.Page
		limit   int
		back    bool
		invalid bool
	}{
		{domain.Page{}, 21, false, false},
		{domain.Page{First: 50}, 51, false, false},
		{domain.Page{Last: 5}, 6, true, false},
		{domain.Page{First: 5, Last: 5}, 0, false, true},
		{domain.Page{First: domain.MaxPageSize + 1}, 0, false, true},
		{domain.Page{First: -1}, 0, false, true},
	} {
		limit, back, err := pageWindow(tc.page)
		if (err != nil) != tc.invalid || limit != tc.limit || back != tc.back {
			t.Errorf("%+v: limit %d back %v err %v", tc.page, limit, back, err)
		}
	}
}

// TestCursorIsAcceptedOnlyAsWritten (issue 15.5): a cursor of another
// list, an empty key, a key missing a field or carrying another one is
// INVALID_CURSOR, never a silent restart at the first page.
func ptr[T any](v T) *T { return &v }

// TestCursorIsAcceptedOnlyAsWritten (issue 15.5): a cursor of another
// list, of another order of the list (issue 15.3), an empty key, a key
// missing a field or carrying another one is INVALID_CURSOR, never a
// silent restart at the first page.
func TestCursorIsAcceptedOnlyAsWritten(t *testing.T) {
	ks := func(list string, cols map[string]orderColumn, field string, desc bool) keyset {
		k, err := newKeyset(list, cols, domain.ListOrder{Field: field}, domain.ListOrder{Field: field, Desc: desc}, "x.id")
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	tenants := ks("tenants", tenantOrderColumns, "NAME", false)
	c, err := tenants.decode(tenants.cursor(ptr("Ente"), 3), "after")
	if err != nil || *c.Key != "Ente" || c.ID != 3 {
		t.Fatalf("round trip: %+v %v", c, err)
	}
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for name, cursor := range map[string]string{
		"another list's":  ks("auditEvents", auditOrderColumns, "CREATED_AT", true).cursor(ptr("3"), 3),
		"another order's": ks("tenants", tenantOrderColumns, "COUNTRY", false).cursor(ptr("Ente"), 3),
		"other direction": ks("tenants", tenantOrderColumns, "NAME", true).cursor(ptr("Ente"), 3),
		"users list's":    encodeCursor(userCursor{Username: "Ente"}),
		"empty key":       b64(`keyCursor:{}`),
		"missing key":     b64(`keyCursor:{"o":"tenants:NAME_ASC","i":3}`),
		"missing id":      b64(`keyCursor:{"o":"tenants:NAME_ASC","k":"Ente"}`),
		"unknown field":   b64(`keyCursor:{"o":"tenants:NAME_ASC","k":"Ente","i":3,"x":1}`),
		"no kind":         b64(`{"o":"tenants:NAME_ASC","k":"Ente","i":3}`),
		"trailing data":   b64(`keyCursor:{"o":"tenants:NAME_ASC","k":"Ente","i":3}{}`),
		"not base64":      "!!",
	} {
		got, err := tenants.decode(cursor, "after")
		if domain.AsError(err) == nil || domain.AsError(err).Reason != "INVALID_CURSOR" {
			t.Errorf("%s cursor: %v (decoded %+v)", name, err, got)
		}
	}
	// Two lists whose keys have the same shape still do not take each
	// other's cursors.
	audit := ks("auditEvents", auditOrderColumns, "CREATED_AT", true)
	nominations := ks("nominations", nominationOrderColumns, "CREATED_AT", true)
	if got, err := audit.decode(nominations.cursor(ptr("3"), 3), "before"); domain.AsError(err) == nil {
		t.Errorf("a nominations cursor read as an audit cursor: %+v", got)
	}
	// An unknown order field is refused.
	if _, err := newKeyset("tenants", tenantOrderColumns, domain.ListOrder{Field: "NAME"}, domain.ListOrder{Field: "TAX_CODE"}, "t.id"); domain.AsError(err) == nil || domain.AsError(err).Reason != "INVALID_ORDER" {
		t.Errorf("unknown order field: %v", err)
	}
}
