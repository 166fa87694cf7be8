package db

import (
	"time"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// Row models. They mirror the migrations and convert to domain types; no
// other package sees them.

type tenantModel struct {
	bun.BaseModel `bun:"table:tenants,alias:t"`

	ID       int64  `bun:"id,pk,autoincrement"`
	ParentID *int64 `bun:"parent_id"`
	// SortKey is the sort key of a tenants list page, as text (FindTenants).
	SortKey        *string   `bun:"sort_key,scanonly"`
	Name           string    `bun:"name"`
	Country        string    `bun:"country"`
	TaxCode        *string   `bun:"tax_code"`
	CertifiedEmail *string   `bun:"certified_email"`
	Version        int       `bun:"version"`
	CreatedAt      time.Time `bun:"created_at,nullzero,default:now()"`
	UpdatedAt      time.Time `bun:"updated_at,nullzero,default:now()"`
	// Legal representative (R20) and password policy (R15), migration 0007.
	LegalRepGivenName  *string `bun:"legal_rep_given_name"`
	LegalRepFamilyName *string `bun:"legal_rep_family_name"`
	LegalRepTaxCode    *string `bun:"legal_rep_tax_code"`
	LegalRepEmail      *string `bun:"legal_rep_email"`
	PasswordMaxAgeDays *int    `bun:"password_max_age_days"`
}

func (m *tenantModel) domain() *domain.Tenant {
	t := &domain.Tenant{
		ID: m.ID, ParentID: m.ParentID, Name: m.Name, Country: m.Country,
		TaxCode: deref(m.TaxCode), CertifiedEmail: deref(m.CertifiedEmail),
		Version: m.Version, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
		PasswordMaxAgeDays: m.PasswordMaxAgeDays,
	}
	if m.LegalRepTaxCode != nil {
		t.LegalRepresentative = &domain.LegalRepresentative{GivenName: deref(m.LegalRepGivenName),
			FamilyName: deref(m.LegalRepFamilyName), TaxCode: *m.LegalRepTaxCode, Email: deref(m.LegalRepEmail)}
	}
	return t
}

type productModel struct {
	bun.BaseModel `bun:"table:products,alias:p"`

	ID          int64  `bun:"id,pk,autoincrement"`
	Code        string `bun:"code"`
	Name        string `bun:"name"`
	Description string `bun:"description"`
	SingleLevel bool   `bun:"single_level"`
}

func (m *productModel) domain() *domain.Product {
	return &domain.Product{ID: m.ID, Code: m.Code, Name: m.Name, Description: m.Description, SingleLevel: m.SingleLevel}
}

type roleModel struct {
	bun.BaseModel `bun:"table:roles,alias:r"`

	ID                 int64    `bun:"id,pk,autoincrement"`
	ProductID          int64    `bun:"product_id"`
	Code               string   `bun:"code"`
	Name               string   `bun:"name"`
	Category           string   `bun:"category"`
	Permissions        []string `bun:"permissions,array"`
	RequiresNomination bool     `bun:"requires_nomination"`
	PersonalDataAccess bool     `bun:"personal_data_access"`
	RequiresSite       bool     `bun:"requires_site"`
	Retired            bool     `bun:"retired"`
	// SingleLevel is the product's (selected with roleColumns).
	SingleLevel bool `bun:"single_level,scanonly"`
}

// roleColumns selects a role with its product's single_level.
func roleColumns(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("r.*").ColumnExpr("(SELECT p.single_level FROM products AS p WHERE p.id = r.product_id) AS single_level")
}

func (m *roleModel) domain() *domain.Role {
	return &domain.Role{
		ID: m.ID, ProductID: m.ProductID, Code: m.Code, Name: m.Name,
		Category: domain.RoleCategory(m.Category), Permissions: m.Permissions,
		RequiresNomination: m.RequiresNomination, PersonalDataAccess: m.PersonalDataAccess,
		RequiresSite: m.RequiresSite, SingleLevel: m.SingleLevel, Retired: m.Retired,
	}
}

type userModel struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID            int64      `bun:"id,pk,autoincrement"`
	UID           string     `bun:"uid,nullzero,default:gen_random_uuid()"`
	Kind          string     `bun:"kind"`
	Username      string     `bun:"username"`
	TaxCode       *string    `bun:"tax_code"`
	TaxCountry    *string    `bun:"tax_country"`
	GivenName     string     `bun:"given_name"`
	FamilyName    string     `bun:"family_name"`
	NameVerified  bool       `bun:"name_verified"`
	Email         *string    `bun:"email"`
	EmailVerified bool       `bun:"email_verified"`
	Phone         *string    `bun:"phone"`
	Gender        *string    `bun:"gender"`
	BirthDate     *time.Time `bun:"birth_date,type:date"`
	Language      string     `bun:"language"`
	TimeZone      string     `bun:"time_zone"`
	Status        string     `bun:"status"`
	HomeTenantID  *int64     `bun:"home_tenant_id"`
	PlatformAdmin bool       `bun:"platform_admin"`
	Version       int        `bun:"version"`
	CreatedAt     time.Time  `bun:"created_at,nullzero,default:now()"`
	UpdatedAt     time.Time  `bun:"updated_at,nullzero,default:now()"`
	// LastLoginAt is set by login (migration 0007; R25's inactivity flag).
	LastLoginAt *time.Time `bun:"last_login_at"`
	// SortKey is the sort key of a users list page, as text (FindUsers).
	SortKey *string `bun:"sort_key,scanonly"`
}

