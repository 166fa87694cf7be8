package graph

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"tenantadmin/domain"
	"tenantadmin/globalid"
	"tenantadmin/graph/generated"
	"tenantadmin/graph/model"
)

// The users page's fast path (issue 17.1).
//
// A page of 50 users is about 700 objects and 2,700 fields; gqlgen spends
// 5.5–9 ms of CPU on it (a field context, a middleware call, a marshaler
// and several allocations per field, a goroutine per list element). The
// SPA's users pages (UsersList, UsersTeam in
// frontend/src/features/users/operations.ts) ask for a fixed set of fields
// of the users connection; for a document made only of those fields the
// hot path writes the answer itself:
//
//   - it runs after everything gqlgen does before execution (persisted
//     query, parsing, validation, document budget, complexity, depth and
//     alias limits, deadline) and inside the response middlewares (cost and
//     rate-limit extensions are added to its answer as to gqlgen's);
//   - it calls the same code as the resolvers: the same argument parsing
//     (the generated one), App.users with the same field context (so the
//     count and the prefetch see the same selection), and for every field
//     the resolver method gqlgen would call (personal data, capabilities,
//     loaders and their scopes are theirs, not copies);
//   - it writes the JSON in document order with gqlgen's encodings, into a
//     pooled buffer, walking the objects in one goroutine;
//   - on any error, any null where the schema forbids one, or a panic, it
//     gives up and lets gqlgen execute the operation, which then produces
//     the errors and partial data exactly as without the fast path (the
//     loaders already hold what was read).
//
// A user's profile by global ID (node(id:) with a selection made of the
// same fields: loadtest/profile.js, bench.ProfileQuery, what integrators
// ask for a user) takes the same path when the node is a user or null.
//
// A document with anything else (another field, an argument below the
// root, a directive) is gqlgen's. TestHotPathSameBytes and
// TestHotPathProfileSameBytes compare the two paths byte for byte over
// generated datasets and viewers.

// hotPathServed counts the operations the fast path answered (tests check
// that the comparison exercised it).
var hotPathServed atomic.Int64

// hotPath answers the users page and users' profiles.
type hotPath struct {
	res     *Resolver
	cursors *Cursors
	plans   sync.Map // operation name and raw query → *hotPlan (nil: not eligible)
	nplans  atomic.Int32
}

// maxHotPlans bounds the plan cache: clients send few distinct documents;
// past the bound, new documents are checked on every request.
const maxHotPlans = 256

// hotField is one field of a plan: its response key (already encoded as
// `"key":`), its name, and the plan of its selection.
type hotField struct {
	key  []byte
	name string
	sub  []hotField
}

// hotPlan is the root field (users or node) of an eligible operation.
type hotPlan struct {
	field graphql.CollectedField
	sub   []hotField
}

// hotTypes lists, per type, the fields the fast path writes and the type of
// each object field ("" for leaves); implementors are the type conditions
// gqlgen applies to the type (generated.go's xxxImplementors).
var hotTypes = map[string]struct {
	implementors []string
	fields       map[string]string
}{
	"UserConnection": {[]string{"UserConnection"}, map[string]string{
		"totalCount": "", "totalCountIsExact": "", "pageInfo": "PageInfo", "edges": "UserEdge", "nodes": "User"}},
	"PageInfo": {[]string{"PageInfo"}, map[string]string{
		"hasNextPage": "", "hasPreviousPage": "", "startCursor": "", "endCursor": ""}},
	"UserEdge": {[]string{"UserEdge"}, map[string]string{"cursor": "", "node": "User"}},
	"User": {[]string{"User", "Node"}, map[string]string{
		"id": "", "kind": "", "username": "", "givenName": "", "familyName": "", "email": "", "taxCode": "",
		"status": "", "version": "", "lastSignInAt": "", "viewerCan": "UserCapabilities", "memberships": "Membership",
		"homeTenant": "Tenant"}},
	"UserCapabilities": {[]string{"UserCapabilities"}, map[string]string{"changeStatus": "", "resetCredentials": ""}},
	"Membership":       {[]string{"Membership", "Node"}, map[string]string{"id": "", "tenant": "Tenant", "roleAssignments": "RoleAssignment"}},
	"Tenant":           {[]string{"Tenant", "Node"}, map[string]string{"id": "", "name": "", "parent": "Tenant"}},
	"RoleAssignment": {[]string{"RoleAssignment", "Node"}, map[string]string{
		"id": "", "status": "", "product": "Product", "role": "Role"}},
	"Product": {[]string{"Product", "Node"}, map[string]string{"id": "", "name": "", "code": ""}},
	"Role":    {[]string{"Role", "Node"}, map[string]string{"id": "", "name": "", "category": ""}},
}

