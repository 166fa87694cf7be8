package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// DocumentBudget bounds the work a document may cause before gqlgen parses
// and validates it. Validation (the overlapping-fields rule above all) is
// quadratic in the fields of a selection set, and the complexity, depth and
// alias limits walk fragments expanded, so a 1 KB document of fragments that
// spread the next one twice used to cost minutes of CPU: every limit ran
// only after that work. Here the document is lexed with a token budget and
// its fragment expansion is counted with memoisation, in time linear in its
// size, before anything else looks at it.
type DocumentBudget struct {
	// MaxTokens bounds the lexed tokens of the document.
	MaxTokens int
	// MaxFields bounds the fields of the document once every fragment
	// spread is expanded (the work of validation and of the limits after it).
	MaxFields int
	// MaxSelectionSet bounds the fields one selection set collects with its
	// fragments: the overlapping-fields rule compares them pairwise.
	MaxSelectionSet int
	// MaxOverlap bounds the pairs of fields the overlapping-fields rule
	// compares: the sum, over every response path, of the square of the
	// number of fields answering at that path (fragments expanded). Ten
	// copies of a subtree under one name compare every pair of copies, and
	// every pair of their same-named children, and so on down.
	MaxOverlap int
	// MaxValues bounds operations, fragments, arguments, directives,
	// variable definitions and list or object values, whose uniqueness
	// rules are also pairwise.
	MaxValues int
}

// DefaultDocumentBudget is far above what the SPA sends (its largest
// document expands to about 200 fields; the standard introspection query to
// about 150) and keeps validation of any document within about 20 ms
// (BenchmarkHostileDocuments).
var DefaultDocumentBudget = DocumentBudget{MaxTokens: 10000, MaxFields: 2500, MaxSelectionSet: 200, MaxOverlap: 20000, MaxValues: 1000}

// Error codes of refused documents.
const (
	codeTooManyTokens = "QUERY_TOO_LARGE"
	codeTooComplex    = "QUERY_TOO_COMPLEX"
)

func init() {
	// Refusals of a document are request errors (HTTP 422 like other
	// validation failures), not execution errors.
	errcode.RegisterErrorType(codeTooManyTokens, errcode.KindProtocol)
	errcode.RegisterErrorType(codeTooComplex, errcode.KindProtocol)
	// Bad input found before execution (a NUL character) is a request error
	// too; during execution BAD_USER_INPUT stays a field error.
	errcode.RegisterErrorType("BAD_USER_INPUT", errcode.KindProtocol)
}

// documentBudget is the gqlgen extension applying a DocumentBudget. It runs
// as an OperationParameterMutator after persisted queries are resolved, the
// last step before gqlgen's parse and validation. It also applies the strict
// checks that need the parsed document and the raw variables (strict
// variable coercion, NUL characters), which gqlgen's own coercion misses.
type documentBudget struct {
	budget DocumentBudget
	schema graphql.ExecutableSchema
	// accepted remembers documents that passed, as gqlgen's query cache
	// remembers their validation, so the common case costs one lookup.
	accepted *lru.LRU[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = (*documentBudget)(nil)

func newDocumentBudget(b DocumentBudget) *documentBudget {
	return &documentBudget{budget: b, accepted: lru.New[*ast.QueryDocument](1000)}
}

func (*documentBudget) ExtensionName() string { return "DocumentBudget" }
func (d *documentBudget) Validate(s graphql.ExecutableSchema) error {
	d.schema = s
	return nil
}

func (d *documentBudget) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	doc, ok := d.accepted.Get(ctx, p.Query)
	if !ok {
		var err *gqlerror.Error
		if doc, err = d.check(p.Query); err != nil {
			return err
		}
		d.accepted.Add(ctx, p.Query, doc)
	}
	if doc == nil {
		return nil // a parse error: gqlgen reports it as usual
	}
	if err := checkVariables(d.schema, doc, p.OperationName, p.Variables); err != nil {
		return err
	}
	return nil
}

// check parses the document within the token budget and measures it. A
// document that does not parse for another reason returns (nil, nil) and is
// left to gqlgen, which reports the syntax error with its position.
func (d *documentBudget) check(query string) (*ast.QueryDocument, *gqlerror.Error) {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, d.budget.MaxTokens)
	if err != nil {
		if ge, ok := err.(*gqlerror.Error); ok && ge.Message == fmt.Sprintf("exceeded token limit of %d", d.budget.MaxTokens) {
			return nil, refusal(codeTooManyTokens, "The document has more than %d tokens.", d.budget.MaxTokens)
		}
		return nil, nil
	}
	m := measure{doc: doc, memo: map[string]*fragmentCost{}}
	m.document()
	switch {
	case m.fields > int64(d.budget.MaxFields):
		return nil, refusal(codeTooComplex, "The document expands to more than %d fields (fragments counted where spread).", d.budget.MaxFields)
	case m.widest > int64(d.budget.MaxSelectionSet):
		return nil, refusal(codeTooComplex, "A selection set of the document has more than %d fields (fragments counted where spread).", d.budget.MaxSelectionSet)
	case m.values > int64(d.budget.MaxValues):
		return nil, refusal(codeTooComplex, "The document has more than %d arguments, directives, variables and input values.", d.budget.MaxValues)
	}
	// Bounded by MaxFields now, the expanded document can be walked.
	if overlap(doc) > int64(d.budget.MaxOverlap) {
		return nil, refusal(codeTooComplex, "The document asks for the same fields too many times over (the same response path repeated by aliases or fragments).")
	}
	if m.nul {
		return nil, badInput("A string in the document contains a NUL character.")
	}
	return doc, nil
}

