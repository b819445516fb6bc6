package deliver

import (
	"fmt"
	"strings"
)

// Contact is how a person can be reached, from the people list.
type Contact struct {
	// Prefers is the person's usual method of communication with the
	// organisation (s 26WL(4): notify by the usual method), if known.
	Prefers Channel
	Email   string
	Phone   string
	Address []string
	Country string // ISO 3166-1 or 3166-2, for phones and postcodes
}

// Usable says why a channel cannot reach the person, or nil when it can.
func (c Contact) Usable(ch Channel) error {
	switch ch {
	case Email:
		return CheckEmail(c.Email)
	case SMS, Phone:
		if c.Phone == "" {
			return fmt.Errorf("no phone number")
		}
		_, err := PhoneE164(c.Phone, c.Country)
		return err
	case Letter:
		if p := CheckAddress(c.Address, c.Country); len(p) > 0 {
			return fmt.Errorf("%s", strings.Join(p, "; "))
		}
		return nil
	}
	return fmt.Errorf("unknown channel %q", ch)
}

// Problem is one contact detail that will not work, for the list a
// person corrects before a campaign starts.
type Problem struct {
	Channel Channel
	Reason  string
}

// Problems lists every detail the person has that will not work. A
// detail the person does not have at all is not a problem (they are
// simply not reached that way).
func (c Contact) Problems() []Problem {
	var out []Problem
	if c.Email != "" {
		if err := CheckEmail(c.Email); err != nil {
			out = append(out, Problem{Email, err.Error()})
		}
	}
	if c.Phone != "" {
		if _, err := PhoneE164(c.Phone, c.Country); err != nil {
			out = append(out, Problem{SMS, err.Error()})
		}
	}
	if len(c.Address) > 0 {
		for _, p := range CheckAddress(c.Address, c.Country) {
			out = append(out, Problem{Letter, p})
		}
	}
	return out
}

// Choice is the channel chosen for a person, and why, in words for the
// campaign's record.
type Choice struct {
	Channel Channel // "" when no channel can reach them
	Why     string
}

// Choose picks the channel for a person's notice: their usual method
// first, then the incident's fallback order, skipping channels whose
// details will not work and channels already tried without reaching them
// for this notice (bounced, failed, returned, wrong number). A person no
// channel can reach gets an empty choice: they are counted for the
// public notice (s 26WL option 3; GDPR art 34(3)(c)).
func Choose(c Contact, fallback []Channel, tried map[Channel]Status) Choice {
	order := make([]Channel, 0, len(fallback)+1)
	if c.Prefers != "" {
		order = append(order, c.Prefers)
	}
	for _, ch := range fallback {
		if ch != c.Prefers {
			order = append(order, ch)
		}
	}
	var skipped []string
	for i, ch := range order {
		if s, ok := tried[ch]; ok && s.Undelivered() {
			skipped = append(skipped, fmt.Sprintf("%s %s", ch, s))
			continue
		}
		if err := c.Usable(ch); err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", ch, err))
			continue
		}
		why := "the incident's fallback order"
		if i == 0 && c.Prefers == ch {
			why = "the person's usual method"
		}
		if len(skipped) > 0 {
			why += " (not " + strings.Join(skipped, "; ") + ")"
		}
		return Choice{Channel: ch, Why: why}
	}
	return Choice{Why: "no channel can reach them: " + strings.Join(skipped, "; ")}
}
