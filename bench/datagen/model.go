package datagen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// The dataset is a pure function of the seed and the sizes: every row is
// computed from its own random stream (seed, kind, index), so that a table
// can be generated again, alone, in any order, and always comes out the
// same. Only ids that count rows of another table (memberships, role
// assignments) need the sequential pass over users.

// Stream kinds: the high byte of a PCG stream id.
const (
	kindPlan uint64 = iota + 1
	kindOrg
	kindTenant
	kindUser   // structure: tenant, memberships, roles, status
	kindPerson // cosmetics: names, codes, contacts
	kindAudit
)

// rng is a small PCG wrapper that allocates nothing.
type rng struct{ p rand.PCG }

func newRNG(seed, kind, index uint64) rng {
	return rng{p: *rand.NewPCG(seed, kind<<56|index)}
}

func (r *rng) u64() uint64           { return r.p.Uint64() }
func (r *rng) intn(n int) int        { return int(r.p.Uint64() % uint64(n)) }
func (r *rng) float() float64        { return float64(r.p.Uint64()>>11) / (1 << 53) }
func (r *rng) chance(p float64) bool { return r.float() < p }
func pick[T any](r *rng, s []T) T    { return s[r.intn(len(s))] }

// Reference time of the dataset: fixed, so that a seed always gives the
// same rows.
var epoch = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

const history = 5 * 365 * 24 * time.Hour

// catalog is the product and role catalog as loaded in the database.
type catalog struct {
	products []product // ordered by code
}

type product struct {
	id       int64
	code     string
	admin    []role
	operator []role
	// singleLevel: one role (level) per member, never two (seed 003).
	singleLevel bool
}

type role struct {
	id           int64
	code         string
	requiresSite bool
}

func (c *catalog) index(code string) int {
	for i, p := range c.products {
		if p.code == code {
			return i
		}
	}
	return -1
}

// plan is the tenant forest and what users are drawn from.
type plan struct {
	cfg     Config
	cat     catalog
	orgs    []org
	tenants []tenant // tenants[id-1]
	// cum are cumulative user weights of tenants, for sampling homes.
	cum []float64
	// groupStart[id-1] is the first group id of tenant id; groups are
	// numbered tenant by tenant.
	groupStart []int64
	groupCount []int32
	groups     []group
}

type org struct {
	first, n int64 // tenants first .. first+n-1
	country  string
	products []int // indexes into cat.products
	domain   string
	base     string // company name without legal form
	slug     string // of base
}

type tenant struct {
	id, parent int64
	org        int32
	depth      int8
	name       string
	taxCode    string
	pec        string
	created    time.Time
}

type group struct {
	id, tenant int64
	product    int
	name       string
	active     bool
	created    time.Time
}

// Zipf-like weights: w(rank) = 1/(rank+c)^s.
func zipf(rank int, c, s float64) float64 { return 1 / math.Pow(float64(rank)+c, s) }

func newPlan(cfg Config, cat catalog) (*plan, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if len(cat.products) == 0 {
		return nil, fmt.Errorf("the catalog has no products")
	}
	p := &plan{cfg: cfg, cat: cat}
	r := newRNG(cfg.Seed, kindPlan, 0)

	// Tenants per organisation: one root each, the rest spread with a
	// Zipf law over a random ranking: a few organisations with hundreds of
	// sites, most with one to three tenants.
	O, T := cfg.Orgs, cfg.Tenants
	orgRank := r.perm(O)
	sizes := apportion(T-O, O, func(o int) float64 { return zipf(orgRank[o], 1, 0.9) })
	next := int64(1)
	p.orgs = make([]org, O)
	p.tenants = make([]tenant, 0, T)
	for o := range O {
		p.orgs[o] = p.buildOrg(o, next, int64(1+sizes[o]))
		next += p.orgs[o].n
	}

	// Users per tenant: Zipf over a random ranking of tenants, so that a
	// few tenants have tens of thousands of users and most have tens.
	tenantRank := r.perm(T)
	p.cum = make([]float64, T)
	total := 0.0
	for i := range T {
		total += zipf(tenantRank[i], 4, 1.0)
		p.cum[i] = total
	}

	// Groups: tenants expected to have ten or more people get some, on
	// their organisation's products.
	sampled := float64(cfg.Users - 1 - T)
	p.groupStart = make([]int64, T)
	p.groupCount = make([]int32, T)
	gid := int64(1)
	for i := range T {
		t := &p.tenants[i]
		o := &p.orgs[t.org]
		w := p.cum[i]
		if i > 0 {
			w -= p.cum[i-1]
		}
		expected := w / total * sampled
		n := 0
		if expected >= 10 {
			n = 1 + min(7, int(expected/300))
		}
		p.groupStart[i] = gid
		p.groupCount[i] = int32(n)
		for k := range n {
			name := groupNames[(i+k)%len(groupNames)]
			if k >= len(groupNames) {
				name = fmt.Sprintf("%s %d", name, k)
			}
			p.groups = append(p.groups, group{id: gid, tenant: t.id, product: o.products[k%len(o.products)],
				name: name, active: (i+k)%17 != 0, created: t.created.Add(time.Duration(k+1) * 24 * time.Hour)})
			gid++
		}
	}
	return p, nil
}

