package domain

import (
	_ "embed"
	"encoding/json"
	"slices"
)

//go:embed audit_actions.json
var auditActionsJSON []byte

// AuditActions lists every action code the audit trail records (R26), in
// the order the admin app offers them. Storage refuses any other code, so a
// new kind of change must be added to audit_actions.json, which the admin
// app's unit tests read to check that each code has a label in every
// language.
var AuditActions = func() []string {
	var out []string
	if err := json.Unmarshal(auditActionsJSON, &out); err != nil {
		panic("domain: audit_actions.json: " + err.Error())
	}
	return out
}()

// IsAuditAction reports whether code is a known audit action.
func IsAuditAction(code string) bool { return slices.Contains(AuditActions, code) }
