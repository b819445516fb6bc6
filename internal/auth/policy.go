package auth

// Permission is something a person may be allowed to do.
type Permission string

// The permissions. Each route of the web and the API requires exactly one.
const (
	ReportIncident Permission = "incident.report"   // report a breach or near miss
	ViewIncident   Permission = "incident.view"     // see incidents they may see
	ViewAll        Permission = "incident.view_all" // see every incident, not only their own
	WorkIncident   Permission = "incident.work"     // tick tasks, add notes and evidence, move steps
	TriageIncident Permission = "incident.triage"   // classify, assign, escalate
	CloseIncident  Permission = "incident.close"    // close after review
	OverrideClose  Permission = "incident.override" // close before review, with a reason
	ExportIncident Permission = "incident.export"   // export dossiers
	ViewAudit      Permission = "audit.view"        // read the audit trail
	ManageUsers    Permission = "users.manage"      // add, change and disable accounts
	ManageOrg      Permission = "org.manage"        // change organisation settings
	UseAPI         Permission = "api.tokens"        // create API tokens
	EditTemplates  Permission = "notice.templates"  // edit the organisation's notice templates
	EditPlan       Permission = "plan.edit"         // write new versions of the response plan
	SendNotices    Permission = "notice.send"       // start, pause and cancel notices to people; print letters
)

// grants is the whole policy: which role may do what. Reporters may report
// and see their own reports; viewers read; responders work the incidents
// they take part in; privacy officers run the response; administrators
// also manage accounts and may override closing rules.
var grants = map[Role]map[Permission]bool{
	Reporter:       set(ReportIncident, ViewIncident),
	Viewer:         set(ReportIncident, ViewIncident, ViewAll, ExportIncident, ViewAudit),
	Responder:      set(ReportIncident, ViewIncident, WorkIncident, ExportIncident, ViewAudit, UseAPI),
	PrivacyOfficer: set(ReportIncident, ViewIncident, ViewAll, WorkIncident, TriageIncident, CloseIncident, ExportIncident, ViewAudit, UseAPI, EditTemplates, EditPlan, SendNotices),
	Admin:          set(ReportIncident, ViewIncident, ViewAll, WorkIncident, TriageIncident, CloseIncident, OverrideClose, ExportIncident, ViewAudit, ManageUsers, ManageOrg, UseAPI, EditTemplates, EditPlan, SendNotices),
}

func set(ps ...Permission) map[Permission]bool {
	m := make(map[Permission]bool, len(ps))
	for _, p := range ps {
		m[p] = true
	}
	return m
}

// Can says whether a user may do p at all. Whether they may do it to one
// particular incident is IncidentAccess's question.
func (u *User) Can(p Permission) bool {
	return u != nil && !u.Disabled && grants[u.Role][p]
}

// Access is what a user may do with one incident.
type Access int

// Levels of access to one incident.
const (
	NoAccess Access = iota // the incident does not exist for them
	ReadAccess
	WorkAccess
)

// IncidentAccess decides a user's access to one incident, given whether
// they reported it and whether they own or take part in it. Least
// privilege: a reporter sees only their own reports, a responder works
// only the incidents they take part in.
func (u *User) IncidentAccess(reported, participates bool) Access {
	switch {
	case u == nil || u.Disabled:
		return NoAccess
	case u.Can(ViewAll) && u.Can(WorkIncident):
		return WorkAccess
	case u.Role == Responder && participates:
		return WorkAccess
	case u.Can(ViewAll) || participates || reported:
		return ReadAccess
	}
	return NoAccess
}

// SeesReportsOnly says whether the user's incident list holds only the
// reports they made (true) or also those they take part in.
func (u *User) SeesReportsOnly() bool { return u.Role == Reporter }
