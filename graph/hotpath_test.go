package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
)

// spaDocuments reads the SPA's users-page documents from the frontend
// source: the fast path must answer exactly what the SPA sends.
func spaDocuments(t *testing.T) map[string]string {
	t.Helper()
	src, err := os.ReadFile("../frontend/src/features/users/operations.ts")
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, m := range regexp.MustCompile("(?s)graphql\\(`(.*?)`\\)").FindAllStringSubmatch(string(src), -1) {
		body := strings.TrimSpace(m[1])
		name := regexp.MustCompile(`^(?:query|fragment|mutation|subscription) (\w+)`).FindStringSubmatch(body)
		if name != nil {
			parts[name[1]] = body
		}
	}
	docs := map[string]string{}
	for op, fragment := range map[string]string{"UsersList": "UserListRow", "UsersTeam": "TeamRow"} {
		if parts[op] == "" || parts[fragment] == "" {
			t.Fatalf("operations.ts has no %s or %s", op, fragment)
		}
		doc := parts[op] + "\n\n" + parts[fragment]
		docs[op] = doc
		// urql's document cache adds __typename to every selection set
		// below the root.
		first := strings.Index(doc, "{")
		docs[op+"+typename"] = doc[:first+1] + strings.ReplaceAll(doc[first+1:], "{\n", "{\n __typename\n")
	}
	// The benchmark's users page (bench/rawpage.go), a superset of the
	// SPA's with home tenants, parents and product codes.
	bench, err := os.ReadFile("../bench/rawpage.go")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)const UsersPageQuery = `(.*?)`").FindSubmatch(bench)
	if m == nil {
		t.Fatal("bench/rawpage.go has no UsersPageQuery")
	}
	docs["bench"] = string(m[1])
	docs["two-operations"] = docs["UsersList"] + "\n\nquery Other { viewer { user { username } } }"
	return docs
}

// hotWorld is a generated directory: organisations with sites, people with
// memberships and roles in several of them, odd names.
type hotWorld struct {
	roots, tenants []int64
	users          []int64
	viewers        map[string]int64
	products       []int64
	roles          []int64
}

var hotRoles = [][2]string{
	{"segmenti", "admin"}, {"segmenti", "power-user"}, {"segmenti", "user"}, {"segmenti", "guest"},
	{"automazioni", "admin"}, {"automazioni", "guest"}, {"clienti", "admin"}, {"clienti", "user"},
	{"amisgest", "administration"}, {"amisgest", "external-technician"}, {"send", "solo-statistiche"}, {"send", "default"},
}

var hotNames = []string{"Anna", "Luca", "Zoë", `Quote "q"`, `Back\slash`, "<b>&amp;</b>", "Line\nbreak\ttab", "Émile", "李", "😀 emoji", "\u2028sep", "ctl\x01x", "O'Brien", ""}

