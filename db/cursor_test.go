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
	f.Add(encodeCursor(tenantCursor{"Ente", 3}))
	f.Add("!!")
	f.Add("")
	f.Fuzz(func(t *testing.T, cursor string) {
		var u userCursor
		if err := decodeCursor(cursor, &u); err != nil && domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("code %s", domain.ErrorCode(err))
		}
		var tc tenantCursor
		if err := decodeCursor(cursor, &tc); err != nil && domain.ErrorCode(err) != domain.EINVALID {
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
func TestCursorIsAcceptedOnlyAsWritten(t *testing.T) {
	var tc tenantCursor
	if err := decodeCursor(encodeCursor(tenantCursor{"Ente", 3}), &tc); err != nil || tc != (tenantCursor{"Ente", 3}) {
		t.Fatalf("round trip: %+v %v", tc, err)
	}
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for name, cursor := range map[string]string{
		"another list's":  encodeCursor(auditCursor{ID: 3}),
		"same key, other": encodeCursor(findingCursor{Username: "Ente"}),
		"empty key":       b64(`tenantCursor:{}`),
		"missing field":   b64(`tenantCursor:{"n":"Ente"}`),
		"unknown field":   b64(`tenantCursor:{"n":"Ente","i":3,"x":1}`),
		"no kind":         b64(`{"n":"Ente","i":3}`),
		"trailing data":   b64(`tenantCursor:{"n":"Ente","i":3}{}`),
		"not base64":      "!!",
	} {
		var got tenantCursor
		if err := decodeCursor(cursor, &got); domain.AsError(err) == nil || domain.AsError(err).Reason != "INVALID_CURSOR" {
			t.Errorf("%s cursor: %v (decoded %+v)", name, err, got)
		}
	}
	// Two lists whose keys have the same shape still do not take each
	// other's cursors.
	var audit auditCursor
	if err := decodeCursor(encodeCursor(nominationCursor{ID: 3}), &audit); domain.AsError(err) == nil {
		t.Errorf("a nominations cursor read as an audit cursor: %+v", audit)
	}
}
