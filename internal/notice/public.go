package notice

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
	"unicode"
)

// Published is a public notice as it stands at its address.
type Published struct {
	ID          int64
	IncidentID  int64
	Slug        string // the stable part of the address: /notices/{slug}
	Title       string
	Description string // the page's meta description, for search engines
	HTML        string
	Text        string
	PublishedAt time.Time
	PublishedBy string
	WithdrawnAt *time.Time
	// NotDirect says why the people are not told directly, when the
	// notice is published instead (s 26WL(2)(c), option 3; GDPR art
	// 34(3)(c)); empty when it goes out beside direct notices.
	NotDirect string
}

// Store keeps published notices. Publishing writes a timeline and an
// audit entry on the incident in the same transaction.
type Store interface {
	Publish(ctx context.Context, byID int64, byName string, p Published) (Published, error)
	PublishedBySlug(ctx context.Context, slug string) (Published, error)
	PublishedFor(ctx context.Context, incidentID int64) ([]Published, error)
}

// Slug makes a readable, unguessable address part from the organisation
// and the date: "harbourview-community-services-2026-03-02-7f3a9c".
func Slug(org string, at time.Time) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(org) {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		s = "notice"
	}
	rnd := make([]byte, 3)
	rand.Read(rnd)
	return s + "-" + at.UTC().Format("2006-01-02") + "-" + hex.EncodeToString(rnd)
}

// Description is a search-engine summary of a public notice.
func (d Document) Description() string {
	if s := d.Section("What happened"); s != nil {
		for _, b := range s.Blocks {
			if b.Kind == Paragraph {
				return clip(b.Text, 155)
			}
		}
	}
	return clip(d.Title, 155)
}

// SocialPost is a short text that points people at the public notice
// (seed 003: publicise the statement, e.g. on social media), at most 280
// characters.
func SocialPost(d Data, url string) string {
	who := "customers"
	if len(d.Breach.Groups) > 0 {
		who = strings.Join(d.Breach.Groups, " and ")
	}
	post := d.Org.Name + " has had a privacy breach that may affect our " + who + ". Please read what happened and what you can do: " + url
	if len([]rune(post)) > 280 {
		post = clip(d.Org.Name, 60) + " has had a privacy breach. What happened and what to do: " + url
	}
	return post
}

// PrintAdvertisement is the text of a print or online advertisement that
// summarises the notice and points to it.
func PrintAdvertisement(d Data, url string) Document {
	ad := Document{Title: "Privacy breach notice: " + d.Org.Name}
	body := []Block{{Kind: Paragraph, Text: d.Org.Name + " has had a privacy breach. We found out on " + d.Date(d.Breach.DiscoveredAt) + "."}}
	if len(d.Breach.Categories) > 0 {
		body = append(body, Block{Kind: Paragraph, Text: "The information involved: " + strings.Join(d.Breach.Categories, ", ") + "."})
	}
	body = append(body, Block{Kind: Paragraph, Text: "To find out what happened, whether you are affected and what you can do, visit " + url + "."})
	if d.Org.Contact != "" {
		body = append(body, Block{Kind: Paragraph, Text: "Questions: " + d.Org.Contact + "."})
	}
	ad.Sections = []Section{{Blocks: body}}
	return ad
}
