package db

import (
	"context"

	"tenantadmin/domain"
)

// CatalogService reads products and roles. The catalog is small and the
// same for every tenant, so it is read whole.
type CatalogService struct{ db *DB }

func NewCatalogService(db *DB) *CatalogService { return &CatalogService{db: db} }

// Products returns every product ordered by name.
func (s *CatalogService) Products(ctx context.Context) ([]*domain.Product, error) {
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

// Roles returns every role ordered by product, category and name.
func (s *CatalogService) Roles(ctx context.Context) ([]*domain.Role, error) {
	var rows []roleModel
	if err := s.db.NewSelect().Model(&rows).Order("product_id", "category", "name").Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	out := make([]*domain.Role, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}
