package law

import "slices"

// Contact is how people reach an office: the consumer reporting agencies,
// the Federal Trade Commission, a state attorney general.
type Contact struct {
	Name     string `yaml:"name" json:"name"`
	TollFree string `yaml:"toll_free" json:"toll_free,omitempty"`
	Phone    string `yaml:"phone" json:"phone,omitempty"`
	Address  string `yaml:"address" json:"address,omitempty"`
	Website  string `yaml:"website" json:"website,omitempty"`
	// Checked says when and against what the details were confirmed;
	// empty, the letter asks for them to be confirmed before printing.
	Checked string `yaml:"checked" json:"checked,omitempty"`
}

// consumerReportingAgencies are the three nationwide agencies, with the
// details a resident uses to place a fraud alert or security freeze.
var consumerReportingAgencies = []Contact{
	{Name: "Equifax", TollFree: "1-888-298-0045", Address: "Equifax Security Freeze, P.O. Box 105788, Atlanta, GA 30348", Website: "www.equifax.com",
		Checked: craChecked},
	{Name: "Experian", TollFree: "1-888-397-3742", Address: "Experian Security Freeze, P.O. Box 9554, Allen, TX 75013", Website: "www.experian.com",
		Checked: craChecked},
	{Name: "TransUnion", TollFree: "1-800-680-7289", Address: "TransUnion Fraud Victim Assistance Department, P.O. Box 2000, Chester, PA 19022-2000", Website: "www.transunion.com",
		Checked: craChecked},
}

const craChecked = "2026-11-29, Oregon Division of Financial Regulation, \"Place a credit freeze\" (dfr.oregon.gov)"

// federalTradeCommission is the FTC's identity theft contact.
var federalTradeCommission = Contact{Name: "Federal Trade Commission", TollFree: "1-877-438-4338 (1-877-ID-THEFT)",
	Address: "600 Pennsylvania Avenue NW, Washington, DC 20580", Website: "www.identitytheft.gov",
	Checked: "2026-11-29, the FTC's number and address as given in organisations' notices and state consumer pages; identitytheft.gov from the Maryland Attorney General"}

// Letter is what a letter to the residents of one US state, DC or
// territory must carry beyond what every notice says: the law's content
// list, California's title, headings and type size, and the contact
// blocks its statute requires for the information involved.
type Letter struct {
	Regime   string `json:"regime"`
	Name     string `json:"name"`
	Citation string `json:"citation,omitempty"`
	// Title and Headings, when set, must be used as given (Cal. Civ. Code
	// § 1798.82(d)); MinPoints is the smallest type size.
	Title     string   `json:"title,omitempty"`
	Headings  []string `json:"headings,omitempty"`
	MinPoints int      `json:"min_points,omitempty"`
	// Content is what the notice to residents must contain, each with its
	// section (the individuals rule's content list).
	Content []string `json:"content"`
	// Contacts are the blocks to print, in order: the consumer reporting
	// agencies, the FTC, the attorney general.
	Contacts []LetterContact `json:"contacts"`
	// Paragraphs are statements the law requires in its words.
	Paragraphs []string `json:"paragraphs,omitempty"`
	// Confirm lists the contact details to confirm before printing (not
	// checked against the office's own page).
	Confirm []string `json:"confirm,omitempty"`
}

// LetterContact is one contact block: cra, ftc or attorney_general.
type LetterContact struct {
	Kind string `json:"kind"`
	Contact
}

// LetterFor says what a letter to residents under regime (a US state's,
// such as us_md) must carry, given the data categories involved (some
// blocks are required only for some information: California's and
// Washington's agencies for Social Security and licence numbers). ok is
// false for a regime without a statute profile.
func (r *Rules) LetterFor(regime string, categories []string) (Letter, bool) {
	s := r.statutes[regime]
	if s == nil {
		return Letter{}, false
	}
	l := Letter{Regime: regime, Name: s.Name, Content: []string{}, Contacts: []LetterContact{}}
	if p := r.Pack(regime); p != nil {
		for _, rl := range p.Rules {
			if rl.Audience == "individuals" {
				l.Content = append(l.Content, rl.Content...)
			}
		}
	}
	d := s.Letter
	if d == nil {
		return l, true
	}
	l.Citation, l.Title, l.Headings, l.MinPoints, l.Paragraphs = d.Citation, d.Title, d.Headings, d.MinPoints, d.Paragraphs
	env := Env{Categories: categories}
	needed := func(kind string) bool {
		if !slices.Contains(d.Contacts, kind) {
			return false
		}
		els, conditional := d.When[kind]
		if !conditional {
			return true
		}
		for _, el := range els {
			if present(env, el) {
				return true
			}
		}
		return false
	}
	add := func(kind string, c Contact) {
		l.Contacts = append(l.Contacts, LetterContact{Kind: kind, Contact: c})
		if c.Checked == "" {
			l.Confirm = append(l.Confirm, c.Name+": confirm the telephone number, address and website against the office's own page before printing.")
		}
	}
	if needed("cra") {
		for _, c := range consumerReportingAgencies {
			add("cra", c)
		}
	}
	if needed("ftc") {
		add("ftc", federalTradeCommission)
	}
	if needed("attorney_general") && d.AttorneyGeneral != nil {
		add("attorney_general", *d.AttorneyGeneral)
	}
	return l, true
}