func (m *userModel) domain() *domain.User {
	return &domain.User{
		ID: m.ID, UID: m.UID, Kind: domain.UserKind(m.Kind), Username: m.Username,
		TaxCode: deref(m.TaxCode), TaxCountry: deref(m.TaxCountry),
		GivenName: m.GivenName, FamilyName: m.FamilyName, NameVerified: m.NameVerified,
		Email: deref(m.Email), EmailVerified: m.EmailVerified, Phone: deref(m.Phone),
		Gender: deref(m.Gender), BirthDate: dateText(m.BirthDate),
		Language: m.Language, TimeZone: m.TimeZone, Status: domain.UserStatus(m.Status),
		HomeTenantID: derefInt(m.HomeTenantID), PlatformAdmin: m.PlatformAdmin,
		Version: m.Version, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
		LastSignInAt: m.LastLoginAt,
	}
}

// dateText is a date column as YYYY-MM-DD ("" for NULL).
func dateText(d *time.Time) string {
	if d == nil {
		return ""
	}
	return d.Format(time.DateOnly)
}

// parseDate is the reverse of dateText.
func parseDate(s string) *time.Time {
	if s == "" {
		return nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil
	}
	return &d
}

type membershipModel struct {
	bun.BaseModel `bun:"table:memberships,alias:m"`

	ID        int64     `bun:"id,pk,autoincrement"`
	TenantID  int64     `bun:"tenant_id"`
	UserID    int64     `bun:"user_id"`
	CreatedAt time.Time `bun:"created_at,nullzero,default:now()"`
	// Username is a copy of users.username kept by a trigger (migration
	// 0005) for the users page's index order; never set it here.
	Username string `bun:"username,nullzero"`
}

func (m *membershipModel) domain() *domain.Membership {
	return &domain.Membership{ID: m.ID, TenantID: m.TenantID, UserID: m.UserID, CreatedAt: m.CreatedAt}
}

type roleAssignmentModel struct {
	bun.BaseModel `bun:"table:role_assignments,alias:ra"`

	ID           int64     `bun:"id,pk,autoincrement"`
	MembershipID int64     `bun:"membership_id"`
	TenantID     int64     `bun:"tenant_id"`
	UserID       int64     `bun:"user_id"`
	ProductID    int64     `bun:"product_id"`
	RoleID       int64     `bun:"role_id"`
	Category     string    `bun:"category"`
	Status       string    `bun:"status"`
	CreatedAt    time.Time `bun:"created_at,nullzero,default:now()"`
	UpdatedAt    time.Time `bun:"updated_at,nullzero,default:now()"`
}

func (m *roleAssignmentModel) domain() *domain.RoleAssignment {
	return &domain.RoleAssignment{
		ID: m.ID, MembershipID: m.MembershipID, TenantID: m.TenantID, UserID: m.UserID,
		ProductID: m.ProductID, RoleID: m.RoleID, Category: domain.RoleCategory(m.Category),
		Status: domain.AssignmentStatus(m.Status), CreatedAt: m.CreatedAt,
	}
}

type auditEventModel struct {
	bun.BaseModel `bun:"table:audit_events,alias:ae"`

	ID         int64          `bun:"id,pk,autoincrement"`
	TenantID   *int64         `bun:"tenant_id"`
	ActorID    *int64         `bun:"actor_id"`
	ActorLabel string         `bun:"actor_label"`
	Action     string         `bun:"action"`
	TargetType string         `bun:"target_type"`
	TargetID   *int64         `bun:"target_id"`
	Before     map[string]any `bun:"before,type:jsonb"`
	After      map[string]any `bun:"after,type:jsonb"`
	IP         string         `bun:"ip"`
	UserAgent  string         `bun:"user_agent"`
	RequestID  string         `bun:"request_id"`
	CreatedAt  time.Time      `bun:"created_at,nullzero,default:now()"`
	// SubjectUserID is computed by reads (auditSubjectUserSQL), never stored.
	SubjectUserID *int64 `bun:"subject_user_id,scanonly"`
	// SortKey is the sort key of an audit trail page, as text (FindAuditEvents).
	SortKey *string `bun:"sort_key,scanonly"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt(i *int64) int64 {
	if i == nil {
		return 0
	}
	return *i
}

// nullable turns "" into NULL so that partial unique indexes ignore it.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
