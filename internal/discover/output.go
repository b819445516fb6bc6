package discover

import (
	"encoding/json"
	"fmt"
	"io"
)

// personJSON is one line of the people output (docs/scan-contract.md).
type personJSON struct {
	ID                string   `json:"id"`
	Name              string   `json:"name,omitempty"`
	Emails            []string `json:"emails"`
	Phones            []string `json:"phones"`
	Addresses         []string `json:"addresses"`
	Jurisdiction      string   `json:"jurisdiction,omitempty"`
	JurisdictionBasis string   `json:"jurisdiction_basis,omitempty"`
	Elements          []Type   `json:"elements"`
	Sources           struct {
		Records int      `json:"records"`
		Files   []string `json:"files"`
	} `json:"sources"`
}

// WritePeople writes the merged people as JSON Lines and returns how
// many there were.
func (r *Resolver) WritePeople(w io.Writer) (int, error) { return r.WritePeopleEach(w, nil) }

// WritePeopleEach is WritePeople calling each (if set) with every person,
// so a caller can count them by jurisdiction in the same pass.
func (r *Resolver) WritePeopleEach(w io.Writer, each func(Person)) (int, error) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	var werr error
	n := r.People(func(p Person) {
		if each != nil {
			each(p)
		}
		if werr != nil {
			return
		}
		werr = enc.Encode(toJSON(p))
	})
	return n, werr
}

func toJSON(p Person) personJSON {
	j := personJSON{ID: p.ID, Name: p.Name, Emails: nonNil(p.Emails), Phones: nonNil(p.Phones), Addresses: nonNil(p.Addresses),
		Jurisdiction: p.Jurisdiction, JurisdictionBasis: p.JurisdictionBasis, Elements: p.Elements}
	j.Sources.Records, j.Sources.Files = p.Records, p.Files
	return j
}

// MaskPerson returns the contract's JSON for a person with every contact
// detail masked, for a caller that holds raw values (Options.PeopleValues)
// but must write only masked ones.
func MaskPerson(p Person) any {
	mask := func(t Type, vs []string) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = Mask(t, v)
		}
		return out
	}
	p.Name = Mask(PersonName, p.Name)
	p.Emails, p.Phones, p.Addresses = mask(Email, p.Emails), mask(Phone, p.Phones), mask(StreetAddress, p.Addresses)
	return toJSON(p)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// WriteText writes the summary for a person at a terminal.
func (s *Summary) WriteText(w io.Writer) {
	fmt.Fprintf(w, "Scanned %d files, %.1f MB in %.1f s (%.1f MB/s).\n", s.Files, float64(s.Bytes)/1e6, s.Elapsed, s.MBps)
	fmt.Fprintf(w, "Found %d values; %d people.\n", s.Findings, s.People)
	if len(s.Counts) > 0 {
		fmt.Fprintf(w, "%-18s %10s %12s\n", "type", "validated", "unvalidated")
		for _, t := range Types {
			if c := s.Counts[t]; c != nil {
				fmt.Fprintf(w, "%-18s %10d %12d\n", t, c.Validated, c.Unvalidated)
			}
		}
	}
	if len(s.Skipped) > 0 {
		fmt.Fprintf(w, "Skipped %d files:\n", len(s.Skipped))
		for _, k := range s.Skipped {
			fmt.Fprintf(w, "  %s: %s\n", k.Path, k.Reason)
		}
	}
	if s.Key != "" {
		fmt.Fprintf(w, "Scan key (keep it to match these hashes later): %s\n", s.Key)
	}
}

// WriteJSON writes the summary as one JSON document.
func (s *Summary) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	out := *s
	if out.Skipped == nil {
		out.Skipped = []Skipped{}
	}
	return enc.Encode(out)
}

// FactsCategory is the facts contract's data category
// (spec/facts.schema.json) an element type belongs to, "" if none.
func FactsCategory(t Type) string {
	switch t {
	case Email, Phone:
		return "contact"
	case CreditCard:
		return "payment_card"
	case IBAN, NZBankAccount, AUBSBAccount:
		return "financial_account"
	case USSSN, AUMedicare:
		return "government_id"
	case AUTFN:
		return "tax_file_number"
	case NZIRD:
		return "ird_number"
	case NZNHI, Health:
		return "health"
	case Passport:
		return "passport"
	case DriverLicence:
		return "driver_licence"
	case DateOfBirth:
		return "date_of_birth"
	case PersonName:
		return "name"
	case StreetAddress:
		return "address"
	case Password:
		return "credentials"
	case IPAddress:
		return "location"
	}
	return ""
}
