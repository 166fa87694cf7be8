package graph

// HotPathServed is how many answers the users page's fast path wrote in
// this process: external tests check that their requests took it.
func HotPathServed() int64 { return hotPathServed.Load() }
