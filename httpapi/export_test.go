package httpapi

// FilterEnums are the enum values the users-list export's parameters
// accept, for the external tests.
func FilterEnums() (categories, statuses, assignments []string) {
	for _, c := range filterCategories {
		categories = append(categories, string(c))
	}
	for _, s := range filterStatuses {
		statuses = append(statuses, string(s))
	}
	for _, a := range filterAssignment {
		assignments = append(assignments, string(a))
	}
	return categories, statuses, assignments
}
