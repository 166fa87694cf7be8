package db

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"reflect"

	"tenantadmin/domain"
)

// Storage cursors: base64url of the kind of list they belong to (the Go
// type of its sort key) and the JSON sort key of a row. Clients never see
// them as written: the API seals them (graph/cursors.go, issue 15.5). They
// carry only sort keys that every viewer of the list may see. A cursor is
// accepted only as the server wrote it: from a list of the same kind, with
// every key field and nothing else (issue 15.5: a cursor of another list,
// or an empty key, used to restart silently at the first page).

func encodeCursor(key any) string {
	b, _ := json.Marshal(key)
	return base64.RawURLEncoding.EncodeToString(append([]byte(cursorKind(key)+":"), b...))
}

func decodeCursor(cursor string, key any) error {
	invalid := &domain.Error{Code: domain.EINVALID, Field: "after", Reason: "INVALID_CURSOR", Message: "The cursor is not valid for this list."}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return invalid
	}
	kind, body, ok := bytes.Cut(b, []byte(":"))
	if !ok || string(kind) != cursorKind(key) {
		return invalid
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(key); err != nil || dec.More() {
		return invalid
	}
	// Written back, the key must give the same bytes: no field missing, no
	// other spelling, and not empty.
	again, err := json.Marshal(key)
	if err != nil || !bytes.Equal(again, body) || string(again) == "{}" {
		return invalid
	}
	return nil
}

// cursorKind names the list a cursor belongs to: its key's type.
func cursorKind(key any) string {
	t := reflect.TypeOf(key)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// pageWindow validates a page request and returns how many rows to read
// (one more than asked, to learn whether another page exists) and whether
// the list is read backwards.
func pageWindow(p domain.Page) (limit int, backward bool, err error) {
	switch {
	case p.First > 0 && p.Last > 0:
		return 0, false, domain.FieldError("first", "FIRST_AND_LAST", "Pass first or last, not both.")
	case p.First < 0 || p.Last < 0:
		return 0, false, domain.FieldError("first", "NEGATIVE_PAGE_SIZE", "Page size cannot be negative.")
	case p.First > domain.MaxPageSize || p.Last > domain.MaxPageSize:
		return 0, false, domain.FieldError("first", "PAGE_TOO_LARGE", "Page size is at most %d.", domain.MaxPageSize)
	case p.Last > 0:
		return p.Last + 1, true, nil
	case p.First > 0:
		return p.First + 1, false, nil
	default:
		return 20 + 1, false, nil
	}
}

// trimPage cuts the extra row read by pageWindow and restores display order.
func trimPage[T any](rows []T, limit int, backward bool, p domain.Page) (page []T, hasNext, hasPrev bool) {
	more := len(rows) == limit
	if more {
		rows = rows[:limit-1]
	}
	if backward {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
		return rows, p.Before != "", more
	}
	return rows, more, p.After != ""
}