func refusal(code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	errcode.Set(err, code)
	return err
}

func badInput(format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": "BAD_USER_INPUT"}
	return err
}

// saturating bound of the counts: an exponential expansion stays a number.
const costCap = int64(1) << 40

func addCapped(a, b int64) int64 { return min(a+b, costCap) }

// fragmentCost is the expansion of one fragment, computed once.
type fragmentCost struct {
	fields   int64            // fields once expanded
	names    map[string]int64 // fields it adds to the set it is spread into, by response name
	visiting bool             // cycle guard: validation rejects cycles, counted as 0 here
}

type measure struct {
	doc  *ast.QueryDocument
	memo map[string]*fragmentCost

	fields int64 // expanded fields of the whole document
	widest int64 // largest selection set, fragments collected in
	values int64 // arguments, directives, variables, list/object values
	nul    bool  // a string value holds U+0000
}

func (m *measure) document() {
	m.values += int64(len(m.doc.Operations) + len(m.doc.Fragments))
	for _, op := range m.doc.Operations {
		for _, v := range op.VariableDefinitions {
			m.values++
			m.value(v.DefaultValue)
			m.directives(v.Directives)
		}
		m.directives(op.Directives)
		f, _ := m.selectionSet(op.SelectionSet)
		m.fields = addCapped(m.fields, f)
	}
	// Validation also walks each fragment definition on its own, its
	// spreads expanded: that work counts too.
	for _, frag := range m.doc.Fragments {
		m.directives(frag.Directives)
		c := m.fragment(frag.Name)
		m.fields = addCapped(m.fields, c.fields)
	}
}

// selectionSet returns the expanded fields under set and the fields the set
// itself collects (its own fields plus those of inline fragments and
// spreads) by response name, recording the widest set.
func (m *measure) selectionSet(set ast.SelectionSet) (expanded int64, names map[string]int64) {
	names = map[string]int64{}
	var collected int64
	gather := func(from map[string]int64) {
		for n, k := range from {
			names[n] = addCapped(names[n], k)
			collected = addCapped(collected, k)
		}
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			sub, _ := m.selectionSet(s.SelectionSet)
			expanded = addCapped(expanded, addCapped(1, sub))
			name := s.Alias
			if name == "" {
				name = s.Name
			}
			names[name] = addCapped(names[name], 1)
			collected = addCapped(collected, 1)
			for _, a := range s.Arguments {
				m.values++
				m.value(a.Value)
			}
			m.directives(s.Directives)
		case *ast.InlineFragment:
			sub, top := m.selectionSet(s.SelectionSet)
			expanded = addCapped(expanded, sub)
			gather(top)
			m.directives(s.Directives)
		case *ast.FragmentSpread:
			c := m.fragment(s.Name)
			expanded = addCapped(expanded, c.fields)
			gather(c.names)
			m.directives(s.Directives)
		}
	}
	m.widest = max(m.widest, collected)
	return expanded, names
}

func (m *measure) fragment(name string) *fragmentCost {
	if c, ok := m.memo[name]; ok {
		if c.visiting {
			return &fragmentCost{}
		}
		return c
	}
	c := &fragmentCost{visiting: true}
	m.memo[name] = c
	if f := m.doc.Fragments.ForName(name); f != nil {
		c.fields, c.names = m.selectionSet(f.SelectionSet)
	}
	c.visiting = false
	return c
}

func (m *measure) directives(list ast.DirectiveList) {
	for _, d := range list {
		m.values++
		for _, a := range d.Arguments {
			m.values++
			m.value(a.Value)
		}
	}
}

func (m *measure) value(v *ast.Value) {
	if v == nil {
		return
	}
	if v.Kind == ast.StringValue || v.Kind == ast.BlockValue {
		m.nul = m.nul || containsNUL(v.Raw)
	}
	for _, c := range v.Children {
		m.values++
		m.value(c.Value)
	}
}

func containsNUL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return true
		}
	}
	return false
}

// responsePath is a node of the tree of response paths of a document: the
// fields answering at one path are the ones validation compares pairwise.
type responsePath struct {
	fields   int64
	children map[string]*responsePath
}

// overlap returns the sum over response paths of the squared number of
// fields at each: the work of the overlapping-fields rule. It walks the
// document with fragments expanded, so it must only see documents whose
// expansion MaxFields has bounded.
func overlap(doc *ast.QueryDocument) int64 {
	var total int64
	var sum func(p *responsePath)
	sum = func(p *responsePath) {
		for _, c := range p.children {
			total = addCapped(total, c.fields*c.fields)
			sum(c)
		}
	}
	spreading := map[string]bool{}
	var walk func(set ast.SelectionSet, at *responsePath)
	walk = func(set ast.SelectionSet, at *responsePath) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				name := s.Alias
				if name == "" {
					name = s.Name
				}
				if at.children == nil {
					at.children = map[string]*responsePath{}
				}
				c := at.children[name]
				if c == nil {
					c = &responsePath{}
					at.children[name] = c
				}
				c.fields++
				walk(s.SelectionSet, c)
			case *ast.InlineFragment:
				walk(s.SelectionSet, at)
			case *ast.FragmentSpread:
				if f := doc.Fragments.ForName(s.Name); f != nil && !spreading[s.Name] {
					spreading[s.Name] = true
					walk(f.SelectionSet, at)
					spreading[s.Name] = false
				}
			}
		}
	}
	for _, op := range doc.Operations {
		root := &responsePath{}
		walk(op.SelectionSet, root)
		sum(root)
	}
	for _, f := range doc.Fragments {
		root := &responsePath{}
		walk(f.SelectionSet, root)
		sum(root)
	}
	return total
}
