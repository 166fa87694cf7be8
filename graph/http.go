package graph

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
)

// RequestGate answers, with a status and an extensions.code, the requests
// to /graphql that no transport serves: gqlgen answered them with
// "transport not supported" and no code (GraphQL over HTTP: 405 with Allow
// for a method, 415 for a media type).
func RequestGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Header.Get("Upgrade") != "", r.Method == http.MethodGet, r.Method == http.MethodOptions:
		case r.Method == http.MethodPost:
			mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mediaType != "application/json" {
				writeRequestError(w, http.StatusUnsupportedMediaType,
					"A GraphQL request is a POST of Content-Type application/json.", "UNSUPPORTED_MEDIA_TYPE")
				return
			}
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeRequestError(w, http.StatusMethodNotAllowed,
				"GraphQL is served by GET (queries) and POST.", "METHOD_NOT_ALLOWED")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// graphqlGET serves queries by GET (GraphQL over HTTP). Unlike gqlgen's GET
// transport, a mutation gets 405 with Allow: POST, and every refusal carries
// an extensions.code.
type graphqlGET struct{}

var _ graphql.Transport = graphqlGET{}

func (graphqlGET) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") == "" && r.Method == http.MethodGet
}

func (graphqlGET) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeRequestError(w, http.StatusBadRequest, "The query string cannot be decoded.", "BAD_REQUEST")
		return
	}
	params := &graphql.RawParams{
		Query:         query.Get("query"),
		OperationName: query.Get("operationName"),
		Headers:       r.Header,
	}
	params.ReadTime.Start = graphql.Now()
	for name, into := range map[string]*map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
		if raw := query.Get(name); raw != "" {
			dec := json.NewDecoder(strings.NewReader(raw))
			dec.UseNumber()
			if err := dec.Decode(into); err != nil {
				writeRequestError(w, http.StatusBadRequest, "The "+name+" parameter is not a JSON object.", "BAD_REQUEST")
				return
			}
		}
	}
	params.ReadTime.End = graphql.Now()

	graphqlResponse := strings.Contains(r.Header.Get("Accept"), "application/graphql-response+json")
	contentType := "application/json"
	if graphqlResponse {
		contentType = "application/graphql-response+json"
	}
	ctx := r.Context()
	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs == nil && rc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		writeRequestError(w, http.StatusMethodNotAllowed, "Only queries may be sent by GET; send mutations by POST.", "METHOD_NOT_ALLOWED")
		return
	}
	w.Header().Set("Content-Type", contentType)
	if errs != nil {
		status := http.StatusOK
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			status = http.StatusUnprocessableEntity
			if graphqlResponse {
				status = http.StatusBadRequest
			}
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)) // status sent: nothing left to tell the client
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	_ = json.NewEncoder(w).Encode(responses(ctx)) // status sent: nothing left to tell the client
}
