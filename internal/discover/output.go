package discover

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// AppendJSON writes the person as one line of the people output of the
// current contract (docs/scan-contract.md), without the newline.
// Hand-written, like the findings, because millions may be written.
func (p *Person) AppendJSON(b []byte) []byte { return p.appendJSON(b, ContractVersion) }

// appendJSON writes the person as version v of the contract has it:
// version 1 has no name parts, subdivision or identifiers, and no
// jurisdiction from an email's domain alone.
func (p *Person) appendJSON(b []byte, v int) []byte {
	list := func(b []byte, key string, vs []string) []byte {
		b = append(append(append(b, ',', '"'), key...), `":[`...)
		for i, v := range vs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, v)
		}
		return append(b, ']')
	}
	b = append(b, `{"id":`...)
	b = appendString(b, p.ID)
	if p.Name != "" {
		b = append(b, `,"name":`...)
		b = appendString(b, p.Name)
	}
	if v >= 2 && p.GivenName != "" {
		b = append(b, `,"given_name":`...)
		b = appendString(b, p.GivenName)
	}
	if v >= 2 && p.FamilyName != "" {
		b = append(b, `,"family_name":`...)
		b = appendString(b, p.FamilyName)
	}
	b = list(b, "emails", p.Emails)
	b = list(b, "phones", p.Phones)
	b = list(b, "addresses", p.Addresses)
	if p.Jurisdiction != "" && (v >= 2 || p.JurisdictionBasis != basisNames[basisEmail]) {
		b = append(b, `,"jurisdiction":`...)
		b = appendString(b, p.Jurisdiction)
		if v >= 2 && p.Subdivision != "" {
			b = append(b, `,"subdivision":`...)
			b = appendString(b, p.Subdivision)
		}
		b = append(b, `,"jurisdiction_basis":`...)
		b = appendString(b, p.JurisdictionBasis)
	}
	b = append(b, `,"elements":[`...)
	for i, t := range p.Elements {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, string(t))
	}
	b = append(b, ']')
	if v >= 2 && len(p.Identifiers) > 0 {
		b = append(b, `,"identifiers":[`...)
		for i, id := range p.Identifiers {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"type":`...)
			b = appendString(b, string(id.Type))
			b = append(b, `,"hmac":`...)
			b = appendString(b, id.HMAC)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"sources":{"records":`...)
	b = strconv.AppendInt(b, int64(p.Records), 10)
	b = list(b, "files", p.Files)
	return append(b, "}}"...)
}

// WritePeople writes the merged people as JSON Lines and returns how
// many there were.
func (r *Resolver) WritePeople(w io.Writer) (int, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	var buf []byte
	var werr error
	n := r.People(func(p Person) {
		if werr == nil {
			buf = append(p.appendJSON(buf[:0], r.version), '\n')
			_, werr = bw.Write(buf)
		}
	})
	if werr == nil {
		werr = bw.Flush()
	}
	return n, werr
}

// MaskPerson returns the person with every contact detail masked, for a
// caller that holds raw values (Options.PeopleValues) but must write
// only masked ones.
func MaskPerson(p Person) Person {
	mask := func(t Type, vs []string) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = Mask(t, v)
		}
		return out
	}
	p.Name, p.GivenName, p.FamilyName = Mask(PersonName, p.Name), Mask(PersonName, p.GivenName), Mask(PersonName, p.FamilyName)
	p.Emails, p.Phones, p.Addresses = mask(Email, p.Emails), mask(Phone, p.Phones), mask(StreetAddress, p.Addresses)
	return p
}

// WriteText writes the summary for a person at a terminal.
func (s *Summary) WriteText(w io.Writer) {
	fmt.Fprintf(w, "Scanned %d files, %.1f MB in %.1f s (%.1f MB/s).\n", s.Files, float64(s.Bytes)/1e6, s.Elapsed, s.MBps)
	fmt.Fprintf(w, "Found %d values; %d people.\n", s.Findings, s.People)
	hmacs := "findings with their id and HMAC"
	switch {
	case s.ContractVersion < 2:
		hmacs = "findings with their HMAC"
	case !s.FindingHMAC:
		hmacs = "findings with their id, people with their identifiers' HMACs"
	}
	fmt.Fprintf(w, "Written in version %d of the scan contract: %s.\n", s.ContractVersion, hmacs)
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
