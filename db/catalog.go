package db

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"go.yaml.in/yaml/v3"

	"tenantadmin/domain"
)

// DefaultCatalog is the checked-in sample catalog (the seeds' products).
//
//go:embed catalog.yaml
var DefaultCatalog []byte

type catalogFile struct {
	Products []struct {
		Code        string `yaml:"code"`
		Name        string `yaml:"name"`
		Description string `yaml:"description"`
		// SingleLevel: the roles are levels of a module, one per member.
		SingleLevel bool `yaml:"singleLevel"`
		Roles       []struct {
			Code               string   `yaml:"code"`
			Name               string   `yaml:"name"`
			Category           string   `yaml:"category"`
			Permissions        []string `yaml:"permissions"`
			RequiresNomination bool     `yaml:"requiresNomination"`
			PersonalDataAccess *bool    `yaml:"personalDataAccess"`
			RequiresSite       bool     `yaml:"requiresSite"`
		} `yaml:"roles"`
	} `yaml:"products"`
}

// LoadCatalog upserts the products and roles of a catalog YAML document by
// code, in one transaction, so that it can run at every start.
func (db *DB) LoadCatalog(ctx context.Context, doc []byte) error {
	var file catalogFile
	if err := yaml.Unmarshal(doc, &file); err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	defer db.catalogVersion.Add(1)
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, p := range file.Products {
			if p.Code == "" || p.Name == "" {
				return fmt.Errorf("catalog: product without code or name")
			}
			product := &productModel{Code: p.Code, Name: p.Name, Description: p.Description, SingleLevel: p.SingleLevel}
			if _, err := tx.NewInsert().Model(product).
				On("CONFLICT (code) DO UPDATE").
				Set("name = EXCLUDED.name, description = EXCLUDED.description, single_level = EXCLUDED.single_level").
				Returning("id").Exec(ctx); err != nil {
				return fmt.Errorf("catalog product %s: %w", p.Code, err)
			}
			codes := make([]string, 0, len(p.Roles))
			for _, r := range p.Roles {
				codes = append(codes, r.Code)
			}
			// A role the file no longer lists is retired, one it lists (again) is not.
			if _, err := tx.NewUpdate().Model((*roleModel)(nil)).Set("retired = NOT (code = ANY(?))", pgdialect.Array(codes)).
				Where("product_id = ?", product.ID).Exec(ctx); err != nil {
				return fmt.Errorf("catalog product %s: %w", p.Code, err)
			}
			for _, r := range p.Roles {
				category := domain.RoleCategory(r.Category)
				if category != domain.CategoryAdmin && category != domain.CategoryOperator {
					return fmt.Errorf("catalog role %s/%s: category must be ADMIN or OPERATOR", p.Code, r.Code)
				}
				personalData := r.PersonalDataAccess == nil || *r.PersonalDataAccess
				role := &roleModel{
					ProductID: product.ID, Code: r.Code, Name: r.Name, Category: string(category),
					Permissions: append([]string{}, r.Permissions...), RequiresNomination: r.RequiresNomination,
					PersonalDataAccess: personalData, RequiresSite: r.RequiresSite,
				}
				// The category of an existing role is not changed here: its
				// assignments were checked against the old one (R9).
				if _, err := tx.NewInsert().Model(role).
					On("CONFLICT (product_id, code) DO UPDATE").
					Set("name = EXCLUDED.name, permissions = EXCLUDED.permissions").
					Set("requires_nomination = EXCLUDED.requires_nomination").
					Set("personal_data_access = EXCLUDED.personal_data_access, requires_site = EXCLUDED.requires_site").
					Exec(ctx); err != nil {
					return fmt.Errorf("catalog role %s/%s: %w", p.Code, r.Code, err)
				}
			}
		}
		return nil
	})
}
