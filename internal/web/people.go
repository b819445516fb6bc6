package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// peopleSummary is the notices page's view of the list of people.
type peopleSummary struct {
	People                       []notice.Affected
	Total, AtRisk, Email, Postal int
	Option                       notice.Option
	Chosen                       int
	RiskCategories               []incident.Choice
}

func summarisePeople(ps []notice.Affected, o notice.Option) peopleSummary {
	sum := peopleSummary{People: ps, Total: len(ps), Option: o, Chosen: len(notice.Select(ps, o))}
	for _, p := range ps {
		if p.AtRisk {
			sum.AtRisk++
		}
		if p.Email != "" {
			sum.Email++
		}
		if len(p.Address) > 0 {
			sum.Postal++
		}
	}
	sum.RiskCategories = incident.DataCategories
	return sum
}

func optionOf(r *http.Request) notice.Option {
	if r.URL.Query().Get("option") == "2" || r.PostFormValue("option") == "2" {
		return notice.OptionAtRisk
	}
	return notice.OptionAll
}

// importPeople adds a contact list (CSV) to the incident's people.
func (s *Server) importPeople(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		s.renderError(w, r, fault.Errorf(fault.Invalid, "Choose the CSV file of the people to notify."))
		return
	}
	defer f.Close()
	ps, err := notice.ParsePeopleCSV(f)
	if err != nil {
		s.renderError(w, r, fault.Errorf(fault.Invalid, "%v", err))
		return
	}
	by := actor(r)
	if err := s.People.AddAffected(r.Context(), by.UserID, by.Name, inc.ID, ps); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.flash(w, strconv.Itoa(len(ps))+" people added to the list, encrypted.")
	http.Redirect(w, r, "/incidents/"+itoa(inc.ID)+"/notices#people", http.StatusSeeOther)
}

// markAtRisk marks as at risk everyone whose exposed information includes
// one of the chosen kinds; the others are not at risk. Option 2 then
// notifies only them.
func (s *Server) markAtRisk(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	cats := r.PostForm["category"]
	if len(cats) == 0 {
		s.renderError(w, r, fault.Errorf(fault.Invalid, "Choose at least one kind of information that puts a person at risk."))
		return
	}
	ps, err := s.People.AffectedPeople(r.Context(), inc.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	flags := map[int64]bool{}
	n := 0
	for _, p := range ps {
		flags[p.ID] = notice.AtRiskBy(p.Person, cats)
		if flags[p.ID] {
			n++
		}
	}
	by := actor(r)
	if err := s.People.SetAtRisk(r.Context(), by.UserID, by.Name, inc.ID, flags); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.flash(w, strconv.Itoa(n)+" of "+strconv.Itoa(len(ps))+" people are now marked as at risk.")
	http.Redirect(w, r, "/incidents/"+itoa(inc.ID)+"/notices?option=2#people", http.StatusSeeOther)
}

// letters renders the notice to individuals as one PDF print run: a
// personal letter, with its address in the envelope window, for each
// person the option chooses who has a postal address. Any letter that
// fails its checks (required content, or another person's details in
// it) stops the whole run.
func (s *Server) letters(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if inc.IsExercise() {
		s.renderError(w, r, fault.Errorf(fault.Conflict, "%s is a tabletop exercise: no letters are printed for it.", inc.Ref()))
		return
	}
	all, err := s.People.AffectedPeople(r.Context(), inc.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d, err := s.noticeData(r, inc, notice.Individual)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ix := notice.IndexPeople(persons(all))
	index := map[int64]int{}
	for i, p := range all {
		index[p.ID] = i
	}
	paper := notice.A4
	if r.URL.Query().Get("paper") == "letter" {
		paper = notice.Letter
	}
	// A person may decide the letters go out despite a failed check,
	// recording why (POST, with the reason).
	override := ""
	if r.Method == http.MethodPost {
		override = strings.TrimSpace(r.PostFormValue("override"))
	}
	b := notice.NewBatch(paper)
	n, overridden := 0, 0
	for _, p := range notice.Select(all, optionOf(r)) {
		if len(p.Address) == 0 {
			continue
		}
		pd := d
		pd.Person = &p.Person
		doc, err := s.Writer.Render(pd)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		findings := append(notice.Check(doc, pd, notice.DefaultGrade), ix.OverSharing(doc.PlainText(), index[p.ID])...)
		if notice.Blocking(findings) {
			if override == "" {
				for _, f := range findings {
					if f.Severity == notice.MustFix {
						s.renderError(w, r, fault.Errorf(fault.Conflict, "The letter to person %d cannot go out: %s Correct the notice (see its checks) and print again, or record why it goes out anyway.", p.ID, f.Message))
						return
					}
				}
			}
			overridden++
		}
		b.AddLetter(doc, pd)
		n++
	}
	if n == 0 {
		s.renderError(w, r, fault.Errorf(fault.Conflict, "Nobody the option chooses has a postal address."))
		return
	}
	// The run is laid out in memory first, so the timeline records only
	// letters that were produced, before they are sent.
	var pdf bytes.Buffer
	if err := b.Write(&pdf); err != nil {
		s.renderError(w, r, err)
		return
	}
	text := "Printed " + strconv.Itoa(n) + " personal letters (notice to individuals)."
	kind := incident.EntryExport
	if overridden > 0 {
		text = "Printed " + strconv.Itoa(n) + " personal letters although " + strconv.Itoa(overridden) + " failed their checks (override): " + override
		kind = incident.EntryDecision
	}
	if _, err := s.Incidents.AddNote(r.Context(), actor(r), inc.ID, kind, text); err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+inc.Ref()+`-letters.pdf"`)
	pdf.WriteTo(w)
}
