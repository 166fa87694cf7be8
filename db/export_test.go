package db

// SetFewHolders changes the selectivity threshold of role filters for a
// test, so that both plans of a page are exercised; it returns the undo.
func SetFewHolders(n int) func() {
	old := fewHolders
	fewHolders = n
	return func() { fewHolders = old }
}

// BelieveReplicasHealthy marks every replica reachable again, as a poll
// that has not yet noticed a death would leave it.
func (db *DB) BelieveReplicasHealthy() {
	for _, r := range db.replicas.replicas {
		r.mu.Lock()
		r.healthy = true
		r.mu.Unlock()
	}
}

// SetUserListExportPage changes how many users StreamUserList reads at a
// time, so that a test crosses pages; it returns the undo.
func SetUserListExportPage(n int) func() {
	old := userListExportPage
	userListExportPage = n
	return func() { userListExportPage = old }
}

// UnlockAdvisory is unlockAdvisory, for the test of a failed unlock.
var UnlockAdvisory = unlockAdvisory
