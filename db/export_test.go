package db

// SetFewHolders changes the selectivity threshold of role filters for a
// test, so that both plans of a page are exercised; it returns the undo.
func SetFewHolders(n int) func() {
	old := fewHolders
	fewHolders = n
	return func() { fewHolders = old }
}
