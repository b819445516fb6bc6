package web

import (
	"context"
	"sync"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
)

// tokenUse notes when API tokens are used without writing on the
// request's path: at most once a minute per token, in the background, so
// a read request never waits for, or fails on, a write.
type tokenUse struct {
	mu      sync.Mutex
	pending map[int64]time.Time // the last use queued per token
}

// noteTokenUse records tok's use now, if the last one recorded (in the
// database or queued here) is more than a minute old.
func (s *Server) noteTokenUse(tok auth.APIToken) {
	now := s.Now()
	if tok.LastUsedAt != nil && now.Sub(*tok.LastUsedAt) < time.Minute {
		return
	}
	s.tokenUse.mu.Lock()
	if s.tokenUse.pending == nil {
		s.tokenUse.pending = map[int64]time.Time{}
	}
	if last, ok := s.tokenUse.pending[tok.ID]; ok && now.Sub(last) < time.Minute {
		s.tokenUse.mu.Unlock()
		return
	}
	s.tokenUse.pending[tok.ID] = now
	for id, at := range s.tokenUse.pending {
		if now.Sub(at) >= time.Minute {
			delete(s.tokenUse.pending, id)
		}
	}
	s.tokenUse.mu.Unlock()
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.Store.TouchAPIToken(ctx, tok.ID, now); err != nil && s.Log != nil {
			s.Log.Warn("noting an API token's use", "token", tok.ID, "error", err)
		}
	}()
}

// Wait waits for the server's background writes (token use) to end.
func (s *Server) Wait() { s.background.Wait() }
