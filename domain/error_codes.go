package domain

import "sort"

// ErrorCodeInfo is one stable, documented reason code of the API: the value
// of UserError.code (the GraphQL enum UserErrorCode) and of a GraphQL
// error's extensions.reason.
type ErrorCodeInfo struct {
	Code        string
	Description string
}

// ErrorCodes is the one list of the reason codes the server may emit. The
// GraphQL enum UserErrorCode is generated from it (cmd/errorschema), and a
// test (graph/errorcheck) fails when Go code writes a reason that is not
// here. A code, once released, keeps its name and meaning: add new codes,
// never rename one (CHANGELOG.md records removals as breaking changes).
//
// CONFLICT and BAD_USER_INPUT are the codes of a business failure that has
// no more precise reason (an Error with Code ECONFLICT or EINVALID and no
// Reason).
var ErrorCodes = []ErrorCodeInfo{
	// Generic.
	{ECONFLICT, "The object changed meanwhile or the change conflicts with existing data: reload and try again."},
	{EINVALID, "The input breaks a rule that has no more precise code; the message says which."},
	{EFORBIDDEN, "In a bulk action's userErrors only: the viewer may not act on this user (elsewhere a refusal is a GraphQL error)."},
	{ENOTFOUND, "In a bulk action's userErrors only: the user does not exist or is not visible (elsewhere a GraphQL error)."},
	{"INVALID_ID", "An ID is not a valid global ID of the expected type."},
	{"UNKNOWN_ROLE", "The role ID names no role."},
	{"USER_NOT_FOUND", "The user ID names no user the viewer can reach."},

	// Paging and filters (also extensions.reason of query errors).
	{"INVALID_CURSOR", "The cursor was not made by this list, with these arguments."},
	{"CURSOR_EXPIRED", "The event cursor is older than the events the server still keeps."},
	{"INVALID_PAGE_SIZE", "first or last is outside 1 to 100."},
	{"NEGATIVE_PAGE_SIZE", "A page size is negative."},
	{"PAGE_TOO_LARGE", "A page size is above the maximum."},
	{"FIRST_AND_LAST", "first and last were both given."},
	{"BACKWARD_PAGING_UNSUPPORTED", "This list pages forward only: last and before are not accepted."},
	{"TOO_MANY_IDS", "More IDs than one call accepts."},
	{"SEARCH_TOO_LONG", "The search text is longer than 200 characters."},
	{"INVALID_FILTER", "A filter value is not valid (unknown value, malformed time or IP prefix, days out of range)."},
	{"INVALID_TIME_RANGE", "The start of a time range is not before its end."},
	{"INVALID_ACTION", "The audit action filter is longer than 100 characters."},
	{"INVALID_CATEGORY", "Unknown category of findings."},
	{"PERSONAL_DATA_ORDER", "Ordering by personal data the viewer may not see."},

	// People: names, contacts and personal data.
	{"USERNAME_TOO_SHORT", "The username is shorter than the minimum length."},
	{"USERNAME_TOO_LONG", "The username is longer than the maximum length."},
	{"USERNAME_INVALID_CHARACTER", "The username contains a character other than letters, digits, dot, dash and underscore."},
	{"USERNAME_TAKEN", "Another account has this username."},
	{"INVALID_NAME", "A name is empty, too long or contains invalid or invisible characters."},
	{"NAME_VERIFIED", "The names were verified by an identity provider and cannot be edited."},
	{"INVALID_EMAIL", "The e-mail address is not valid."},
	{"INVALID_PHONE", "The phone number is not valid (6 to 15 digits, optional leading +)."},
	{"INVALID_COUNTRY", "The country is not a two-letter ISO 3166 code."},
	{"INVALID_GENDER", "The gender is not FEMALE, MALE or OTHER."},
	{"INVALID_BIRTH_DATE", "The birth date is not a date from 1900 to today written YYYY-MM-DD."},
	{"INVALID_TAX_CODE", "The tax code is not valid for its country."},
	{"TAX_CODE_IMMUTABLE", "The tax code (or its country) cannot change once set."},
	{"TAX_CODE_HAS_ACCOUNT", "Another account has this tax code."},
	{"INVALID_LANGUAGE", "The language is not one of it, fr, en."},
	{"INVALID_TIME_ZONE", "The time zone is not an IANA time zone."},
	{"NOTHING_TO_CHANGE", "The new value equals the current one."},
	{"INVALID_TOKEN", "The link's token is invalid, used or expired."},
	{"NO_EMAIL", "The user has no e-mail address to write to."},

	// Memberships, roles and groups.
	{"NO_MATCHING_ACCOUNT", "No account matches the username and tax code given."},
	{"ALREADY_MEMBER", "The user is already a member of this tenant."},
	{"NOT_A_MEMBER", "The user is not a member of this tenant."},
	{"OTHER_ORGANISATION", "Users are attached to sites of their own organisation only."},
	{"ROLE_NOT_OF_PRODUCT", "The role does not belong to the product."},
	{"ROLE_RETIRED", "The role is no longer offered."},
	{"ROLE_ALREADY_ASSIGNED", "The user already has this role."},
	{"CATEGORY_CONFLICT", "A user cannot hold ADMIN and OPERATOR roles on the same product in the same tenant."},
	{"ONE_LEVEL_PER_MODULE", "The user already has another level of this module."},
	{"NOT_A_LEVEL", "The role is not a level of a module."},
	{"SITE_REQUIRED", "This role is assigned on a site (a child tenant), not on the organisation."},
	{"NOMINATION_REQUIRED", "This role is given by nomination only (startNomination)."},
	{"NO_NOMINATION_NEEDED", "This role needs no nomination: assign it directly."},
	{"ALREADY_ONBOARDED", "The tenant already has an administrator."},
	{"INVALID_REASON", "The reason is missing or not 3 to 500 characters."},
	{"ALREADY_SUSPENDED", "The account or role is already suspended."},
	{"NOT_SUSPENDED", "The account or role is not suspended."},
	{"GROUP_NAME_TAKEN", "Another group of this tenant and product has this name."},
	{"GROUP_INACTIVE", "Users can be added to active groups only."},
	{"NOT_ON_PRODUCT", "The user has no role on the group's product in its tenant."},
	{"ALREADY_IN_GROUP", "The user is already in this group."},
	{"NOT_IN_GROUP", "The user is not in this group."},
	{"TOO_FEW_USERS", "A bulk action needs at least one user."},
	{"TOO_MANY_USERS", "A bulk action takes at most 100 users."},
	{"DUPLICATE_USER", "A user is listed more than once."},

	// Tenants.
	{"TENANT_TAX_CODE_TAKEN", "Another tenant of this country has this tax code."},
	{"INVALID_PASSWORD_LIFETIME", "The password lifetime is outside the allowed bounds."},

	// Sign-in, passwords, sessions and second factor.
	{"INVALID_SETUP_TOKEN", "The setup token is not the one the server printed."},
	{"ALREADY_SET_UP", "A platform administrator already exists."},
	{"INVALID_CREDENTIALS", "The username or password is wrong."},
	{"ACCOUNT_LOCKED", "The account is locked after too many failed sign-ins."},
	{"ACCOUNT_SUSPENDED", "The account is suspended."},
	{"COOKIES_UNAVAILABLE", "A cookie session is started over HTTP POST only; ask for a bearer token here."},
	{"TOTP_REQUIRED", "The account has a second factor: send its current code."},
	{"TOTP_INVALID", "The second-factor code is wrong."},
	{"TOTP_ALREADY_ENROLLED", "The account already has a second factor."},
	{"TOTP_NOT_STARTED", "Confirming a second factor whose enrolment was not started."},
	{"TOTP_ENROLLMENT_CHANGED", "The enrolment changed meanwhile: start again."},
	{"PASSWORD_EXPIRED", "The password is right but expired: change it (changeExpiredPassword)."},
	{"PASSWORD_CHANGE_REQUIRED", "The password is right but must be changed first (changeExpiredPassword)."},
	{"PASSWORD_TOO_SHORT", "The password is shorter than the policy's minimum."},
	{"PASSWORD_TOO_LONG", "The password is longer than the maximum."},
	{"PASSWORD_COMMON", "The password is among the most common ones."},
	{"PASSWORD_CONTAINS_USERNAME", "The password contains the username, name or e-mail."},
	{"PASSWORD_REPETITIVE", "The password is one repeated character or sequence."},
	{"PASSWORD_REUSED", "The new password equals the current one."},
	{"SESSION_NOT_FOUND", "The viewer has no such session."},
	{"INVITATION_INVALID", "The invitation link is not valid."},
	{"INVITATION_EXPIRED", "The invitation has expired: ask for a new one."},
	{"INVITATION_USED", "The invitation was already used."},
	{"INVITATION_REVOKED", "The invitation was replaced by a newer one."},
	{"NOT_INVITED", "The user already activated the account: there is no invitation to resend."},
	{"USER_INVITED", "The user has not activated the account yet: resend the invitation instead."},
	{"NOT_LOCKED", "The account is not locked."},
	{"RESET_TOKEN_INVALID", "The password reset link is not valid."},
	{"RESET_TOKEN_EXPIRED", "The password reset link has expired."},
	{"RESET_TOKEN_USED", "The password reset link was already used."},

	// Service accounts.
	{"SERVICE_ACCOUNT_NOT_FOUND", "No such service account."},
	{"DESCRIPTION_TOO_LONG", "The description is longer than 500 characters."},
	{"INVALID_TOKEN_NAME", "The token name is empty or longer than 100 characters."},
	{"EXPIRY_IN_PAST", "The expiry is not in the future."},
	{"EXPIRY_TOO_FAR", "A token lives at most 366 days."},
	{"TOO_MANY_TOKENS", "The service account has the most active tokens it may have."},
	{"TOKEN_NOT_FOUND", "No such token."},
	{"TOKEN_NOT_ACTIVE", "The token is revoked or expired."},
	{"TOKEN_ALREADY_REVOKED", "The token is already revoked."},
	{"INVALID_OVERLAP", "The overlap of a rotated token is outside the allowed range."},

	// Oversight: nominations and digests.
	{"NOMINATION_NOT_FOUND", "No such nomination."},
	{"NOMINATION_NOT_REQUIRED", "The role is assigned directly; it needs no nomination."},
	{"NOMINATION_PENDING", "A nomination of this user for this role is already waiting for signature."},
	{"NOMINEE_NOT_A_PERSON", "Only a person can be nominated."},
	{"TENANT_HAS_NO_CERTIFIED_EMAIL", "The tenant has no certified e-mail (PEC) to send the nomination to."},
	{"LEGAL_REPRESENTATIVE_CHANGE_NEEDS_CONFIRMATION", "The legal representative differs from the tenant's: confirm the change."},
	{"TOKEN_OR_NOMINATION_ID", "Give either the link's token or the nomination's ID, not both or neither."},
	{"REASON_TOO_LONG", "The reason is longer than 500 characters."},
	{"NOMINATION_LINK_INVALID", "The nomination link is not valid."},
	{"NOMINATION_EXPIRED", "The nomination has expired."},
	{"NOMINATION_CLOSED", "The nomination was already decided."},
	{"TOO_MANY_FAILED_UPLOADS", "Too many refused signed files for this nomination: it is closed."},
	{"FILE_MISSING", "No signed file was attached."},
	{"UNREADABLE", "The upload could not be read."},
	{"SIGNATURE_MALFORMED", "The file is not a readable CAdES (.p7m) signature."},
	{"SIGNATURE_DETACHED", "The signature does not contain the signed document."},
	{"SIGNATURE_SIGNER_COUNT", "The file has not exactly one signer."},
	{"SIGNER_CERTIFICATE_MISSING", "The signer's certificate is not in the file."},
	{"SIGNED_ATTRIBUTES_MISSING", "The signature has no signed attributes."},
	{"SIGNATURE_ALGORITHM_WEAK", "The signature uses a weak algorithm."},
	{"CERTIFICATE_NOT_VALID_AT_SIGNING_TIME", "The signer's certificate was not valid when it signed."},
	{"SIGNATURE_INVALID", "The signature does not verify."},
	{"FORM_MISMATCH", "The signed document is not the nomination form that was sent."},
	{"CERTIFICATE_UNTRUSTED", "The signer's certificate is not issued by a trusted authority."},
	{"SIGNING_CERTIFICATE_MISMATCH", "The signing-certificate attribute does not match the signer's certificate."},
	{"TAX_CODE_MISMATCH", "The signer is not the legal representative named in the nomination."},
	{"INVALID_PERIOD", "The period is not a month written YYYY-MM that has started."},
	{"PERIOD_NOT_ENDED", "The digest covers a month that has ended."},

	// Event streams (extensions.reason of UNAVAILABLE errors).
	{"SLOW_CONSUMER", "The subscriber read too slowly and was disconnected; resubscribe from the last cursor."},
	{"SHUTTING_DOWN", "The server is shutting down; resubscribe from the last cursor."},
}

// IsErrorCode reports whether code is one of ErrorCodes.
func IsErrorCode(code string) bool {
	_, ok := errorCodeSet[code]
	return ok
}

var errorCodeSet = func() map[string]struct{} {
	m := make(map[string]struct{}, len(ErrorCodes))
	for _, c := range ErrorCodes {
		m[c.Code] = struct{}{}
	}
	return m
}()

// SortedErrorCodes returns ErrorCodes ordered by code.
func SortedErrorCodes() []ErrorCodeInfo {
	out := append([]ErrorCodeInfo(nil), ErrorCodes...)
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
