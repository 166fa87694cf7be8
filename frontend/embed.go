// Package frontend embeds the built single-page admin app (frontend/dist,
// produced by `npm run build`) so that the server binary serves it.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built app. It holds only .gitkeep until `npm run build`
// has run; the server then serves a placeholder page.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // cannot happen: "dist" is embedded above
	}
	return sub
}
