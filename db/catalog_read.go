package db

import (
	"context"
	"sync"
	"time"

	"tenantadmin/domain"
)

// CatalogService reads products and roles. The catalog is small and the
// same for every tenant, so it is read whole.
//
// It is written only by LoadCatalog when a replica starts, so it is kept in
// memory: every GraphQL request reading roles used to load it (two queries
// and their scanning, about a tenth of a users page's server time). A
// LoadCatalog through the same handle drops the copy at once; one by
// another replica (started with a new catalog file) is seen within
// catalogTTL.
type CatalogService struct {
	db *DB

	mu       sync.Mutex
	version  int64 // db.catalogVersion when loaded
	loadedAt time.Time
	products []*domain.Product
	roles    []*domain.Role
}

// catalogTTL bounds how long a catalog changed by another replica's start
// goes unseen.
const catalogTTL = 30 * time.Second

func NewCatalogService(db *DB) *CatalogService { return &CatalogService{db: db} }

// cached returns the catalog, loading it when missing, stale or replaced.
// Callers share the returned values and must not modify them.
func (s *CatalogService) cached(ctx context.Context) ([]*domain.Product, []*domain.Role, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	version := s.db.catalogVersion.Load()
	if s.products != nil && s.version == version && time.Since(s.loadedAt) < catalogTTL {
		return s.products, s.roles, nil
	}
	products, err := s.loadProducts(ctx)
	if err != nil {
		return nil, nil, err
	}
	roles, err := s.loadRoles(ctx)
	if err != nil {
		return nil, nil, err
	}
	s.products, s.roles, s.version, s.loadedAt = products, roles, version, time.Now()
	return products, roles, nil
}

// Products returns every product ordered by name.
func (s *CatalogService) Products(ctx context.Context) ([]*domain.Product, error) {
	products, _, err := s.cached(ctx)
	return products, err
}

// Roles returns every role ordered by product, category and name.
func (s *CatalogService) Roles(ctx context.Context) ([]*domain.Role, error) {
	_, roles, err := s.cached(ctx)
	return roles, err
}

func (s *CatalogService) loadProducts(ctx context.Context) ([]*domain.Product, error) {
	var rows []productModel
	if err := s.db.NewSelect().Model(&rows).Order("name", "id").Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	out := make([]*domain.Product, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

func (s *CatalogService) loadRoles(ctx context.Context) ([]*domain.Role, error) {
	var rows []roleModel
	if err := roleColumns(s.db.NewSelect().Model(&rows)).Order("product_id", "category", "name").Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	out := make([]*domain.Role, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}