func newHotPath(app *App, cursors *Cursors) *hotPath {
	return &hotPath{res: &Resolver{App: app}, cursors: cursors}
}

// plan returns the operation's plan, nil when the fast path does not
// answer it.
func (h *hotPath) plan(oc *graphql.OperationContext) *hotPlan {
	key := oc.OperationName + "\x00" + oc.RawQuery
	if p, ok := h.plans.Load(key); ok {
		return p.(*hotPlan)
	}
	p := compileHotPlan(oc)
	if h.nplans.Load() < maxHotPlans {
		if _, loaded := h.plans.LoadOrStore(key, p); !loaded {
			h.nplans.Add(1)
		}
	}
	return p
}

func compileHotPlan(oc *graphql.OperationContext) *hotPlan {
	op := oc.Operation
	// One operation per document: the plan is cached by document.
	if op == nil || op.Operation != ast.Query || oc.Doc == nil || len(oc.Doc.Operations) != 1 ||
		hasDirectives(op.SelectionSet, oc.Doc.Fragments, 0) {
		return nil
	}
	for _, v := range op.VariableDefinitions {
		if len(v.Directives) > 0 {
			return nil
		}
	}
	root := graphql.CollectFields(oc, op.SelectionSet, []string{"Query"})
	if len(root) != 1 {
		return nil
	}
	// The users page, or a user's profile by global ID (node(id:)); the
	// node's plan is its selection as seen by a User, and any other kind
	// of node falls back to gqlgen at run time.
	typ := map[string]string{"users": "UserConnection", "node": "User"}[root[0].Name]
	if typ == "" {
		return nil
	}
	sub, ok := compileHotFields(oc, root[0].Selections, typ)
	if !ok {
		return nil
	}
	return &hotPlan{field: root[0], sub: sub}
}

func compileHotFields(oc *graphql.OperationContext, set ast.SelectionSet, typ string) ([]hotField, bool) {
	t := hotTypes[typ]
	var out []hotField
	for _, f := range graphql.CollectFields(oc, set, t.implementors) {
		if len(f.Arguments) > 0 {
			return nil, false
		}
		hf := hotField{key: append(strconv.AppendQuote(nil, f.Alias), ':'), name: f.Name}
		if !utf8.ValidString(f.Alias) || hasEscapes(f.Alias) {
			return nil, false
		}
		if f.Name != "__typename" {
			child, known := t.fields[f.Name]
			if !known {
				return nil, false
			}
			if child != "" {
				sub, ok := compileHotFields(oc, f.Selections, child)
				if !ok {
					return nil, false
				}
				hf.sub = sub
			} else if len(f.Selections) > 0 {
				return nil, false
			}
		}
		out = append(out, hf)
	}
	return out, true
}

// hasEscapes reports whether gqlgen's string encoding and strconv.Quote
// could differ on s (they agree on printable ASCII without \ and ").
func hasEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '\\' || c == '"' {
			return true
		}
	}
	return false
}

func hasDirectives(set ast.SelectionSet, fragments ast.FragmentDefinitionList, level int) bool {
	if level > 100 {
		return true
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.Directives) > 0 || hasDirectives(s.SelectionSet, fragments, level+1) {
				return true
			}
		case *ast.InlineFragment:
			if len(s.Directives) > 0 || hasDirectives(s.SelectionSet, fragments, level+1) {
				return true
			}
		case *ast.FragmentSpread:
			f := fragments.ForName(s.Name)
			if len(s.Directives) > 0 || f == nil || len(f.Directives) > 0 || hasDirectives(f.SelectionSet, fragments, level+1) {
				return true
			}
		}
	}
	return false
}

var hotBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// hotSchema is the executable schema with the fast path in front of
// gqlgen's execution: it replaces exactly the step that resolves and
// writes the data, inside every operation and response middleware (the
// server's included), which see its answers as gqlgen's.
type hotSchema struct {
	graphql.ExecutableSchema
	h *hotPath
}

// Exec answers an eligible query, else (or when the fast path gives up)
// lets gqlgen execute it.
func (s hotSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	p := s.h.plan(oc)
	if p == nil {
		return s.ExecutableSchema.Exec(ctx)
	}
	first := true
	var fallback graphql.ResponseHandler
	return func(ctx context.Context) *graphql.Response {
		if fallback != nil {
			return fallback(ctx)
		}
		if !first {
			return nil
		}
		first = false
		if data := s.h.answer(ctx, oc, p); data != nil {
			hotPathServed.Add(1)
			return hotResponse(ctx, data)
		}
		fallback = s.ExecutableSchema.Exec(ctx)
		return fallback(ctx)
	}
}

// answer returns the operation's data, nil when gqlgen must answer.
func (h *hotPath) answer(ctx context.Context, oc *graphql.OperationContext, p *hotPlan) []byte {
	buf := hotBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	var data []byte
	if h.run(ctx, oc, p, buf) {
		data = bytes.Clone(buf.Bytes())
	}
	putHotBuffer(buf)
	return data
}

// putHotBuffer gives a buffer back to hotBuffers, unless an unusually
// large answer grew it: that one the collector takes.
func putHotBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 4<<20 {
		hotBuffers.Put(buf)
	}
}

// run writes the operation's data into buf; false when gqlgen must answer.
func (h *hotPath) run(ctx context.Context, oc *graphql.OperationContext, p *hotPlan, buf *bytes.Buffer) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			ok = false // gqlgen runs it again, recovers and reports the panic
		}
	}()
	if p.field.Name == "node" {
		return h.runNode(ctx, oc, p, buf)
	}
	// The arguments, parsed by the generated code exactly as for the
	// resolver (defaults, coercion, input validation).
	var args struct {
		filter        *model.UserFilter
		orderBy       *model.UserOrder
		first, last   *int
		after, before *string
	}
	cfg := generated.Config{Schema: Schema()}
	cfg.Complexity.Query.Users = func(_ int, filter *model.UserFilter, orderBy *model.UserOrder, first *int, after *string, last *int, before *string) int {
		args.filter, args.orderBy, args.first, args.after, args.last, args.before = filter, orderBy, first, after, last, before
		return 0
	}
	if _, parsed := generated.NewExecutableSchema(cfg).Complexity(ctx, "Query", "users", 0, p.field.ArgumentMap(oc.Variables)); !parsed {
		return false
	}
	// The cursor middleware opens the cursors the client sends.
	for _, c := range []**string{&args.after, &args.before} {
		if *c == nil {
			continue
		}
		plain, opened := h.cursors.Open(**c)
		if !opened {
			return false
		}
		*c = &plain
	}
	rawArgs := map[string]any{"filter": args.filter, "orderBy": args.orderBy, "first": args.first,
		"after": args.after, "last": args.last, "before": args.before}
	fc := &graphql.FieldContext{Object: "Query", Field: p.field, Args: rawArgs, IsMethod: true, IsResolver: true}
	ctx = graphql.WithFieldContext(ctx, fc)
	conn, err := h.res.App.users(ctx, args.filter, args.orderBy, nil, args.first, args.after, args.last, args.before)
	if err != nil || conn == nil {
		return false
	}
	w := hotWriter{ctx: ctx, h: h, buf: buf}
	w.root(p)
	w.connection(conn, p.sub)
	buf.WriteString(`}`)
	return w.err == nil
}

