package discover

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
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

// A person's JSON line reads back with every field of the contract,
// empty lists as [] and odd characters intact.
func TestPersonJSON(t *testing.T) {
	p := Person{ID: "p7", Name: `Aroha "Ro" <Ngata>`, Emails: []string{"a@example.nz", "ā@example.nz"}, Jurisdiction: "NZ",
		JurisdictionBasis: "phone prefix", Elements: []Type{Email, PersonName}, Records: 3, Files: []string{"a.csv", "mail.eml!/x.csv"}}
	var got map[string]any
	if err := json.Unmarshal(p.AppendJSON(nil), &got); err != nil {
		t.Fatalf("%s: %v", p.AppendJSON(nil), err)
	}
	want := map[string]any{"id": "p7", "name": `Aroha "Ro" <Ngata>`, "emails": []any{"a@example.nz", "ā@example.nz"}, "phones": []any{},
		"addresses": []any{}, "jurisdiction": "NZ", "jurisdiction_basis": "phone prefix", "elements": []any{"email", "person_name"},
		"sources": map[string]any{"records": 3.0, "files": []any{"a.csv", "mail.eml!/x.csv"}}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	var bare map[string]any
	json.Unmarshal((&Person{ID: "p1", Records: 1}).AppendJSON(nil), &bare)
	if _, ok := bare["name"]; ok || bare["jurisdiction"] != nil || fmt.Sprint(bare["elements"]) != "[]" {
		t.Fatalf("empty fields: %v", bare)
	}
}

// TestAppendHexSum checks the HMAC's hex against encoding/hex on sums
// holding every byte value.
func TestAppendHexSum(t *testing.T) {
	for start := 0; start < 256; start += 32 {
		var sum [32]byte
		for i := range sum {
			sum[i] = byte(start + i)
		}
		got := appendHexSum([]byte("x"), &sum)
		if want := "x" + hex.EncodeToString(sum[:]); string(got) != want {
			t.Fatalf("appendHexSum = %s, want %s", got, want)
		}
	}
}
