package graph

import (
	"encoding/json"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// checkVariables applies the GraphQL specification's input coercion of
// variables strictly, before gqlparser's lenient one: gqlparser takes the
// string "5" for an Int, a number for an enum and enum names in any letter
// case, which hides client bugs and makes one value mean several things.
// It also refuses NUL characters, which PostgreSQL cannot store. Unknown
// fields, missing values and custom scalars are left to gqlparser and the
// scalars' own parsing, which report them.
func checkVariables(es graphql.ExecutableSchema, doc *ast.QueryDocument, operation string, vars map[string]any) *gqlerror.Error {
	if es == nil || len(vars) == 0 {
		return nil
	}
	op := doc.Operations.ForName(operation)
	if op == nil {
		return nil
	}
	schema := es.Schema()
	for _, def := range op.VariableDefinitions {
		raw, ok := vars[def.Variable]
		if !ok {
			continue
		}
		if msg := coerceStrict(schema, def.Type, raw); msg != "" {
			err := gqlerror.Errorf("Variable $%s: %s", def.Variable, msg)
			err.Path = ast.Path{ast.PathName("variable"), ast.PathName(def.Variable)}
			if strings.Contains(msg, "NUL") {
				err.Extensions = map[string]any{"code": "BAD_USER_INPUT"}
			} else {
				errcode.Set(err, errcode.ValidationFailed)
			}
			return err
		}
	}
	return nil
}

// coerceStrict returns why raw is not a value of typ, or "".
func coerceStrict(schema *ast.Schema, typ *ast.Type, raw any) string {
	if raw == nil {
		return "" // nullability is gqlparser's check
	}
	if typ.Elem != nil {
		list, ok := raw.([]any)
		if !ok {
			// A single value stands for a list of one (input coercion).
			return coerceStrict(schema, typ.Elem, raw)
		}
		for _, item := range list {
			if msg := coerceStrict(schema, typ.Elem, item); msg != "" {
				return msg
			}
		}
		return ""
	}
	def := schema.Types[typ.NamedType]
	if def == nil {
		return ""
	}
	switch def.Kind {
	case ast.Enum:
		s, ok := raw.(string)
		if !ok || def.EnumValues.ForName(s) == nil {
			return "expected one of the values of " + def.Name + " (exact spelling)."
		}
	case ast.InputObject:
		obj, ok := raw.(map[string]any)
		if !ok {
			return "expected an object of type " + def.Name + "."
		}
		for name, v := range obj {
			field := def.Fields.ForName(name)
			if field == nil {
				continue
			}
			if msg := coerceStrict(schema, field.Type, v); msg != "" {
				return name + ": " + msg
			}
		}
	case ast.Scalar:
		return scalarStrict(def.Name, raw)
	}
	return ""
}

func scalarStrict(name string, raw any) string {
	switch name {
	case "Int":
		if n, ok := number(raw); !ok || n != math.Trunc(n) || n < math.MinInt32 || n > math.MaxInt32 {
			return "expected an Int (a whole JSON number within 32 bits, not a string)."
		}
	case "Float":
		if _, ok := number(raw); !ok {
			return "expected a Float (a JSON number, not a string)."
		}
	case "Boolean":
		if _, ok := raw.(bool); !ok {
			return "expected a Boolean (true or false)."
		}
	case "String":
		s, ok := raw.(string)
		if !ok {
			return "expected a String."
		}
		if strings.IndexByte(s, 0) >= 0 {
			return "contains a NUL character."
		}
	case "ID":
		switch v := raw.(type) {
		case string:
			if strings.IndexByte(v, 0) >= 0 {
				return "contains a NUL character."
			}
		default:
			if n, ok := number(raw); !ok || n != math.Trunc(n) {
				return "expected an ID (a string or a whole number)."
			}
		}
	default:
		if s, ok := raw.(string); ok && strings.IndexByte(s, 0) >= 0 {
			return "contains a NUL character."
		}
	}
	return ""
}

func number(raw any) (float64, bool) {
	switch v := raw.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}
