package web

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

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
	id := pathID(r, "id")
	var file io.Reader // nil without a file: refused after the access check
	if f, _, err := r.FormFile("file"); err == nil {
		defer f.Close()
		file = f
	}
	n, err := s.ImportPeople(r.Context(), currentUser(r), id, file)
	if err != nil {
		s.noticesView(w, r, notice.Individual, "import", err)
		return
	}
	s.flash(w, strconv.Itoa(n)+" people added to the list, encrypted.")
	http.Redirect(w, r, "/incidents/"+itoa(id)+"/notices#people", http.StatusSeeOther)
}

// markAtRisk marks as at risk everyone whose exposed information includes
// one of the chosen kinds; the others are not at risk. Option 2 then
// notifies only them.
func (s *Server) markAtRisk(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	n, total, err := s.MarkAtRisk(r.Context(), currentUser(r), id, r.PostForm["category"])
	if err != nil {
		s.noticesView(w, r, notice.Individual, "at-risk", err)
		return
	}
	s.flash(w, strconv.Itoa(n)+" of "+strconv.Itoa(total)+" people are now marked as at risk.")
	http.Redirect(w, r, "/incidents/"+itoa(id)+"/notices?option=2#people", http.StatusSeeOther)
}

// letters sends the notice to individuals as one PDF print run (see
// app.Letters). A person may decide the letters go out despite a failed
// check, recording why (POST, with the reason).
func (s *Server) letters(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	paper := notice.A4
	if r.URL.Query().Get("paper") == "letter" {
		paper = notice.Letter
	}
	override := ""
	if r.Method == http.MethodPost {
		override = r.PostFormValue("override")
	}
	pdf, _, err := s.Letters(r.Context(), currentUser(r), id, noticeOptions(r), paper, override)
	if err != nil {
		s.noticesView(w, r, notice.Individual, "letters", err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="INC-%04d-letters.pdf"`, id))
	w.Write(pdf)
}
