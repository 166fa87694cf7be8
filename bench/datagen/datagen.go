// Package datagen loads a realistic, deterministic dataset for benchmarks:
// tenants in hierarchies, users with memberships and role assignments,
// groups and audit events, with pgx COPY inside one transaction.
//
// The database is migrated and given the catalog first (db.Migrate,
// LoadCatalog); indexes and keys are dropped around the COPYs and rebuilt
// after (which also re-checks every unique and foreign key), then the
// tables are vacuumed and analysed.
package datagen

import (
	"fmt"
	"math"
)

// Config sizes the dataset. Scaled gives the defaults.
type Config struct {
	Users       int
	Tenants     int
	Orgs        int // root tenants; the rest are their sites and child companies
	AuditEvents int
	Seed        uint64
	// AdminPassword, when set, gives the platform administrator and every
	// tenant's first administrator this password (one argon2id hash).
	AdminPassword string
	// Reset replaces existing data; without it a database with tenants or
	// users is refused.
	Reset bool
	// MaintenanceWorkMem is used for the index builds (e.g. "512MB").
	MaintenanceWorkMem string
}

// Full-scale sizes: scale 1.
const (
	FullUsers       = 1_000_000
	FullTenants     = 10_000
	FullAuditEvents = 2_000_000
)

// Scaled returns the default configuration at a scale (1 = 1M users,
// 10k tenants in 2k organisations, 2M audit events).
func Scaled(scale float64) Config {
	round := func(x float64) int { return int(math.Round(x)) }
	c := Config{
		Users:              max(3, round(FullUsers*scale)),
		Tenants:            max(1, round(FullTenants*scale)),
		AuditEvents:        round(FullAuditEvents * scale),
		Seed:               1,
		MaintenanceWorkMem: "512MB",
	}
	c.Orgs = max(1, c.Tenants/5)
	return c
}

func (c Config) validate() error {
	switch {
	case c.Tenants < 1:
		return fmt.Errorf("need at least one tenant")
	case c.Orgs < 1 || c.Orgs > c.Tenants:
		return fmt.Errorf("organisations must be between 1 and the number of tenants (%d), got %d", c.Tenants, c.Orgs)
	case c.Users < c.Tenants+2:
		return fmt.Errorf("need at least %d users for %d tenants (one administrator each, the platform administrator, and one more)", c.Tenants+2, c.Tenants)
	case c.AuditEvents < 0:
		return fmt.Errorf("audit events cannot be negative")
	}
	return nil
}
