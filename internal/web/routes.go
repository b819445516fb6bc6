package web

import (
	"io/fs"
	"net/http"

	"github.com/breachdesk/breachdesk/internal/auth"
)

// routes lists every route with the permission it requires. Public routes
// are only the sign-in, first-run setup, the quick check (which stores
// nothing), published public notices, the staff awareness page, static
// files and health check.
func (s *Server) routes() {
	m := s.mux
	static, _ := fs.Sub(staticFS, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	m.HandleFunc("GET /login", s.public(s.loginForm))
	m.HandleFunc("POST /login", s.public(s.login))
	m.HandleFunc("GET /setup", s.public(s.setupForm))
	m.HandleFunc("GET /check", s.public(s.quickCheck))
	m.HandleFunc("GET /notices/{slug}", s.publicNotice)
	m.HandleFunc("GET /staff", s.staffPage)
	m.HandleFunc("POST /check", s.public(s.quickCheck))
	m.HandleFunc("POST /setup", s.public(s.setup))
	m.HandleFunc("POST /logout", s.page(auth.ViewIncident, s.logout))
	m.HandleFunc("GET /{$}", s.page(auth.ViewIncident, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/incidents", http.StatusSeeOther)
	}))

	m.HandleFunc("GET /report", s.page(auth.ReportIncident, s.reportForm))
	m.HandleFunc("POST /report", s.page(auth.ReportIncident, s.report))
	m.HandleFunc("GET /incidents", s.page(auth.ViewIncident, s.incidentList))
	m.HandleFunc("GET /incidents/{id}", s.page(auth.ViewIncident, s.incidentPage))
	m.HandleFunc("POST /incidents/{id}/triage", s.page(auth.TriageIncident, s.triage))
	m.HandleFunc("POST /incidents/{id}/escalate", s.page(auth.TriageIncident, s.escalate))
	m.HandleFunc("POST /incidents/{id}/steps/{step}/{action}", s.page(auth.WorkIncident, s.stepAction))
	m.HandleFunc("POST /incidents/{id}/tasks", s.page(auth.WorkIncident, s.addTask))
	m.HandleFunc("POST /incidents/{id}/tasks/{task}", s.page(auth.WorkIncident, s.updateTask))
	m.HandleFunc("POST /incidents/{id}/notes", s.page(auth.WorkIncident, s.addNote))
	m.HandleFunc("POST /incidents/{id}/evidence", s.page(auth.WorkIncident, s.uploadEvidence))
	m.HandleFunc("GET /incidents/{id}/evidence/{eid}", s.page(auth.ViewIncident, s.downloadEvidence))
	m.HandleFunc("GET /incidents/{id}/audit", s.page(auth.ViewAudit, s.incidentAudit))
	m.HandleFunc("GET /incidents/{id}/export.json", s.page(auth.ExportIncident, s.exportJSON))
	m.HandleFunc("GET /incidents/{id}/export.pdf", s.page(auth.ExportIncident, s.exportPDF))
	m.HandleFunc("POST /incidents/{id}/close", s.page(auth.CloseIncident, s.closeIncident))
	m.HandleFunc("POST /incidents/{id}/reopen", s.page(auth.TriageIncident, s.reopenIncident))
	m.HandleFunc("GET /incidents/{id}/assess", s.page(auth.ViewIncident, s.assessPage))
	m.HandleFunc("POST /incidents/{id}/assess", s.page(auth.WorkIncident, s.saveAssessment))
	m.HandleFunc("POST /incidents/{id}/assess/preview", s.page(auth.WorkIncident, s.previewAssessment))
	m.HandleFunc("GET /incidents/{id}/assessments/{aid}", s.page(auth.ViewIncident, s.assessmentJSON))
	m.HandleFunc("POST /incidents/{id}/obligations/{oid}", s.page(auth.WorkIncident, s.updateObligation))
	m.HandleFunc("GET /incidents/{id}/notices", s.page(auth.ViewIncident, s.noticesPage))
	m.HandleFunc("GET /incidents/{id}/notices/{kind}/{format}", s.page(auth.ExportIncident, s.noticeDownload))
	m.HandleFunc("POST /incidents/{id}/notices/publish", s.page(auth.WorkIncident, s.publishNotice))
	m.HandleFunc("GET /admin/templates", s.page(auth.EditTemplates, s.templatesPage))
	m.HandleFunc("GET /admin/templates/{kind}", s.page(auth.EditTemplates, s.templateEdit))
	m.HandleFunc("POST /admin/templates/{kind}", s.page(auth.EditTemplates, s.templateSave))
	m.HandleFunc("POST /incidents/{id}/review/notes", s.page(auth.WorkIncident, s.saveReviewNotes))
	m.HandleFunc("POST /incidents/{id}/review/causes", s.page(auth.WorkIncident, s.addRootCause))
	m.HandleFunc("POST /incidents/{id}/review/actions", s.page(auth.WorkIncident, s.addReviewAction))
	m.HandleFunc("POST /incidents/{id}/review/actions/{aid}", s.page(auth.WorkIncident, s.setReviewAction))
	m.HandleFunc("GET /plan", s.page(auth.ReportIncident, s.planPage))
	m.HandleFunc("POST /plan", s.page(auth.EditPlan, s.savePlan))
	m.HandleFunc("POST /plan/approve", s.page(auth.ManageOrg, s.approvePlan))
	m.HandleFunc("GET /register", s.page(auth.ViewAll, s.registerPage))
	m.HandleFunc("GET /dashboard", s.page(auth.ViewAll, s.dashboardPage))
	m.HandleFunc("GET /register/export/{format}", s.page(auth.ViewAll, s.registerExport))
	m.HandleFunc("GET /metrics", s.api(auth.ViewAll, s.metrics))
	m.HandleFunc("GET /notifications", s.page(auth.ViewIncident, s.notifications))
	m.HandleFunc("POST /notifications/read", s.page(auth.ViewIncident, s.markRead))
	m.HandleFunc("GET /admin/users", s.page(auth.ManageUsers, s.users))
	m.HandleFunc("POST /admin/users", s.page(auth.ManageUsers, s.addUser))
	m.HandleFunc("POST /admin/users/{uid}", s.page(auth.ManageUsers, s.updateUser))
	m.HandleFunc("GET /admin/audit", s.page(auth.ManageUsers, s.auditVerify))
	m.HandleFunc("GET /account/tokens", s.page(auth.UseAPI, s.tokens))
	m.HandleFunc("POST /account/tokens", s.page(auth.UseAPI, s.createToken))
	m.HandleFunc("POST /account/tokens/{tid}/delete", s.page(auth.UseAPI, s.deleteToken))

	m.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	m.HandleFunc("GET /api/v1/incidents", s.api(auth.ViewIncident, s.apiListIncidents))
	m.HandleFunc("POST /api/v1/incidents", s.api(auth.ReportIncident, s.apiCreateIncident))
	m.HandleFunc("GET /api/v1/incidents/{id}", s.api(auth.ViewIncident, s.apiGetIncident))
	m.HandleFunc("GET /api/v1/incidents/{id}/tasks", s.api(auth.ViewIncident, incidentList(s, "tasks", s.Incidents.Tasks, toAPITask)))
	m.HandleFunc("POST /api/v1/incidents/{id}/tasks", s.api(auth.WorkIncident, s.apiAddTask))
	m.HandleFunc("PATCH /api/v1/incidents/{id}/tasks/{task}", s.api(auth.WorkIncident, s.apiUpdateTask))
	m.HandleFunc("GET /api/v1/incidents/{id}/timeline", s.api(auth.ViewIncident, incidentList(s, "timeline", s.Incidents.Timeline, toAPIEntry)))
	m.HandleFunc("POST /api/v1/incidents/{id}/timeline", s.api(auth.WorkIncident, s.apiAddNote))
	m.HandleFunc("GET /api/v1/incidents/{id}/evidence", s.api(auth.ViewIncident, incidentList(s, "evidence", s.Incidents.EvidenceList, toAPIEvidence)))
	m.HandleFunc("POST /api/v1/incidents/{id}/evidence", s.api(auth.WorkIncident, s.apiUploadEvidence))
	m.HandleFunc("POST /api/v1/assess", s.api(auth.ViewIncident, s.apiAssess))
	m.HandleFunc("/api/", s.api(auth.ViewIncident, func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, notFoundErr("No such API route; see /api/v1/openapi.json."))
	}))
}
