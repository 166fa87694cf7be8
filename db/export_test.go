package db

import (
	"context"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

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

// BunReference reads rows the way every read did before pgxRead: bun's
// model scanner over database/sql. TestPgxReadsMatchBun compares them.
type BunReference struct{ DB *DB }

func (r BunReference) Users(ctx context.Context, ids []int64) ([]*domain.User, error) {
	var rows []userModel
	err := r.DB.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Order("id").Scan(ctx)
	return mapModels(rows, err, (*userModel).domain)
}

func (r BunReference) Memberships(ctx context.Context, userIDs []int64) ([]*domain.Membership, error) {
	var rows []membershipModel
	err := r.DB.NewSelect().Model(&rows).Where("user_id IN (?)", bun.List(userIDs)).Order("tenant_id").Scan(ctx)
	return mapModels(rows, err, (*membershipModel).domain)
}

func (r BunReference) RoleAssignments(ctx context.Context, membershipIDs []int64) ([]*domain.RoleAssignment, error) {
	var rows []roleAssignmentModel
	err := r.DB.NewSelect().Model(&rows).Where("membership_id IN (?)", bun.List(membershipIDs)).Order("product_id", "id").Scan(ctx)
	return mapModels(rows, err, (*roleAssignmentModel).domain)
}

func (r BunReference) Tenants(ctx context.Context, ids []int64) ([]*domain.Tenant, error) {
	var rows []tenantModel
	err := r.DB.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Order("id").Scan(ctx)
	return mapModels(rows, err, (*tenantModel).domain)
}

func mapModels[M, D any](rows []M, err error, conv func(*M) *D) ([]*D, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*D, len(rows))
	for i := range rows {
		out[i] = conv(&rows[i])
	}
	return out, nil
}

// SetDistinctInputRows changes how many rows per user a DISTINCT count
// reads before it falls back to the bounded DISTINCT list, so that a test
// takes both ways; it returns the undo.
func SetDistinctInputRows(n int) func() {
	old := distinctInputRows
	distinctInputRows = n
	return func() { distinctInputRows = old }
}

// SetBatchScopeLimit changes the largest scope whose page relations are
// read in one batch, for tests; it returns the function restoring it.
func SetBatchScopeLimit(n int) func() {
	old := batchScopeLimit
	batchScopeLimit = n
	return func() { batchScopeLimit = old }
}