func newHotWorld(t *testing.T, f *dbtest.Fixture, rng *rand.Rand) *hotWorld {
	w := &hotWorld{viewers: map[string]int64{}}
	for o := range 3 {
		root := f.Tenant(fmt.Sprintf("Org %d %s", o, hotNames[rng.IntN(len(hotNames)-1)]), 0)
		w.roots = append(w.roots, root)
		w.tenants = append(w.tenants, root)
		parent := root
		for s := range 1 + rng.IntN(3) {
			site := f.Tenant(fmt.Sprintf("Site %d.%d", o, s), parent)
			w.tenants = append(w.tenants, site)
			if rng.IntN(2) == 0 {
				parent = site // deeper hierarchies now and then
			}
		}
	}
	for i := range 25 + rng.IntN(30) {
		home := w.tenants[rng.IntN(len(w.tenants))]
		u := f.User(fmt.Sprintf("u%03d.%c%c", i, 'a'+rng.IntN(26), 'a'+rng.IntN(26)), home)
		w.users = append(w.users, u)
		pick := func() any {
			if rng.IntN(5) == 0 {
				return ""
			}
			return hotNames[rng.IntN(len(hotNames))] + strconv.Itoa(rng.IntN(100))
		}
		status := []string{"ACTIVE", "ACTIVE", "ACTIVE", "SUSPENDED", "INVITED", "LOCKED"}[rng.IntN(6)]
		var lastLogin any
		if rng.IntN(2) == 0 {
			lastLogin = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(int64(300 * 24 * time.Hour))))
		}
		f.Exec(`UPDATE users SET given_name = ?, family_name = ?, email = ?, status = ?, last_login_at = ? WHERE id = ?`,
			pick(), pick(), pick(), status, lastLogin, u)
		if rng.IntN(4) == 0 {
			f.Exec(`UPDATE users SET tax_code = NULL WHERE id = ?`, u)
		}
		given := map[string]bool{} // one role per product and tenant
		for range 1 + rng.IntN(3) {
			r := hotRoles[rng.IntN(len(hotRoles))]
			tenant := w.tenants[rng.IntN(len(w.tenants))]
			if key := fmt.Sprint(tenant, r[0]); given[key] {
				continue
			} else {
				given[key] = true
			}
			ra := f.Assign(u, tenant, r[0], r[1])
			if rng.IntN(6) == 0 {
				f.Exec(`UPDATE role_assignments SET status = 'SUSPENDED' WHERE id = ?`, ra)
			}
		}
	}
	// The viewers: every kind of administrator, an operator without
	// personal-data rights, and another organisation's administrator.
	leaf := w.tenants[len(w.tenants)-1]
	w.viewers["platform-admin"] = f.PlatformAdmin("platform.admin")
	w.viewers["parent-admin"] = f.User("parent.admin", w.roots[0])
	f.Assign(w.viewers["parent-admin"], w.roots[0], "segmenti", "admin")
	w.viewers["tenant-admin"] = f.User("tenant.admin", leaf)
	f.Assign(w.viewers["tenant-admin"], leaf, "automazioni", "admin")
	w.viewers["operator"] = f.User("operator.only", w.roots[0])
	f.Assign(w.viewers["operator"], w.roots[0], "amisgest", "external-technician")
	w.viewers["operator-pd"] = f.User("operator.pd", w.roots[1])
	f.Assign(w.viewers["operator-pd"], w.roots[1], "segmenti", "guest")
	w.viewers["other-admin"] = f.User("other.admin", w.roots[2])
	f.Assign(w.viewers["other-admin"], w.roots[2], "clienti", "admin")
	w.viewers["no-role"] = f.User("no.role", w.roots[1])
	// R12: an administrator whose role is restricted sees the people of
	// its tenants but not their personal data; with an unrestricted role at
	// one site besides, it sees that site's people's.
	f.Exec(`UPDATE roles SET personal_data_access = false WHERE code = 'default' AND product_id = (SELECT id FROM products WHERE code = 'send')`)
	w.viewers["restricted-admin"] = f.User("restricted.admin", w.roots[1])
	f.Assign(w.viewers["restricted-admin"], w.roots[1], "send", "default")
	w.viewers["restricted-admin-pd-site"] = f.User("restricted.admin2", w.roots[0])
	f.Assign(w.viewers["restricted-admin-pd-site"], w.roots[0], "send", "default")
	f.Assign(w.viewers["restricted-admin-pd-site"], w.tenants[1], "segmenti", "guest")
	var ids []int64
	if err := f.DB.NewRaw(`SELECT id FROM products ORDER BY id`).Scan(context.Background(), &ids); err != nil {
		t.Fatal(err)
	}
	w.products = ids
	if err := f.DB.NewRaw(`SELECT id FROM roles ORDER BY id`).Scan(context.Background(), &w.roles); err != nil {
		t.Fatal(err)
	}
	return w
}

