package web

import (
	"context"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// The API's delivery operations: campaigns of notices to people, their
// messages, calls, returned mail, others told, enquiries and the lookup
// switch, each calling the use case its page calls.

type apiCampaign struct {
	ID          int64                     `json:"id"`
	Stage       int                       `json:"stage"`
	Option      int                       `json:"option" doc:"s 26WL: 1 everyone, 2 only those at risk."`
	Practicable string                    `json:"practicable"`
	Channels    []string                  `json:"channels" doc:"The order after each person's usual method."`
	Status      string                    `json:"status" enum:"queuing,running,paused,cancelled,done"`
	Resend      bool                      `json:"resend"`
	Unreachable int                       `json:"unreachable" doc:"People no channel could reach: for the public notice."`
	Counts      map[string]map[string]int `json:"counts" doc:"Messages by channel and status."`
	Total       int                       `json:"total"`
	Settled     int                       `json:"settled" doc:"Messages with a final status."`
	Told        int                       `json:"told"`
	PerMinute   float64                   `json:"per_minute"`
	ETA         *time.Time                `json:"eta"`
	CreatedBy   string                    `json:"created_by"`
	CreatedAt   time.Time                 `json:"created_at"`
	StartedAt   *time.Time                `json:"started_at"`
	EndedAt     *time.Time                `json:"ended_at"`
	Waiting     []string                  `json:"waiting" doc:"What queued messages wait for that this server will not do."`
}

func (s *Server) toAPICampaign(v app.CampaignView) apiCampaign {
	c := apiCampaign{ID: v.ID, Stage: v.Stage, Option: v.Option, Practicable: v.Practicable, Status: string(v.Status), Resend: v.Resend,
		Unreachable: v.Unreachable, Counts: map[string]map[string]int{}, Total: v.Progress.Total, Settled: v.Progress.Final, Told: v.Counts.Told(),
		PerMinute: v.Progress.PerMinute, ETA: v.Progress.ETA, CreatedBy: v.CreatedBy, CreatedAt: v.CreatedAt, StartedAt: v.StartedAt, EndedAt: v.EndedAt,
		Channels: []string{}, Waiting: []string{}}
	for _, ch := range v.Fallback {
		c.Channels = append(c.Channels, string(ch))
	}
	for ch, m := range v.Counts {
		c.Counts[string(ch)] = map[string]int{}
		for st, n := range m {
			c.Counts[string(ch)][string(st)] = n
		}
	}
	if v.Status == deliver.CampaignRunning {
		c.Waiting = append(c.Waiting, s.Waiting(v.Counts)...)
	}
	return c
}

type apiCampaigns struct {
	Campaigns []apiCampaign `json:"campaigns"`
}

type startCampaignInput struct {
	IncidentPath
	Body struct {
		Option      int      `json:"option" enum:"1,2" doc:"s 26WL: 1 everyone, 2 only those at risk."`
		Practicable string   `json:"practicable" doc:"Why telling people directly is practicable (time, effort, cost)."`
		Channels    []string `json:"channels,omitempty" doc:"Order after each person's usual method; the server's default when empty."`
		Update      bool     `json:"update,omitempty" doc:"Send the next stage, an update, to everyone already told."`
		Resend      bool     `json:"resend,omitempty" doc:"Confirm sending this stage again to people who had it."`
		Override    string   `json:"override,omitempty" doc:"Why the notices go out although a check fails."`
	}
}

// CampaignPath names a campaign of an incident.
type CampaignPath struct {
	IncidentPath
	Campaign int64 `path:"cid" minimum:"1"`
}

type campaignActionInput struct {
	CampaignPath
	Action string `path:"action" enum:"pause,resume,cancel,resend,add,print"`
	Body   *struct {
		Paper string `json:"paper,omitempty" enum:"a4,letter" doc:"Print runs: the paper."`
	} `required:"false"`
}

type apiCampaignAction struct {
	Campaign    apiCampaign `json:"campaign"`
	Queued      int         `json:"queued" doc:"resend and add: messages queued."`
	Unreachable int         `json:"unreachable" doc:"resend: people no channel is left for."`
	PrintRun    *struct {
		ID       string   `json:"id"`
		Batches  []string `json:"batches"`
		Manifest string   `json:"manifest"`
		Letters  int      `json:"letters"`
		Pages    int      `json:"pages"`
	} `json:"print_run,omitempty"`
}

type messagesInput struct {
	CampaignPath
	Status string `query:"status" doc:"Only messages with this status."`
	After  int64  `query:"after" doc:"The last message id of the previous page."`
	Limit  int    `query:"limit" minimum:"0" maximum:"1000" doc:"Messages a page, 100 by default."`
}

type apiMessage struct {
	ID          int64      `json:"id"`
	PersonID    int64      `json:"person_id"`
	Channel     string     `json:"channel"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	MessageID   string     `json:"message_id"`
	Detail      string     `json:"detail"`
	ContentHash string     `json:"content_sha256" doc:"SHA-256 of exactly what was sent, hex."`
	QueuedAt    time.Time  `json:"queued_at"`
	SentAt      *time.Time `json:"sent_at"`
	FinalAt     *time.Time `json:"final_at"`
	Batch       string     `json:"batch"`
}

type apiMessages struct {
	Messages []apiMessage `json:"messages"`
	Next     *int64       `json:"next" doc:"Pass as after for the next page; null on the last."`
}

type callInput struct {
	IncidentPath
	Message int64 `path:"mid" minimum:"1"`
	Body    struct {
		Outcome string `json:"outcome" enum:"reached,voicemail,wrong_number,asked_for_letter"`
		Note    string `json:"note,omitempty"`
	}
}

type returnedInput struct {
	IncidentPath
	RawBody []byte `contentType:"text/csv" doc:"The mail house's file: CSV with a reference column and optionally a reason."`
}

type apiCount struct {
	Count int `json:"count"`
}

type apiThirdParty struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Name      string    `json:"name"`
	Contact   string    `json:"contact"`
	At        time.Time `json:"at"`
	Reference string    `json:"reference"`
	Notes     string    `json:"notes"`
	By        string    `json:"by"`
}

type thirdPartyInput struct {
	IncidentPath
	Body struct {
		Kind      string     `json:"kind" enum:"police,regulator,cert,insurer,bank,idcare,netsafe,professional_body,other"`
		Name      string     `json:"name" maxLength:"200"`
		Contact   string     `json:"contact,omitempty"`
		At        *time.Time `json:"at,omitempty" doc:"When they were told; now when empty."`
		Reference string     `json:"reference,omitempty"`
		Notes     string     `json:"notes,omitempty"`
	}
}

type apiEnquiry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Channel  string    `json:"channel"`
	Category string    `json:"category"`
	Outcome  string    `json:"outcome"`
	Notes    string    `json:"notes"`
	By       string    `json:"by"`
}

type enquiryInput struct {
	IncidentPath
	Body struct {
		Channel  string `json:"channel" enum:"phone,email,letter,in_person,social_media"`
		Category string `json:"category" enum:"affected,what_happened,what_to_do,notice_again,complaint,media,other"`
		Outcome  string `json:"outcome" enum:"answered,call_back,escalated,referred"`
		Notes    string `json:"notes,omitempty"`
	}
}

type lookupInput struct {
	IncidentPath
	Body struct {
		Enabled bool `json:"enabled"`
	}
}

type apiProblem struct {
	PersonID int64  `json:"person_id"`
	Channel  string `json:"channel"`
	Problem  string `json:"problem"`
}

type apiProblems struct {
	People   int          `json:"people"`
	Problems []apiProblem `json:"problems"`
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }

// deliveryRoutes registers the delivery operations.
func (s *Server) deliveryRoutes(api huma.API) {
	u := userOf
	huma.Register(api, op("GET", "/incidents/{id}/campaigns", "listCampaigns", "delivery", "The campaigns of notices to people, with their progress", auth.WorkIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiCampaigns], error) {
			cs, err := s.Campaigns(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := apiCampaigns{Campaigns: []apiCampaign{}}
			for _, c := range cs {
				out.Campaigns = append(out.Campaigns, s.toAPICampaign(c))
			}
			return &body[apiCampaigns]{Body: out}, nil
		})
	huma.Register(api, op("POST", "/incidents/{id}/campaigns", "startCampaign", "delivery", "Start notifying the people: the workers queue and send it", auth.SendNotices, http.StatusAccepted),
		func(ctx context.Context, in *startCampaignInput) (*body[apiCampaign], error) {
			b := in.Body
			req := app.CampaignRequest{Option: notice.Option(b.Option), Practicable: b.Practicable, Update: b.Update, Resend: b.Resend, Override: b.Override}
			for _, c := range b.Channels {
				req.Fallback = append(req.Fallback, deliver.Channel(c))
			}
			c, err := s.StartCampaign(ctx, u(ctx), in.ID, req)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			v, err := s.Campaign(ctx, u(ctx), in.ID, c.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiCampaign]{Body: s.toAPICampaign(v)}, nil
		})
	huma.Register(api, op("GET", "/incidents/{id}/campaigns/{cid}", "getCampaign", "delivery", "One campaign, with its counts, rate and ETA", auth.WorkIncident, 0),
		func(ctx context.Context, in *CampaignPath) (*body[apiCampaign], error) {
			v, err := s.Campaign(ctx, u(ctx), in.ID, in.Campaign)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiCampaign]{Body: s.toAPICampaign(v)}, nil
		})
	huma.Register(api, op("POST", "/incidents/{id}/campaigns/{cid}/{action}", "campaignAction", "delivery",
		"Pause, resume or cancel a campaign; resend to those not reached by their next channel; add the people added since; print the queued letters", auth.SendNotices, 0),
		func(ctx context.Context, in *campaignActionInput) (*body[apiCampaignAction], error) {
			var out apiCampaignAction
			var err error
			switch in.Action {
			case "pause":
				_, err = s.SetCampaign(ctx, u(ctx), in.ID, in.Campaign, deliver.CampaignPaused)
			case "resume":
				_, err = s.SetCampaign(ctx, u(ctx), in.ID, in.Campaign, deliver.CampaignRunning)
			case "cancel":
				_, err = s.SetCampaign(ctx, u(ctx), in.ID, in.Campaign, deliver.CampaignCancelled)
			case "resend":
				out.Queued, out.Unreachable, err = s.ResendUndelivered(ctx, u(ctx), in.ID, in.Campaign)
			case "add":
				out.Queued, err = s.AddToCampaign(ctx, u(ctx), in.ID, in.Campaign)
			case "print":
				paper := notice.A4
				if in.Body != nil && in.Body.Paper == "letter" {
					paper = notice.Letter
				}
				var run app.PrintRun
				if run, err = s.PrintLetters(ctx, u(ctx), in.ID, in.Campaign, paper); err == nil {
					out.PrintRun = &struct {
						ID       string   `json:"id"`
						Batches  []string `json:"batches"`
						Manifest string   `json:"manifest"`
						Letters  int      `json:"letters"`
						Pages    int      `json:"pages"`
					}{run.ID, run.Batches, run.Manifest, run.Letters, run.Pages}
				}
			}
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			v, err := s.Campaign(ctx, u(ctx), in.ID, in.Campaign)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out.Campaign = s.toAPICampaign(v)
			return &body[apiCampaignAction]{Body: out}, nil
		})
	huma.Register(api, op("GET", "/incidents/{id}/campaigns/{cid}/messages", "listMessages", "delivery", "A campaign's messages, each with its status, attempts and last answer", auth.WorkIncident, 0),
		func(ctx context.Context, in *messagesInput) (*body[apiMessages], error) {
			limit := in.Limit
			if limit <= 0 {
				limit = 100
			}
			recs, err := s.CampaignRecords(ctx, u(ctx), in.ID, in.Campaign, deliver.Status(in.Status), in.After, limit)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := apiMessages{Messages: []apiMessage{}}
			for _, r := range recs {
				out.Messages = append(out.Messages, apiMessage{ID: r.ID, PersonID: r.PersonID, Channel: string(r.Channel), Status: string(r.Status), Attempts: r.Attempts,
					MessageID: r.MessageID, Detail: r.Detail, ContentHash: hexOf(r.ContentHash), QueuedAt: r.QueuedAt, SentAt: r.SentAt, FinalAt: r.FinalAt, Batch: r.Batch})
			}
			if len(recs) == limit {
				next := recs[len(recs)-1].ID
				out.Next = &next
			}
			return &body[apiMessages]{Body: out}, nil
		})
	huma.Register(api, op("POST", "/incidents/{id}/messages/{mid}/call", "recordCall", "delivery", "Record what came of a call from the call list", auth.WorkIncident, 0),
		func(ctx context.Context, in *callInput) (*body[apiCount], error) {
			if err := s.RecordCall(ctx, u(ctx), in.ID, in.Message, deliver.Status(in.Body.Outcome), in.Body.Note); err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiCount]{Body: apiCount{Count: 1}}, nil
		})
	returned := raw(op("POST", "/incidents/{id}/returned-mail", "importReturnedMail", "delivery", "Mark letters returned from the mail house's file (CSV)", auth.WorkIncident, 0))
	returned.MaxBodyBytes = formLimit
	huma.Register(api, returned, func(ctx context.Context, in *returnedInput) (*body[apiCount], error) {
		n, err := s.ImportReturned(ctx, u(ctx), in.ID, strings.NewReader(string(in.RawBody)))
		if err != nil {
			return nil, s.apiErr(ctx, err)
		}
		return &body[apiCount]{Body: apiCount{Count: n}}, nil
	})
	huma.Register(api, op("GET", "/incidents/{id}/contact-problems", "contactProblems", "delivery", "Contact details of the people that will not work, to correct before a campaign", auth.WorkIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[apiProblems], error) {
			ps, total, err := s.ContactProblems(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := apiProblems{People: total, Problems: []apiProblem{}}
			for pid, list := range ps {
				for _, p := range list {
					out.Problems = append(out.Problems, apiProblem{PersonID: pid, Channel: string(p.Channel), Problem: p.Reason})
				}
			}
			return &body[apiProblems]{Body: out}, nil
		})
	huma.Register(api, op("GET", "/incidents/{id}/third-parties", "listThirdParties", "delivery", "The organisations told about the breach besides the regulators and the people", auth.WorkIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[[]apiThirdParty], error) {
			ts, err := s.ThirdParties(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := []apiThirdParty{}
			for _, t := range ts {
				out = append(out, apiThirdParty{ID: t.ID, Kind: t.Kind, Name: t.Name, Contact: t.Contact, At: t.At, Reference: t.Reference, Notes: t.Notes, By: t.By})
			}
			return &body[[]apiThirdParty]{Body: out}, nil
		})
	huma.Register(api, op("POST", "/incidents/{id}/third-parties", "addThirdParty", "delivery", "Record that an organisation was told (police, insurer, IDCARE, CERT NZ...)", auth.WorkIncident, http.StatusCreated),
		func(ctx context.Context, in *thirdPartyInput) (*body[apiThirdParty], error) {
			b := in.Body
			t := deliver.ThirdParty{Kind: b.Kind, Name: b.Name, Contact: b.Contact, Reference: b.Reference, Notes: b.Notes}
			if b.At != nil {
				t.At = *b.At
			}
			t, err := s.AddThirdParty(ctx, u(ctx), in.ID, t)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiThirdParty]{Body: apiThirdParty{ID: t.ID, Kind: t.Kind, Name: t.Name, Contact: t.Contact, At: t.At, Reference: t.Reference, Notes: t.Notes, By: t.By}}, nil
		})
	huma.Register(api, op("GET", "/incidents/{id}/enquiries", "listEnquiries", "delivery", "Enquiries from affected people and the public, newest first", auth.WorkIncident, 0),
		func(ctx context.Context, in *IncidentPath) (*body[[]apiEnquiry], error) {
			es, err := s.Enquiries(ctx, u(ctx), in.ID)
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			out := []apiEnquiry{}
			for _, e := range es {
				out = append(out, apiEnquiry{ID: e.ID, At: e.At, Channel: e.Channel, Category: e.Category, Outcome: e.Outcome, Notes: e.Notes, By: e.By})
			}
			return &body[[]apiEnquiry]{Body: out}, nil
		})
	huma.Register(api, op("POST", "/incidents/{id}/enquiries", "addEnquiry", "delivery", "Log an enquiry from an affected person or the public", auth.WorkIncident, http.StatusCreated),
		func(ctx context.Context, in *enquiryInput) (*body[apiEnquiry], error) {
			e, err := s.AddEnquiry(ctx, u(ctx), in.ID, deliver.Enquiry{Channel: in.Body.Channel, Category: in.Body.Category, Outcome: in.Body.Outcome, Notes: in.Body.Notes})
			if err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiEnquiry]{Body: apiEnquiry{ID: e.ID, At: e.At, Channel: e.Channel, Category: e.Category, Outcome: e.Outcome, Notes: e.Notes, By: e.By}}, nil
		})
	huma.Register(api, op("PUT", "/incidents/{id}/lookup", "setLookup", "delivery", "Switch the page where people look up their own notice on or off (on needs the public notice published)", auth.SendNotices, 0),
		func(ctx context.Context, in *lookupInput) (*body[apiCount], error) {
			if err := s.SetLookup(ctx, u(ctx), in.ID, in.Body.Enabled); err != nil {
				return nil, s.apiErr(ctx, err)
			}
			return &body[apiCount]{Body: apiCount{Count: 1}}, nil
		})
}
