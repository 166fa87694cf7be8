package main

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"tenantadmin/frontend"
)

// placeholderPage is served when the SPA has not been built (no
// frontend/dist/index.html), so that a fresh `go run` still answers.
const placeholderPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tenant administration</title></head>
<body><main><h1>Tenant administration</h1>
<p data-testid="placeholder">The admin app has not been built. Run <code>npm ci &amp;&amp; npm run build</code>, then restart the server.
The GraphQL API is at <a href="/graphql">/graphql</a>.</p></main></body></html>`

// spaHandler serves the built SPA: hashed assets with long-lived caching,
// and index.html (never cached) for every other path so that client-side
// routes survive a reload.
func spaHandler() http.Handler {
	dist := frontend.Dist()
	index, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		index = []byte(placeholderPage)
	}
	files := http.FileServerFS(dist)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name != "" && name != "index.html" && name != ".gitkeep" {
			if st, err := fs.Stat(dist, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				} else {
					w.Header().Set("Cache-Control", "public, max-age=300")
				}
				files.ServeHTTP(w, r)
				return
			}
			if strings.HasPrefix(name, "assets/") {
				http.NotFound(w, r)
				return
			}
		}
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(index))
	})
}