// randomVariables draws a users page's variables: filters, search,
// orders, page sizes (some refused), cursors (some forged).
func (w *hotWorld) randomVariables(rng *rand.Rand, team bool) map[string]any {
	vars := map[string]any{}
	filter := map[string]any{}
	if rng.IntN(2) == 0 {
		filter["tenantId"] = globalID("Tenant", w.tenants[rng.IntN(len(w.tenants))])
	}
	switch rng.IntN(8) {
	case 0:
		filter["productId"] = globalID("Product", w.products[rng.IntN(len(w.products))])
	case 1:
		filter["roleId"] = globalID("Role", w.roles[rng.IntN(len(w.roles))])
	case 2:
		filter["category"] = []string{"ADMIN", "OPERATOR"}[rng.IntN(2)]
	case 3:
		filter["status"] = []string{"ACTIVE", "SUSPENDED", "INVITED", "LOCKED"}[rng.IntN(4)]
	case 4:
		filter["search"] = []string{"u0", "an", "zz", "é", "u01"}[rng.IntN(5)]
	case 5:
		filter["assignmentStatus"] = []string{"ACTIVE", "SUSPENDED"}[rng.IntN(2)]
	case 6:
		filter["tenantId"] = "bm90IGFuIGlk" // not a tenant id
	}
	if len(filter) > 0 {
		vars["filter"] = filter
	}
	switch rng.IntN(6) {
	case 0:
		vars["first"] = 1 + rng.IntN(5)
	case 1:
		vars["first"] = 50
	case 2:
		vars["last"] = 1 + rng.IntN(5)
	case 3:
		vars["first"] = []int{0, -1, 1000}[rng.IntN(3)] // refused
	}
	if rng.IntN(10) == 0 {
		vars["after"] = "forged-cursor"
	}
	if team && rng.IntN(2) == 0 {
		vars["orderBy"] = map[string]any{
			"field":     []string{"USERNAME", "DISPLAY_NAME", "EMAIL", "CREATED_AT", "LAST_SIGN_IN_AT"}[rng.IntN(5)],
			"direction": []string{"ASC", "DESC"}[rng.IntN(2)],
		}
	}
	return vars
}

// TestHotPathSameBytes is the proof that the users page's fast path
// (hotpath.go) answers exactly as gqlgen: over generated directories,
// every kind of viewer (platform, organisation and site administrators,
// operators with and without personal-data rights, another organisation's
// administrator, a member without roles) and random variables (filters,
// search, orders, page sizes, cursors from the previous page, forged
// cursors), the two handlers' response bodies are equal byte for byte.
// The seed is logged; HOTPATH_SEED replays it.
func TestHotPathSameBytes(t *testing.T) {
	rng := hotRNG(t, 0x51ed2701)
	docs := spaDocuments(t)
	served, answered, fellBack := hotPathServed.Load(), 0, 0
	answeredBy := map[string]int{} // per document and viewer
	forEachHotViewer(t, rng, 3, func(c hotCase) {
		for docName, doc := range docs {
			for range 12 {
				vars := c.w.randomVariables(rng, strings.HasPrefix(docName, "UsersTeam"))
				if docName == "two-operations" && rng.IntN(2) == 0 {
					vars["operation"] = "UsersList" // an unknown variable is ignored
				}
				// Up to three pages, following endCursor as the SPA does.
				for page := 0; page < 3 && vars != nil; page++ {
					before := hotPathServed.Load()
					got := hotPost(t, c.fast, c.app, c.viewer, doc, vars)
					if hotPathServed.Load() > before {
						if docName == "two-operations" && vars["operation"] != "UsersList" {
							t.Fatalf("the fast path answered operation Other: %s", got)
						}
						answered++
						answeredBy[docName]++
						answeredBy[c.name]++
					} else {
						fellBack++
					}
					want := hotPost(t, c.slow, c.app, c.viewer, doc, vars)
					if !bytes.Equal(got, want) {
						t.Fatalf("dataset %d, viewer %s, %s, variables %v:\nfast path: %s\ngqlgen:    %s", c.dataset, c.name, docName, vars, got, want)
					}
					vars = nextPage(got, vars)
				}
			}
		}
	})
	t.Logf("%d pages answered by the fast path, %d by gqlgen (errors, refusals): %v", answered, fellBack, answeredBy)
	for _, k := range []string{"UsersList", "UsersList+typename", "UsersTeam", "UsersTeam+typename", "bench", "platform-admin", "parent-admin", "tenant-admin", "restricted-admin", "restricted-admin-pd-site"} {
		if answeredBy[k] == 0 {
			t.Errorf("the fast path answered no page of %s", k)
		}
	}
	if hotPathServed.Load()-served != int64(answered) || answered < 100 || fellBack < 10 {
		t.Fatalf("the comparison must exercise both paths: %d fast, %d gqlgen", answered, fellBack)
	}
}

