// Command gqlgen is gqlgen's code generation (go run ./cmd/gqlgen from the
// module root, as `go generate ./graph/` does) with one change: the fields
// of an object below the root resolve one after the other in the object's
// goroutine instead of one goroutine per resolver field.
//
// Why: gqlgen starts a goroutine for every field bound to a resolver, and
// most of ours are cheap (ids, enums, personal-data checks against primed
// loaders, catalog lookups). A users page of 50 with memberships and roles
// started about 1,300 goroutines, and their creation, stack growth and
// scheduling were most of the server's CPU time per page (BENCHMARKS.md,
// profile of the users page). Elements of a list are still marshalled
// concurrently, so sibling objects still meet in the dataloaders' batches.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

// sequentialFields turns off per-field concurrency on non-root objects.
type sequentialFields struct{}

func (sequentialFields) Name() string { return "sequential-fields" }

func (sequentialFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if !o.Root {
			o.DisableConcurrency = true
		}
	}
	return nil
}

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if errors.Is(err, fs.ErrNotExist) {
		cfg, err = config.LoadDefaultConfig()
	}
	if err == nil {
		err = api.Generate(cfg, api.AddPlugin(sequentialFields{}))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gqlgen:", err)
		os.Exit(1)
	}
}
