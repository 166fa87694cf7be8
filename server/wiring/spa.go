package wiring

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"mime"
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

// spaFile is one file of the built SPA with the compressed copies the build
// made beside it (NAME.br, NAME.gz; see precompress in frontend/vite.config.ts).
type spaFile struct {
	contentType string
	// Each representation has its own strong ETag: the bytes differ.
	identity, br, gz     []byte
	etag, etagBr, etagGz string
}

func newSPAFile(name string, data []byte, dist fs.FS) *spaFile {
	f := &spaFile{identity: data, etag: strongETag(data)}
	f.contentType = mime.TypeByExtension(path.Ext(name))
	if f.contentType == "" {
		f.contentType = http.DetectContentType(data)
	}
	if b, err := fs.ReadFile(dist, name+".br"); err == nil {
		f.br, f.etagBr = b, strongETag(b)
	}
	if b, err := fs.ReadFile(dist, name+".gz"); err == nil {
		f.gz, f.etagGz = b, strongETag(b)
	}
	return f
}

func strongETag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
}

// serve answers with the representation the client accepts best (brotli,
// then gzip, then the file itself), saying so in Vary. ServeContent handles
// If-None-Match (against that representation's ETag), HEAD and Range (a
// range of the representation sent, as RFC 9110 defines it).
func (f *spaFile) serve(w http.ResponseWriter, r *http.Request, cacheControl string) {
	h := w.Header()
	h.Set("Cache-Control", cacheControl)
	h.Set("Content-Type", f.contentType)
	body, etag := f.identity, f.etag
	if f.br != nil || f.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		switch preferredEncoding(r.Header.Get("Accept-Encoding"), f.br != nil, f.gz != nil) {
		case "br":
			body, etag = f.br, f.etagBr
			h.Set("Content-Encoding", "br")
		case "gzip":
			body, etag = f.gz, f.etagGz
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// preferredEncoding picks br or gzip from an Accept-Encoding header by its
// q-values (br first on a tie), "" for the identity. "*" stands for any
// encoding not named; q=0 refuses one.
func preferredEncoding(accept string, haveBr, haveGzip bool) string {
	q := map[string]float64{}
	star := -1.0
	for _, part := range strings.Split(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		weight := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				weight = parseQ(strings.TrimSpace(v))
			}
		}
		if name == "*" {
			star = weight
		} else {
			q[name] = weight
		}
	}
	weight := func(name string) float64 {
		if w, ok := q[name]; ok {
			return w
		}
		if star >= 0 {
			return star
		}
		return 0
	}
	best, bestQ := "", 0.0
	if haveBr && weight("br") > bestQ {
		best, bestQ = "br", weight("br")
	}
	if haveGzip && weight("gzip") > bestQ {
		best = "gzip"
	}
	return best
}

// parseQ reads a qvalue (0 to 1, at most three decimals); anything else is 0.
func parseQ(v string) float64 {
	if v == "" || len(v) > 5 {
		return 0
	}
	whole, frac, _ := strings.Cut(v, ".")
	if whole != "0" && whole != "1" {
		return 0
	}
	q := float64(whole[0] - '0')
	scale := 0.1
	for _, c := range frac {
		if c < '0' || c > '9' {
			return 0
		}
		q += float64(c-'0') * scale
		scale /= 10
	}
	if q > 1 {
		return 0
	}
	return q
}

// spaHandler serves the built SPA: hashed assets with long-lived caching,
// and index.html (never cached) for every other path so that client-side
// routes survive a reload.
func spaHandler() http.Handler {
	return spaHandlerFS(frontend.Dist())
}

// spaHandlerFS is spaHandler over any build folder. Files are read once,
// at start (the build is embedded in the binary).
func spaHandlerFS(dist fs.FS) http.Handler {
	files := map[string]*spaFile{}
	// The walk never fails: unreadable entries are skipped (index.html has
	// a placeholder below).
	_ = fs.WalkDir(dist, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || name == ".gitkeep" {
			return nil
		}
		if ext := path.Ext(name); ext == ".br" || ext == ".gz" {
			if _, err := fs.Stat(dist, strings.TrimSuffix(name, ext)); err == nil {
				return nil // a compressed copy, served in its file's place
			}
		}
		if data, err := fs.ReadFile(dist, name); err == nil {
			files[name] = newSPAFile(name, data, dist)
		}
		return nil
	})
	index := files["index.html"]
	if index == nil {
		index = newSPAFile("index.html", []byte(placeholderPage), dist)
	}
	index.contentType = "text/html; charset=utf-8"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name != "" && name != "index.html" {
			if f := files[name]; f != nil {
				if strings.HasPrefix(name, "assets/") {
					f.serve(w, r, "public, max-age=31536000, immutable")
				} else {
					f.serve(w, r, "public, max-age=300")
				}
				return
			}
			if strings.HasPrefix(name, "assets/") {
				http.NotFound(w, r)
				return
			}
		}
		index.serve(w, r, "no-cache")
	})
}
