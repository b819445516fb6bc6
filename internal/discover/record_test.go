package discover

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// appendString's JSON reads back as encoding/json's does, for any text.
func TestAppendStringRoundTrips(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []string{"a", "Z", "0", " ", `"`, `\`, "<", ">", "&", "\n", "\x00", "\x1f", "é", "\u2028", "\xff", "\xe2\x82", "€"}
	for n := 0; n < 2000; n++ {
		var sb strings.Builder
		for k := r.IntN(30); k > 0; k-- {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		s := sb.String()
		var ours, theirs string
		if err := json.Unmarshal(appendString(nil, s), &ours); err != nil {
			t.Fatalf("%q: our JSON does not parse: %v", s, err)
		}
		want, _ := json.Marshal(s)
		json.Unmarshal(want, &theirs)
		if ours != theirs {
			t.Fatalf("%q: read back %q, encoding/json gives %q", s, ours, theirs)
		}
	}
}