// hotRNG is a comparison's random source; its seed is logged and
// HOTPATH_SEED replays it.
func hotRNG(t *testing.T, stream uint64) *rand.Rand {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("HOTPATH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (replay with HOTPATH_SEED=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^stream))
}

// hotCase is one viewer of a generated directory, with the handler with
// and without the fast path.
type hotCase struct {
	dataset    int
	w          *hotWorld
	app        *App
	fast, slow http.Handler
	name       string
	viewer     *domain.Viewer
}

// forEachHotViewer generates datasets directories and calls each for every
// kind of viewer of each.
func forEachHotViewer(t *testing.T, rng *rand.Rand, datasets int, each func(hotCase)) {
	t.Helper()
	rdb, prefix := dbtest.MustRedis(t)
	for dataset := range datasets {
		d := dbtest.MustOpen(t)
		c := hotCase{dataset: dataset, w: newHotWorld(t, dbtest.NewFixture(t, d), rng), app: hotTestApp(d)}
		c.fast = NewHandler(c.app, rdb, prefix, DefaultLimits, nil)
		slowLimits := DefaultLimits
		slowLimits.DisableHotPath = true
		c.slow = NewHandler(c.app, rdb, prefix, slowLimits, nil)
		for name, viewerID := range c.w.viewers {
			viewer, err := c.app.Users.LoadViewer(context.Background(), viewerID)
			if err != nil {
				t.Fatal(err)
			}
			c.name, c.viewer = name, viewer
			each(c)
		}
	}
}

func hotTestApp(d *db.DB) *App {
	tenants := db.NewTenantService(d)
	cursors, _ := NewCursors("")
	return &App{Cursors: cursors, Tenants: tenants, Users: db.NewUserService(d), Catalog: db.NewCatalogService(d),
		Authorizer: &domain.Authorizer{Hierarchy: tenants}, Logger: slog.New(slog.DiscardHandler)}
}

// hotPost runs one operation through h as the server does (viewer, then
// loaders) and returns the response body.
func hotPost(t *testing.T, h http.Handler, app *App, viewer *domain.Viewer, doc string, vars map[string]any) []byte {
	t.Helper()
	params := map[string]any{"query": doc, "variables": vars}
	if strings.Contains(doc, "query Other") {
		// The document has two operations: the users page when the
		// variables ask for it, else the other one (which the fast path must
		// not answer with the users page's plan).
		params["operationName"] = "Other"
		if vars["operation"] == "UsersList" {
			params["operationName"] = "UsersList"
		}
	}
	body, _ := json.Marshal(params)
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req = req.WithContext(WithViewer(req.Context(), viewer))
	rec := httptest.NewRecorder()
	app.LoaderMiddleware(h).ServeHTTP(rec, req)
	return rec.Body.Bytes()
}

// nextPage returns the variables of the page after this answer, nil when
// there is none.
func nextPage(body []byte, vars map[string]any) map[string]any {
	var r struct {
		Data struct {
			Users struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
			}
		}
	}
	if json.Unmarshal(body, &r) != nil || !r.Data.Users.PageInfo.HasNextPage || r.Data.Users.PageInfo.EndCursor == nil {
		return nil
	}
	next := map[string]any{}
	for k, v := range vars {
		next[k] = v
	}
	delete(next, "last")
	next["after"] = *r.Data.Users.PageInfo.EndCursor
	return next
}

