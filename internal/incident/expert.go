package incident

import (
	"context"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// ExpertKinds are the outside help seed 001 and seed 000 name.
var ExpertKinds = []Choice{
	{"forensics", "Forensic investigators"}, {"legal_counsel", "Legal counsel"}, {"insurer", "Insurer"},
	{"police", "Police contact"}, {"idcare", "IDCARE"}, {"netsafe", "Netsafe"}, {"cert_nz", "CERT NZ"},
	{"card_scheme", "Bank or card companies"}, {"professional_body", "Professional body"}, {"other", "Other"},
}

// Expert is someone outside the organisation the response team can call.
type Expert struct {
	ID           int64
	Kind         string
	Name         string
	Organisation string
	Contact      string
	Notes        string
	CreatedAt    time.Time
}

// Validate checks an expert's details.
func (e *Expert) Validate() error {
	f := fault.Fields{}
	if !validID(ExpertKinds, e.Kind) {
		f.Add("kind", "Choose what kind of help they give.")
	}
	e.Name, e.Contact = strings.TrimSpace(e.Name), strings.TrimSpace(e.Contact)
	if e.Name == "" || len(e.Name) > 200 {
		f.Add("name", "Give their name.")
	}
	if e.Contact == "" || len(e.Contact) > 300 {
		f.Add("contact", "Give a phone number or email to reach them.")
	}
	return f.Err()
}

// ExpertStore keeps the outside experts.
type ExpertStore interface {
	Experts(ctx context.Context) ([]Expert, error)
	AddExpert(ctx context.Context, by Actor, e Expert) (Expert, error)
	DeleteExpert(ctx context.Context, by Actor, id int64) error
}
