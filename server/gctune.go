package main

import (
	"os"
	"runtime/debug"
)

// tuneGC sets the collector's defaults for a server unless GOGC or
// GOMEMLIMIT are given. A GraphQL request is mostly short-lived garbage (a
// users page of 50 with roles allocates a few MB) over a small live heap,
// so with Go's default GOGC=100 the collector ran several times per page:
// about 35 % of the server's CPU per page (BENCHMARKS.md, profile of the
// users page). GOGC=400 lets the heap grow to five times the live heap
// between collections; the 1 GiB soft limit makes the collector work
// harder instead when that would exceed it (many subscriptions).
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(1 << 30)
	}
}