// runNode writes node(id:) when the node is a user the viewer may see, or
// null when there is none; any other kind of node is gqlgen's.
func (h *hotPath) runNode(ctx context.Context, oc *graphql.OperationContext, p *hotPlan, buf *bytes.Buffer) bool {
	var id string
	cfg := generated.Config{Schema: Schema()}
	cfg.Complexity.Query.Node = func(_ int, gid string) int {
		id = gid
		return 0
	}
	if _, parsed := generated.NewExecutableSchema(cfg).Complexity(ctx, "Query", "node", 0, p.field.ArgumentMap(oc.Variables)); !parsed {
		return false
	}
	fc := &graphql.FieldContext{Object: "Query", Field: p.field, Args: map[string]any{"id": id}, IsMethod: true, IsResolver: true}
	ctx = graphql.WithFieldContext(ctx, fc)
	n, err := (&queryResolver{h.res}).Node(ctx, id)
	if err != nil {
		return false
	}
	w := hotWriter{ctx: ctx, h: h, buf: buf}
	w.root(p)
	switch u := n.(type) {
	case nil:
		buf.WriteString("null")
	case *domain.User:
		w.user(u, p.sub)
	default:
		return false
	}
	buf.WriteString(`}`)
	return w.err == nil
}

// root opens the data object with the root field's key.
func (w *hotWriter) root(p *hotPlan) {
	w.buf.WriteString(`{`)
	w.buf.Write(append(strconv.AppendQuote(nil, p.field.Alias), ':'))
}

// hotWriter writes objects; err is set on the first failure, after which
// nothing matters (the buffer is dropped).
type hotWriter struct {
	ctx context.Context
	h   *hotPath
	buf *bytes.Buffer
	err error
	// written locates, in buf, the objects reused may copy.
	written map[hotReuseKey][2]int
}

var errHotNull = domain.Errorf(domain.EINTERNAL, "null in a non-null field")

func (w *hotWriter) fail(err error) bool {
	if err != nil && w.err == nil {
		w.err = err
	}
	return w.err != nil
}

func (w *hotWriter) open(i int, f *hotField) {
	if i == 0 {
		w.buf.WriteByte('{')
	} else {
		w.buf.WriteByte(',')
	}
	w.buf.Write(f.key)
}

// object writes one JSON object of the selected fields, each by field; it
// stops at the first failure (the request then falls back to gqlgen).
func (w *hotWriter) object(fields []hotField, field func(f *hotField)) {
	for i := range fields {
		f := &fields[i]
		w.open(i, f)
		field(f)
		if w.err != nil {
			return
		}
	}
	w.close(fields)
}

// hotList writes a JSON array, one element per item; a nil item fails, as
// gqlgen would null the list.
func hotList[T any](w *hotWriter, items []*T, element func(*T)) {
	w.buf.WriteByte('[')
	for j, it := range items {
		if j > 0 {
			w.buf.WriteByte(',')
		}
		if it == nil {
			w.fail(errHotNull)
			return
		}
		element(it)
		if w.err != nil {
			return
		}
	}
	w.buf.WriteByte(']')
}

func (w *hotWriter) close(fields []hotField) {
	if len(fields) == 0 {
		w.buf.WriteByte('{')
	}
	w.buf.WriteByte('}')
}

func (w *hotWriter) typename(name string) {
	w.buf.WriteByte('"')
	w.buf.WriteString(name)
	w.buf.WriteByte('"')
}

// str writes s as gqlgen's MarshalString does, then as encoding/json
// re-compacts it when the transport marshals the response (HTML
// characters and U+2028, U+2029 escaped): the bytes the client gets from
// gqlgen, which the transport below can then send as they are.
func (w *hotWriter) str(s string) {
	const hex = "0123456789abcdef"
	b := w.buf
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x20 && c != '\\' && c != '"' && c != '<' && c != '>' && c != '&' && c != 0xe2:
			continue
		case c == 0xe2:
			// U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
			if i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xa8 {
				b.WriteString(s[start:i])
				b.WriteString(`\u202`)
				b.WriteByte(hex[s[i+2]&0xf])
				i += 2
				start = i + 1
			}
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '\n':
			b.WriteString(`\n`)
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		default: // control characters, < > &
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// quoted writes s as strconv.Quote does (gqlgen's IDs and enums).
func (w *hotWriter) quoted(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			var tmp [64]byte
			w.buf.Write(strconv.AppendQuote(tmp[:0], s))
			return
		}
	}
	// Printable ASCII without quote or backslash (every ID and enum value):
	// strconv.Quote would only add the quotes.
	w.buf.WriteByte('"')
	w.buf.WriteString(s)
	w.buf.WriteByte('"')
}