// perm is a deterministic Fisher–Yates permutation of 0..n-1.
func (r *rng) perm(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := r.intn(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// apportion splits total into n integer parts proportional to weight,
// with the largest remainder method.
func apportion(total, n int, weight func(int) float64) []int {
	ws := make([]float64, n)
	sum := 0.0
	for i := range n {
		ws[i] = weight(i)
		sum += ws[i]
	}
	out := make([]int, n)
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, n)
	given := 0
	for i := range n {
		exact := ws[i] / sum * float64(total)
		out[i] = int(exact)
		given += out[i]
		rems[i] = rem{i, exact - float64(out[i])}
	}
	sort.Slice(rems, func(a, b int) bool {
		if rems[a].r != rems[b].r {
			return rems[a].r > rems[b].r
		}
		return rems[a].i < rems[b].i
	})
	for k := 0; given < total; k++ {
		out[rems[k%n].i]++
		given++
	}
	return out
}

// buildOrg creates the tenants of organisation o, ids first .. first+n-1,
// parents before children, depth 1 to 4.
func (p *plan) buildOrg(o int, first, n int64) org {
	r := newRNG(p.cfg.Seed, kindOrg, uint64(o))
	italian := r.chance(0.7)
	og := org{first: first, n: n, country: "FR"}
	var family, sector, form string
	var cities []string
	if italian {
		og.country = "IT"
		family, sector, form = pick(&r, italianFamily), pick(&r, italianSectors), pick(&r, italianForms)
		cities = italianCities
	} else {
		family, sector, form = pick(&r, frenchFamily), pick(&r, frenchSectors), pick(&r, frenchForms)
		cities = frenchCities
	}
	var rootName string
	switch x := r.intn(10); {
	case italian && x == 0:
		og.base = "Comune di " + pick(&r, cities)
		rootName = og.base
	case !italian && x == 0:
		og.base = "Crèches " + family
		rootName = og.base + " " + form
	case !italian && x == 1:
		og.base = "Groupe " + family
		rootName = og.base
	default:
		og.base = family + " " + sector
		rootName = og.base + " " + form
	}
	og.slug = slug(og.base)
	og.domain = og.slug + fmt.Sprint(o) + map[bool]string{true: ".it", false: ".fr"}[italian]
	og.products = p.orgProducts(&r, italian)

	maxDepth := int8(1)
	switch {
	case n == 1:
	case n <= 3:
		maxDepth = 2
	default:
		maxDepth = int8(2 + r.intn(3))
		if int64(maxDepth) > n {
			maxDepth = int8(n)
		}
	}
	created := epoch.Add(-history - 365*24*time.Hour).Add(time.Duration(r.intn(365*24)) * time.Hour)
	start := len(p.tenants)
	for k := int64(0); k < n; k++ {
		id := first + k
		t := tenant{id: id, org: int32(o), depth: 1, created: created.Add(time.Duration(k) * time.Hour)}
		switch {
		case k == 0:
			t.name = rootName
		case k < int64(maxDepth):
			// A chain down to the organisation's depth.
			t.parent, t.depth = id-1, int8(k+1)
		default:
			for {
				par := &p.tenants[start+r.intn(int(k))]
				if par.depth < maxDepth {
					t.parent, t.depth = par.id, par.depth+1
					break
				}
			}
		}
		city := pick(&r, cities)
		company := false
		switch {
		case k == 0:
		case t.depth == 2 && r.chance(0.3):
			company = true
			t.name = fmt.Sprintf("%s %s %s", og.base, city, form)
		case t.depth == 2 && italian:
			t.name = fmt.Sprintf("Sede di %s %d", city, k)
		case t.depth == 2:
			t.name = fmt.Sprintf("Établissement de %s %d", city, k)
		case italian:
			t.name = fmt.Sprintf("%s - Sede operativa %s %d", og.base, city, k)
		default:
			t.name = fmt.Sprintf("%s - Site de %s %d", og.base, city, k)
		}
		if k == 0 || company {
			// Unique per country: a bijection of the tenant id.
			if italian {
				t.taxCode = fmt.Sprintf("%011d", (uint64(id)*7919+10007)%100_000_000_000)
				t.pec = slug(og.base) + fmt.Sprint(id) + "@pec.it"
			} else {
				t.taxCode = fmt.Sprintf("%09d", (uint64(id)*7919+10007)%1_000_000_000)
			}
		}
		p.tenants = append(p.tenants, t)
	}
	return og
}

// orgProducts picks the two to five products an organisation uses.
func (p *plan) orgProducts(r *rng, italian bool) []int {
	prefer := []string{"cob", "io-platform", "segmenti", "automazioni", "clienti", "send"}
	if !italian {
		prefer = []string{"sessions-conducteurs", "sessions-formateurs", "factures", "amisgest", "segmenti", "clienti"}
	}
	var pool []int
	for _, code := range prefer {
		if i := p.cat.index(code); i >= 0 {
			pool = append(pool, i)
		}
	}
	if len(pool) < 2 {
		pool = pool[:0]
		for i := range p.cat.products {
			pool = append(pool, i)
		}
	}
	n := min(len(pool), 2+r.intn(4))
	for i := range n {
		j := i + r.intn(len(pool)-i)
		pool[i], pool[j] = pool[j], pool[i]
	}
	out := append([]int(nil), pool[:n]...)
	sort.Ints(out)
	return out
}

func (p *plan) tenant(id int64) *tenant { return &p.tenants[id-1] }

// sampleTenant draws a tenant id by user weight.
func (p *plan) sampleTenant(r *rng) int64 {
	x := r.float() * p.cum[len(p.cum)-1]
	return int64(sort.SearchFloat64s(p.cum, x)) + 1
}

// User ids: 1 is the platform administrator, 2 .. T+1 the first
// administrator of tenant id-1, the rest people drawn by tenant weight.
func (p *plan) adminOf(tenantID int64) int64 { return tenantID + 1 }

// Statuses of users and of role assignments.
const (
	statusActive    = "ACTIVE"
	statusInvited   = "INVITED"
	statusSuspended = "SUSPENDED"
	statusLocked    = "LOCKED"
)

// userShape is the structure of one user: home, memberships, roles. It is
// reused between users to allocate nothing.
type userShape struct {
	id      int64
	home    int64
	service bool
	status  string
	created time.Time
	nMember int
	members [5]memberShape
}

type memberShape struct {
	tenant int64
	group  int64 // 0: none
	nRole  int
	roles  [8]roleShape
}

type roleShape struct {
	product   int // index into cat.products
	roleID    int64
	category  string
	suspended bool
}

// shape computes the structure of user id into s.
func (p *plan) shape(id int64, s *userShape) {
	r := newRNG(p.cfg.Seed, kindUser, uint64(id))
	T := int64(len(p.tenants))
	*s = userShape{id: id, status: statusActive}
	span := float64(history)
	s.created = epoch.Add(-time.Duration(span * (1 - float64(id)/float64(p.cfg.Users+1)))).
		Add(-time.Duration(r.intn(72*3600)) * time.Second)
	switch {
	case id == 1:
		return // the platform administrator: no memberships
	case id <= T+1:
		// The tenant's first administrator: ADMIN on every product of
		// its organisation there.
		s.home = id - 1
		t := p.tenant(s.home)
		s.created = t.created.Add(time.Hour)
		m := &s.members[0]
		s.nMember = 1
		m.tenant = s.home
		for _, pi := range p.orgs[t.org].products {
			if adm := p.cat.products[pi].admin; len(adm) > 0 && m.nRole < len(m.roles) {
				m.roles[m.nRole] = roleShape{product: pi, roleID: adm[0].id, category: "ADMIN"}
				m.nRole++
			}
		}
		return
	}
	s.home = p.sampleTenant(&r)
	s.service = r.chance(0.01)
	switch x := r.float(); {
	case x < 0.08:
		s.status = statusInvited
	case x < 0.12:
		s.status = statusSuspended
	case x < 0.14:
		s.status = statusLocked
	}
	s.nMember = 1
	s.members[0].tenant = s.home
	o := &p.orgs[p.tenant(s.home).org]
	switch x := r.float(); {
	case s.service:
	case x < 0.15 && o.n > 1:
		// Some people work at several sites of their organisation.
		extra := min(int(o.n-1), 1+r.intn(3))
		for added := 0; added < extra; {
			t := o.first + int64(r.intn(int(o.n)))
			if !s.hasTenant(t) {
				s.members[s.nMember].tenant = t
				s.nMember++
				added++
			}
		}
	case x < 0.16:
		// External consultants and technicians of another organisation.
		if t := p.sampleTenant(&r); !s.hasTenant(t) {
			s.members[s.nMember].tenant = t
			s.nMember++
		}
	}
	for k := 0; k < s.nMember; k++ {
		p.memberRoles(&r, s, &s.members[k])
	}
}

func (s *userShape) hasTenant(t int64) bool {
	for k := 0; k < s.nMember; k++ {
		if s.members[k].tenant == t {
			return true
		}
	}
	return false
}

// memberRoles draws the roles of one membership: one to four of the
// organisation's products, one category per product (the schema's
// membership_products rule), sometimes two roles of that category.
func (p *plan) memberRoles(r *rng, s *userShape, m *memberShape) {
	t := p.tenant(m.tenant)
	products := p.orgs[t.org].products
	var n int
	switch x := r.float(); {
	case s.service || x < 0.25:
		n = 1
	case x < 0.60:
		n = 2
	case x < 0.85:
		n = 3
	default:
		n = 4
	}
	n = min(n, len(products))
	var chosen [16]int
	copy(chosen[:], products)
	suspendAll := s.status == statusSuspended && r.chance(0.5)
	for i := range n {
		j := i + r.intn(len(products)-i)
		chosen[i], chosen[j] = chosen[j], chosen[i]
		prod := &p.cat.products[chosen[i]]
		category, pool := "OPERATOR", prod.operator
		if r.chance(0.02) && len(prod.admin) > 0 {
			category, pool = "ADMIN", prod.admin
		}
		var cands [8]role
		nc := 0
		for _, rl := range pool {
			if (!rl.requiresSite || t.parent != 0) && nc < len(cands) {
				cands[nc] = rl
				nc++
			}
		}
		if nc == 0 {
			continue
		}
		take := 1
		if nc >= 2 && r.chance(0.15) && !prod.singleLevel {
			take = 2
		}
		first := r.intn(nc)
		for k := range take {
			if m.nRole == len(m.roles) {
				break
			}
			rl := cands[(first+k)%nc]
			m.roles[m.nRole] = roleShape{product: chosen[i], roleID: rl.id, category: category,
				suspended: suspendAll || r.chance(0.03)}
			m.nRole++
		}
	}
	if c := p.groupCount[m.tenant-1]; c > 0 && r.chance(0.3) {
		m.group = p.groupStart[m.tenant-1] + int64(r.intn(int(c)))
	}
}

// person is the cosmetic part of a user row.
type person struct {
	uid                 [16]byte
	kind                string
	username            string
	taxCode, taxCountry *string
	given, family       string
	nameVerified        bool
	email               *string
	emailVerified       bool
	phone               *string
	language, timeZone  string
	updated             time.Time
}

// person computes the cosmetic fields of the user with shape s.
func (p *plan) person(s *userShape) person {
	r := newRNG(p.cfg.Seed, kindPerson, uint64(s.id))
	var out person
	for i := 0; i < 16; i += 8 {
		v := r.u64()
		for k := range 8 {
			out.uid[i+k] = byte(v >> (8 * k))
		}
	}
	out.uid[6] = out.uid[6]&0x0f | 0x40
	out.uid[8] = out.uid[8]&0x3f | 0x80
	out.kind = "HUMAN"
	out.updated = s.created.Add(time.Duration(r.intn(int(epoch.Sub(s.created)/time.Second)+1)) * time.Second)
	if s.id == 1 {
		out.username, out.given, out.family = "platform.admin", "Amministratore", "Piattaforma"
		out.language, out.timeZone = "en", "UTC"
		email := "platform.admin@tenantadmin.example"
		out.email, out.emailVerified = &email, true
		return out
	}
	t := p.tenant(s.home)
	o := &p.orgs[t.org]
	italian := (o.country == "IT") != r.chance(0.08)
	if italian {
		out.given, out.family = pick(&r, italianGiven), pick(&r, italianFamily)
		out.language, out.timeZone = "it", "Europe/Rome"
	} else {
		out.given, out.family = pick(&r, frenchGiven), pick(&r, frenchFamily)
		out.language, out.timeZone = "fr", "Europe/Paris"
	}
	if r.chance(0.05) {
		out.language = "en"
	}
	if s.service {
		out.kind = "SERVICE"
		out.username = fmt.Sprintf("svc.%s.%d", o.slug, s.id)
		if len(out.username) > 64 {
			out.username = fmt.Sprintf("svc.%d", s.id)
		}
		out.given, out.family = "", "Integrazione "+fmt.Sprint(s.id)
		return out
	}
	out.username = fmt.Sprintf("%s.%s%d", slug(out.given), slug(out.family), s.id)
	out.nameVerified = r.chance(0.3)
	if !r.chance(0.04) {
		var code, country string
		if italian {
			code, country = italianTaxCode(out.family, out.given, uint64(s.id)), "IT"
		} else {
			code, country = frenchTaxCode(uint64(s.id)), "FR"
		}
		out.taxCode, out.taxCountry = &code, &country
	}
	if !r.chance(0.05) {
		domain := o.domain
		if r.chance(0.1) {
			domain = map[bool]string{true: "libero.it", false: "orange.fr"}[italian]
		}
		email := out.username + "@" + domain
		out.email, out.emailVerified = &email, r.chance(0.7)
	}
	if r.chance(0.6) {
		var phone string
		if italian {
			phone = fmt.Sprintf("+39 3%02d %03d %04d", r.intn(100), r.intn(1000), r.intn(10000))
		} else {
			phone = fmt.Sprintf("+33 6 %02d %02d %02d %02d", r.intn(100), r.intn(100), r.intn(100), r.intn(100))
		}
		out.phone = &phone
	}
	return out
}

// nameSlugs caches the slugs and tax-code letters of the name lists.
var nameSlugs, familyLetters, givenLetters = map[string]string{}, map[string]string{}, map[string]string{}

func init() {
	for _, list := range [][]string{italianGiven, italianFamily, frenchGiven, frenchFamily} {
		for _, n := range list {
			nameSlugs[n] = computeSlug(n)
			familyLetters[n] = consonants(n, false)
			givenLetters[n] = consonants(n, true)
		}
	}
}

// slug keeps the ASCII letters and digits of s, lower case.
func slug(s string) string {
	if v, ok := nameSlugs[s]; ok {
		return v
	}
	return computeSlug(s)
}

func computeSlug(s string) string {
	s, _, _ = transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// italianTaxCode builds a codice fiscale shaped code, unique per id: the
// birth date, sex and municipality encode a bijection of the id; the check
// character follows the official algorithm.
func italianTaxCode(family, given string, id uint64) string {
	const years, months, days, muni = 60, 12, 28, 26 * 1000
	const space = years * months * days * 2 * muni // 1,048,320,000
	j := (id * 1_000_003) % space
	m := j % muni
	j /= muni
	female := j % 2
	j /= 2
	day := j%days + 1
	j /= days
	month := j % months
	year := 40 + j/months
	day += 40 * female
	code := familyLetters[family] + givenLetters[given] +
		fmt.Sprintf("%02d%c%02d%c%03d", year, "ABCDEHLMPRST"[month], day, 'A'+rune(m/1000), m%1000)
	return code + string(checkChar(code))
}

func consonants(name string, given bool) string {
	name = strings.ToUpper(slug(name))
	var cons, vows []byte
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case strings.IndexByte("AEIOU", c) >= 0:
			vows = append(vows, c)
		case c >= 'A' && c <= 'Z':
			cons = append(cons, c)
		}
	}
	if given && len(cons) >= 4 {
		cons = []byte{cons[0], cons[2], cons[3]}
	}
	out := append(cons, vows...)
	out = append(out, 'X', 'X', 'X')
	return string(out[:3])
}

var oddValues = [36]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

func checkChar(code string) byte {
	sum := 0
	for i := 0; i < 15; i++ {
		c := code[i]
		var idx int // 0-9 digits, 10-35 letters
		if c >= '0' && c <= '9' {
			idx = int(c - '0')
		} else {
			idx = 10 + int(c-'A')
		}
		if i%2 == 0 { // odd positions, 1-based
			sum += oddValues[idx]
		} else if idx < 10 {
			sum += idx
		} else {
			sum += idx - 10
		}
	}
	return byte('A' + sum%26)
}

// frenchTaxCode is a 13-digit numéro fiscal starting with 0 to 3, unique
// per id.
func frenchTaxCode(id uint64) string {
	return fmt.Sprintf("%013d", (id*1_000_003+17)%4_000_000_000_000)
}
