package db

import "tenantadmin/domain"

// One keyset for every sortable list (issue 15.3): a list sorted by one
// column, its unique id breaking ties in the same direction, a missing
// value (NULL) before every value, so first ascending and last descending.
// A page is read upwards (ASC NULLS FIRST) or downwards (DESC NULLS LAST):
// forwards in the order's direction, backwards against it, so that one
// btree index on (expr, id) serves both (see orderColumn on NULLS).

// orderColumn is how a list is sorted by one field: the SQL expression, the
// type its text key is cast back to in a cursor, whether it may be null.
// The expression must stay identical to its index's, or the index is not
// used; so must the NULLS placement: a nullable column's index says NULLS
// FIRST, and so does the index of a column with nullsFirstIndex (those of
// migration 0013); other columns are sorted without NULLS, as a plain
// index (PostgreSQL does not match NULLS FIRST to a plain index even on a
// NOT NULL column: TestListOrderPlansUseIndexes saw every page sorted).
type orderColumn struct {
	expr            string
	typ             string
	nullable        bool
	nullsFirstIndex bool
}

// keyCursor is the cursor of a keyset list: the list and its order (O),
// the key as text (K, absent for a missing value), the id (I).
type keyCursor struct {
	Order string  `json:"o"`
	Key   *string `json:"k,omitempty"`
	ID    int64   `json:"i"`
}

// keyset is one list sorted by one of its orderColumns.
type keyset struct {
	col  orderColumn
	id   string // the tie-breaker, unique, e.g. "t.id"
	desc bool
	tag  string // names the list and the order in cursors
}

// newKeyset picks the column of a list's order; the zero order is the
// list's default def. An unknown field is refused with INVALID_ORDER.
func newKeyset(list string, cols map[string]orderColumn, def domain.ListOrder, o domain.ListOrder, id string) (keyset, error) {
	if o.Field == "" {
		o = def
	}
	field := o.Field
	col, ok := cols[field]
	if !ok {
		return keyset{}, domain.FieldError("orderBy", "INVALID_ORDER", "This list cannot be sorted by %s.", field)
	}
	dir := "ASC"
	if o.Desc {
		dir = "DESC"
	}
	return keyset{col: col, id: id, desc: o.Desc, tag: list + ":" + field + "_" + dir}, nil
}

// decode reads the cursor of argument arg (after, before) and checks it was
// made for this list under this order.
func (k keyset) decode(cursor, arg string) (*keyCursor, error) {
	if cursor == "" {
		return nil, nil
	}
	var c keyCursor
	if err := decodeCursor(cursor, &c); err != nil {
		return nil, &domain.Error{Code: domain.EINVALID, Field: arg, Reason: "INVALID_CURSOR", Message: "The cursor is not valid for this list."}
	}
	if c.Order != k.tag || c.ID == 0 || (c.Key == nil && !k.col.nullable) {
		return nil, &domain.Error{Code: domain.EINVALID, Field: arg, Reason: "INVALID_CURSOR",
			Message: "The cursor was made for another list or another order of the list: start again from the first page."}
	}
	return &c, nil
}

// cursor is the cursor of a row with this sort key and id.
func (k keyset) cursor(key *string, id int64) string {
	return encodeCursor(keyCursor{Order: k.tag, Key: key, ID: id})
}

// sortKey is the select expression of the row's key as text (AS sort_key).
func (k keyset) sortKey() string { return "(" + k.col.expr + ")::text" }

// orderBy is the ORDER BY of a page read upwards or downwards.
func (k keyset) orderBy(up bool) string {
	if !k.col.nullable && !k.col.nullsFirstIndex {
		if up {
			return k.col.expr + " ASC, " + k.id + " ASC"
		}
		return k.col.expr + " DESC, " + k.id + " DESC"
	}
	if up {
		return k.col.expr + " ASC NULLS FIRST, " + k.id + " ASC"
	}
	return k.col.expr + " DESC NULLS LAST, " + k.id + " DESC"
}

// bounds is the condition (with its args) keeping the rows after `after`
// and before `before` in the list's order; "true" without cursors.
func (k keyset) bounds(after, before *keyCursor) (string, []any) {
	if k.desc {
		after, before = before, after // in the list's order, after is below
	}
	b := &sqlBuf{}
	b.add("true")
	e, id := k.col.expr, k.id
	if c := after; c != nil { // above c upwards
		if c.Key == nil {
			b.add(" AND ("+e+" IS NOT NULL OR "+id+" > ?)", c.ID)
		} else {
			b.add(" AND ("+e+", "+id+") > (?::"+k.col.typ+", ?)", *c.Key, c.ID)
		}
	}
	if c := before; c != nil { // below c upwards
		switch {
		case c.Key == nil:
			b.add(" AND "+e+" IS NULL AND "+id+" < ?", c.ID)
		case k.col.nullable:
			b.add(" AND ("+e+" IS NULL OR ("+e+", "+id+") < (?::"+k.col.typ+", ?))", *c.Key, c.ID)
		default:
			b.add(" AND ("+e+", "+id+") < (?::"+k.col.typ+", ?)", *c.Key, c.ID)
		}
	}
	return b.query()
}

// keysetPage is one page request read through a keyset.
type keysetPage struct {
	limit    int  // rows to read: one more than the page
	backward bool // last/before
	up       bool // read ascending
	where    string
	args     []any
}

// window validates a page request under this keyset.
func (k keyset) window(p domain.Page) (keysetPage, error) {
	limit, backward, err := pageWindow(p)
	if err != nil {
		return keysetPage{}, err
	}
	after, err := k.decode(p.After, "after")
	if err != nil {
		return keysetPage{}, err
	}
	before, err := k.decode(p.Before, "before")
	if err != nil {
		return keysetPage{}, err
	}
	where, args := k.bounds(after, before)
	return keysetPage{limit: limit, backward: backward, up: k.desc == backward, where: where, args: args}, nil
}
