package auth

// TeamRoles are the roles of a data breach response team (seed 001,
// Part 3), as stable ids with their words.
var TeamRoles = []struct{ ID, Label, Duty string }{
	{"team_leader", "Team leader", "leads the team and reports to the executive"},
	{"project_manager", "Project manager", "coordinates the work of the team"},
	{"privacy_officer", "Privacy officer", "privacy expertise and breach handling experience"},
	{"information_security", "Information security", "technical security expertise"},
	{"legal", "Legal", "identifies legal obligations and advises"},
	{"it", "IT support", "helps investigate breaches of IT systems"},
	{"business_area", "Business area representative", "operational information from where the breach happened"},
	{"human_resources", "Human resources", "advice where a staff member's actions are involved"},
	{"communications", "Communications", "communicating with affected people, the media and others"},
}

// TeamRoleLabel names a team role id.
func TeamRoleLabel(id string) string {
	for _, r := range TeamRoles {
		if r.ID == id {
			return r.Label
		}
	}
	return ""
}