func (w *hotWriter) optStr(s *string) {
	if s == nil {
		w.buf.WriteString("null")
		return
	}
	w.str(*s)
}

func (w *hotWriter) boolean(v bool) {
	if v {
		w.buf.WriteString("true")
	} else {
		w.buf.WriteString("false")
	}
}

func (w *hotWriter) integer(n int) {
	var tmp [24]byte
	w.buf.Write(strconv.AppendInt(tmp[:0], int64(n), 10))
}

// gid writes the global ID of a row as the types' ID resolvers make it
// (globalID), straight into the answer: base64url needs no escaping.
func (w *hotWriter) gid(typ string, id int64) {
	w.buf.WriteByte('"')
	w.buf.Write(globalid.AppendEncode(w.buf.AvailableBuffer(), typ, id))
	w.buf.WriteByte('"')
}

// hotReuseKey names an object written once in an answer with one
// selection: its kind, its row and the selection's first field (a plan's
// selections live as long as the plan).
type hotReuseKey struct {
	kind   byte
	id     int64
	fields *hotField
}

// reused writes an object the answer already holds once more by copying
// its bytes: a page of 50 people repeats the same tenants, roles and
// products in every membership (a tenant administrator's page: one tenant
// 50 times). Only for objects whose fields read nothing but the object and
// the request's viewer, the same for the whole answer.
func (w *hotWriter) reused(kind byte, id int64, fields []hotField, write func()) {
	if len(fields) == 0 {
		write()
		return
	}
	k := hotReuseKey{kind, id, &fields[0]}
	if span, ok := w.written[k]; ok {
		w.buf.Write(w.buf.Bytes()[span[0]:span[1]])
		return
	}
	start := w.buf.Len()
	write()
	if w.err == nil {
		if w.written == nil {
			w.written = make(map[hotReuseKey][2]int, 16)
		}
		w.written[k] = [2]int{start, w.buf.Len()}
	}
}

func (w *hotWriter) connection(c *model.UserConnection, fields []hotField) {
	aside, spans := w.connectionAside(c, fields)
	if aside != nil {
		defer putHotBuffer(aside)
	}
	next := 0 // the index of the field object writes
	w.object(fields, func(f *hotField) {
		i := next
		next++
		switch f.name {
		case "totalCount", "totalCountIsExact":
			n, err := c.TotalCount(w.ctx)
			if w.fail(err) {
				return
			}
			if f.name == "totalCount" {
				w.integer(n.N)
			} else {
				w.boolean(n.Exact)
			}
		default:
			if aside != nil {
				span := spans[i]
				w.buf.Write(aside.Bytes()[span[0]:span[1]])
			} else {
				w.connectionField(c, f)
			}
		}
	})
}

// connectionAside writes, into a buffer of their own, the connection's
// fields that follow a count in the selection, while the count is still
// running (App.users starts it alongside the page): the count is often the
// slowest read of a page (a tenant administrator's 31,505 members), and
// the page was written only once it was done. It returns nil when no count
// comes before another field; else the buffer, to give back to hotBuffers,
// and each field's bytes in it.
func (w *hotWriter) connectionAside(c *model.UserConnection, fields []hotField) (*bytes.Buffer, [][2]int) {
	countAt := slices.IndexFunc(fields, isCountField)
	if countAt < 0 || !slices.ContainsFunc(fields[countAt+1:], func(f hotField) bool { return !isCountField(f) }) {
		return nil, nil
	}
	aside := hotBuffers.Get().(*bytes.Buffer)
	aside.Reset()
	sub := hotWriter{ctx: w.ctx, h: w.h, buf: aside}
	spans := make([][2]int, len(fields))
	for i := range fields {
		if f := &fields[i]; !isCountField(*f) {
			start := aside.Len()
			sub.connectionField(c, f)
			spans[i] = [2]int{start, aside.Len()}
		}
		if w.fail(sub.err) {
			break
		}
	}
	return aside, spans
}