// quoted takes a shortcut for printable ASCII; its bytes must stay those
// of strconv.Quote (gqlgen's MarshalID) for every string.
func TestHotWriterQuotedIsStrconvQuote(t *testing.T) {
	for _, s := range []string{"", "VXNlcjo0Mg", "ACTIVE", `a"b`, `a\b`, "tab\there", "\x7f", "é", "\u2028", "<&>", "~ !", "\xff"} {
		var buf bytes.Buffer
		(&hotWriter{buf: &buf}).quoted(s)
		if buf.String() != strconv.Quote(s) {
			t.Errorf("quoted(%q) = %s, want %s", s, buf.String(), strconv.Quote(s))
		}
	}
}

// profileDocuments are user profiles by global ID as integrators and the
// load tests ask for them (bench.ProfileQuery, the document of
// loadtest/profile.js), with urql's __typename, and one that also selects
// other kinds of node (which the fast path leaves to gqlgen).
func profileDocuments(t *testing.T) map[string]string {
	t.Helper()
	src, err := os.ReadFile("../bench/baseline.go")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)const ProfileQuery = `(.*?)`").FindSubmatch(src)
	if m == nil {
		t.Fatal("bench/baseline.go has no ProfileQuery")
	}
	profile := string(m[1])
	return map[string]string{
		"profile":          profile,
		"profile+typename": strings.ReplaceAll(profile, "{ id ", "{ __typename id "),
		"profile-mixed": `query P($id: ID!) { node(id: $id) { __typename id ... on User { username status lastSignInAt version
			viewerCan { changeStatus resetCredentials } homeTenant { name } }
			... on Tenant { name } ... on Role { name } } }`,
	}
}

// TestHotPathProfileSameBytes proves that a user's profile through the
// fast path (node(id:) on a user) answers exactly as gqlgen, for every kind
// of viewer and for ids of users in and out of scope, the viewer itself,
// other kinds of node, unknown and forged ids.
func TestHotPathProfileSameBytes(t *testing.T) {
	rng := hotRNG(t, 0x7a3f)
	docs := profileDocuments(t)
	answered, fellBack, nulls := 0, 0, 0
	answeredBy := map[string]int{}
	forEachHotViewer(t, rng, 2, func(c hotCase) {
		w := c.w
		for docName, doc := range docs {
			for range 15 {
				var id any
				switch k := rng.IntN(10); {
				case k < 6:
					id = globalID("User", w.users[rng.IntN(len(w.users))])
				case k == 6:
					id = globalID("User", c.viewer.UserID)
				case k == 7:
					id = globalID("Tenant", w.tenants[rng.IntN(len(w.tenants))])
				case k == 8:
					id = globalID("User", 1<<40) // no such user
				default:
					id = []any{"bm90IGFuIGlk", "", 42}[rng.IntN(3)] // forged, empty, not a string
				}
				vars := map[string]any{"id": id}
				before := hotPathServed.Load()
				got := hotPost(t, c.fast, c.app, c.viewer, doc, vars)
				if hotPathServed.Load() > before {
					answered++
					answeredBy[docName]++
					answeredBy[c.name]++
					if bytes.Contains(got, []byte(`"node":null`)) {
						nulls++
					}
				} else {
					fellBack++
				}
				want := hotPost(t, c.slow, c.app, c.viewer, doc, vars)
				if !bytes.Equal(got, want) {
					t.Fatalf("dataset %d, viewer %s, %s, variables %v:\nfast path: %s\ngqlgen:    %s", c.dataset, c.name, docName, vars, got, want)
				}
			}
		}
	})
	t.Logf("%d profiles answered by the fast path (%d null), %d by gqlgen: %v", answered, nulls, fellBack, answeredBy)
	for _, k := range []string{"profile", "profile+typename", "profile-mixed", "platform-admin", "parent-admin", "tenant-admin", "restricted-admin", "operator"} {
		if answeredBy[k] == 0 {
			t.Errorf("the fast path answered no profile of %s", k)
		}
	}
	if answered < 100 || fellBack < 20 || nulls == 0 {
		t.Fatalf("the comparison must exercise both paths and null nodes: %d fast (%d null), %d gqlgen", answered, nulls, fellBack)
	}
}
