package db

import (
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