// connectionField writes the value of one field of a connection other
// than its counts.
func (w *hotWriter) connectionField(c *model.UserConnection, f *hotField) {
	switch f.name {
	case "__typename":
		w.typename("UserConnection")
	case "pageInfo":
		if c.PageInfo == nil {
			w.fail(errHotNull)
			return
		}
		w.pageInfo(c.PageInfo, f.sub)
	case "edges":
		hotList(w, c.Edges, func(e *model.UserEdge) { w.edge(e, f.sub) })
	case "nodes":
		w.users(c.Nodes, f.sub)
	}
}

func isCountField(f hotField) bool { return f.name == "totalCount" || f.name == "totalCountIsExact" }

func (w *hotWriter) pageInfo(p *model.PageInfo, fields []hotField) {
	w.object(fields, func(f *hotField) {
		switch f.name {
		case "__typename":
			w.typename("PageInfo")
		case "hasNextPage":
			w.boolean(p.HasNextPage)
		case "hasPreviousPage":
			w.boolean(p.HasPreviousPage)
		case "startCursor":
			w.sealed(p.StartCursor)
		case "endCursor":
			w.sealed(p.EndCursor)
		}
	})
}

// sealed writes a cursor as the cursor middleware seals it.
func (w *hotWriter) sealed(c *string) {
	if c == nil {
		w.buf.WriteString("null")
		return
	}
	w.str(w.h.cursors.Seal(*c))
}

func (w *hotWriter) edge(e *model.UserEdge, fields []hotField) {
	w.object(fields, func(f *hotField) {
		switch f.name {
		case "__typename":
			w.typename("UserEdge")
		case "cursor":
			w.str(w.h.cursors.Seal(e.Cursor))
		case "node":
			if e.Node == nil {
				w.fail(errHotNull)
				return
			}
			w.user(e.Node, f.sub)
		}
	})
}

func (w *hotWriter) users(us []*domain.User, fields []hotField) {
	hotList(w, us, func(u *domain.User) { w.user(u, fields) })
}

func (w *hotWriter) user(u *domain.User, fields []hotField) {
	r := &userResolver{w.h.res}
	ctx := w.ctx
	w.object(fields, func(f *hotField) {
		switch f.name {
		case "__typename":
			w.typename("User")
		case "id":
			w.gid("User", u.ID)
		case "kind":
			k, err := r.Kind(ctx, u)
			if !w.fail(err) {
				w.quoted(k.String())
			}
		case "username":
			w.str(u.Username)
		case "givenName":
			w.personal(r.GivenName(ctx, u))
		case "familyName":
			w.personal(r.FamilyName(ctx, u))
		case "email":
			w.personal(r.Email(ctx, u))
		case "taxCode":
			w.personal(r.TaxCode(ctx, u))
		case "status":
			s, err := r.Status(ctx, u)
			if !w.fail(err) {
				w.quoted(s.String())
			}
		case "version":
			w.integer(u.Version)
		case "lastSignInAt":
			if u.LastSignInAt == nil {
				w.buf.WriteString("null")
			} else {
				model.MarshalDateTime(*u.LastSignInAt).MarshalGQL(w.buf)
			}
		case "viewerCan":
			caps, err := r.ViewerCan(ctx, u)
			if !w.fail(err) {
				if caps == nil {
					w.fail(errHotNull)
				} else {
					w.capabilities(caps, f.sub)
				}
			}
		case "homeTenant":
			t, err := r.HomeTenant(ctx, u)
			if !w.fail(err) {
				w.optTenant(t, f.sub)
			}
		case "memberships":
			ms, err := r.Memberships(ctx, u)
			if !w.fail(err) {
				w.memberships(ms, f.sub)
			}
		}
	})
}

