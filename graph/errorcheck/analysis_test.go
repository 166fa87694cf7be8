package errorcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// codeScan is every place the module's Go source (tests and generated code
// excluded) writes a reason code into an application error: a Reason field
// of an error literal (&domain.Error{..., Reason: X}, or an elided element
// of a map or slice of errors), the reason argument of domain.FieldError,
// or of any function that forwards a parameter into Reason (e.g.
// nomination's refuse). X is a string literal or a named string constant,
// resolved to its value.
type codeScan struct {
	emitted []emission
}

type emission struct {
	pos, code string
}

// scanCodes parses every non-test, non-generated Go file of the module.
func scanCodes(t *testing.T, root string) *codeScan {
	t.Helper()
	g := &codeScan{}
	fset := token.NewFileSet()
	var files []*ast.File
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", "frontend", "generated", ".git", "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Constants first: reasons are often named (ReasonX = "X").
	consts := map[string]string{}
	for _, f := range files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							v, _ := strconv.Unquote(lit.Value)
							consts[name.Name] = v
						}
					}
				}
			}
		}
	}
	value := func(e ast.Expr) (string, bool) {
		switch x := e.(type) {
		case *ast.BasicLit:
			if x.Kind == token.STRING {
				v, _ := strconv.Unquote(x.Value)
				return v, true
			}
		case *ast.Ident:
			v, ok := consts[x.Name]
			return v, ok
		case *ast.SelectorExpr:
			v, ok := consts[x.Sel.Name]
			return v, ok
		}
		return "", false
	}
	// forwarders are functions that build an error with a reason they are
	// given (Reason: reason): the code is at their call sites.
	forwarders := map[string]int{}
	forwarded := map[*ast.KeyValueExpr]bool{} // their Reason: parameter
	for _, f := range files {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			params := map[string]int{}
			i := 0
			for _, p := range fd.Type.Params.List {
				for _, n := range p.Names {
					params[n.Name] = i
					i++
				}
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				cl, ok := n.(*ast.CompositeLit)
				if !ok || !isErrorLiteral(cl) {
					return true
				}
				for _, el := range cl.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Reason" {
						if id, ok := kv.Value.(*ast.Ident); ok {
							if idx, ok := params[id.Name]; ok {
								forwarders[fd.Name.Name] = idx
								forwarded[kv] = true
							}
						}
					}
				}
				return true
			})
		}
	}
	forwarders["FieldError"] = 1
	// collect records the codes written in node.
	collect := func(node ast.Node) {
		ast.Inspect(node, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				// an error literal: {Code: ..., Reason: ...}
				for _, el := range x.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Reason" && isErrorLiteral(x) && !forwarded[kv] {
						v, ok := value(kv.Value)
						if !ok {
							v = "<not a constant: " + fset.Position(kv.Pos()).String() + ">"
						}
						g.emitted = append(g.emitted, emission{fset.Position(kv.Pos()).String(), v})
					}
				}
			case *ast.CallExpr:
				name := ""
				switch fn := x.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if idx, ok := forwarders[name]; ok && idx < len(x.Args) {
					v, ok := value(x.Args[idx])
					if !ok {
						v = "<not a constant: " + fset.Position(x.Pos()).String() + ">"
					}
					g.emitted = append(g.emitted, emission{fset.Position(x.Pos()).String(), v})
				}
			}
			return true
		})
	}
	for _, f := range files {
		for _, decl := range f.Decls {
			collect(decl)
		}
	}
	return g
}

// isErrorLiteral reports whether a composite literal builds an application
// error: domain.Error, Error, or an elided element type with Code and Reason.
func isErrorLiteral(x *ast.CompositeLit) bool {
	switch t := x.Type.(type) {
	case *ast.SelectorExpr:
		return t.Sel.Name == "Error"
	case *ast.Ident:
		return t.Name == "Error"
	case nil:
		for _, el := range x.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Code" {
					return true
				}
			}
		}
	}
	return false
}