func (w *hotWriter) personal(s *string, err error) {
	if !w.fail(err) {
		w.optStr(s)
	}
}

func (w *hotWriter) capabilities(c *domain.UserCapabilities, fields []hotField) {
	w.object(fields, func(f *hotField) {
		switch f.name {
		case "__typename":
			w.typename("UserCapabilities")
		case "changeStatus":
			w.boolean(c.ChangeStatus)
		case "resetCredentials":
			w.boolean(c.ResetCredentials)
		}
	})
}

func (w *hotWriter) memberships(ms []*domain.Membership, fields []hotField) {
	r := &membershipResolver{w.h.res}
	ctx := w.ctx
	hotList(w, ms, func(m *domain.Membership) {
		w.object(fields, func(f *hotField) {
			switch f.name {
			case "__typename":
				w.typename("Membership")
			case "id":
				w.gid("Membership", m.ID)
			case "tenant":
				t, err := r.Tenant(ctx, m)
				if !w.fail(err) {
					w.tenant(t, f.sub)
				}
			case "roleAssignments":
				ras, err := r.RoleAssignments(ctx, m)
				if !w.fail(err) {
					w.roleAssignments(ras, f.sub)
				}
			}
		})
	})
}

// optTenant writes a nullable tenant field.
func (w *hotWriter) optTenant(t *domain.Tenant, fields []hotField) {
	if t == nil {
		w.buf.WriteString("null")
		return
	}
	w.tenant(t, fields)
}

func (w *hotWriter) tenant(t *domain.Tenant, fields []hotField) {
	if t == nil {
		w.fail(errHotNull)
		return
	}
	r := &tenantResolver{w.h.res}
	w.reused('t', t.ID, fields, func() {
		w.object(fields, func(f *hotField) {
			switch f.name {
			case "__typename":
				w.typename("Tenant")
			case "id":
				w.gid("Tenant", t.ID)
			case "name":
				w.str(t.Name)
			case "parent":
				p, err := r.Parent(w.ctx, t)
				if !w.fail(err) {
					w.optTenant(p, f.sub)
				}
			}
		})
	})
}

func (w *hotWriter) roleAssignments(ras []*domain.RoleAssignment, fields []hotField) {
	r := &roleAssignmentResolver{w.h.res}
	ctx := w.ctx
	hotList(w, ras, func(ra *domain.RoleAssignment) {
		w.object(fields, func(f *hotField) {
			switch f.name {
			case "__typename":
				w.typename("RoleAssignment")
			case "id":
				w.gid("RoleAssignment", ra.ID)
			case "status":
				s, err := r.Status(ctx, ra)
				if !w.fail(err) {
					w.quoted(s.String())
				}
			case "product":
				p, err := r.Product(ctx, ra)
				if !w.fail(err) {
					w.product(p, f.sub)
				}
			case "role":
				role, err := r.Role(ctx, ra)
				if !w.fail(err) {
					w.role(role, f.sub)
				}
			}
		})
	})
}

func (w *hotWriter) product(p *domain.Product, fields []hotField) {
	if p == nil {
		w.fail(errHotNull)
		return
	}
	w.reused('p', p.ID, fields, func() {
		w.object(fields, func(f *hotField) {
			switch f.name {
			case "__typename":
				w.typename("Product")
			case "id":
				w.gid("Product", p.ID)
			case "name":
				w.str(p.Name)
			case "code":
				w.str(p.Code)
			}
		})
	})
}

func (w *hotWriter) role(role *domain.Role, fields []hotField) {
	if role == nil {
		w.fail(errHotNull)
		return
	}
	r := &roleResolver{w.h.res}
	w.reused('r', role.ID, fields, func() {
		w.object(fields, func(f *hotField) {
			switch f.name {
			case "__typename":
				w.typename("Role")
			case "id":
				w.gid("Role", role.ID)
			case "name":
				w.str(role.Name)
			case "category":
				c, err := r.Category(w.ctx, role)
				if !w.fail(err) {
					w.quoted(c.String())
				}
			}
		})
	})
}
