package discover

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
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

// Every finding's id is the contract's SipHash-128 of its normalised
// value, and its hmac (when asked for, and always in version 1) the
// HMAC-SHA256: both checked against idHex and hmacHex, which compute
// them apart from the scanner. Without the findings' HMACs the people
// carry their identifiers' HMACs.
func TestFindingHashesFollowTheContract(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "clients.csv"), []byte("name,email,IRD number,card\nAroha Ngata,Aroha@Example.nz,49-091-850,4111 1111 1111 1111\n"), 0o644)
	norms := map[string]string{"email": "aroha@example.nz", "nz_ird": "49091850", "credit_card": "4111111111111111", "person_name": "Aroha Ngata"}
	key := []byte("contract test key")
	for _, c := range []struct {
		opt      Options
		id, hmac bool
	}{{Options{}, true, false}, {Options{FindingHMAC: true}, true, true}, {Options{Contract: 1}, false, true}} {
		var out, people bytes.Buffer
		c.opt.Key, c.opt.Findings = key, &out
		sum, res, err := Scan(context.Background(), []string{dir}, c.opt)
		if err != nil || sum.FindingHMAC != c.hmac {
			t.Fatalf("%+v: %v, finding_hmac %v", c.opt, err, sum.FindingHMAC)
		}
		seen := 0
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			var f struct{ Type, ID, HMAC string }
			if err := json.Unmarshal([]byte(line), &f); err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			norm, ok := norms[f.Type]
			if !ok {
				t.Fatalf("unexpected finding %s", line)
			}
			seen++
			if want := idHex(key, norm); c.id && f.ID != want || !c.id && f.ID != "" {
				t.Errorf("%+v: %s: id %q, want %q", c.opt, f.Type, f.ID, want)
			}
			if want := hmacHex(key, norm); c.hmac && f.HMAC != want || !c.hmac && f.HMAC != "" {
				t.Errorf("%+v: %s: hmac %q, want %q", c.opt, f.Type, f.HMAC, want)
			}
		}
		if seen != len(norms) {
			t.Errorf("%+v: %d findings, want %d: %s", c.opt, seen, len(norms), out.String())
		}
		if _, err := res.WritePeople(&people); err != nil {
			t.Fatal(err)
		}
		for _, ty := range []string{"email", "nz_ird", "credit_card"} {
			id := `{"type":"` + ty + `","hmac":"` + hmacHex(key, norms[ty]) + `"}`
			if strings.Contains(people.String(), id) == c.hmac {
				t.Errorf("%+v: people %s, identifier %s listed: %v", c.opt, people.String(), id, !c.hmac)
			}
		}
	}
}

// Type.index finds every type at its place in Types, and nothing else.
func TestTypeIndex(t *testing.T) {
	for k, ty := range Types {
		if got := ty.index(); got != k {
			t.Errorf("%s.index() = %d, want %d", ty, got, k)
		}
		for _, other := range []Type{ty[:len(ty)-1] + "x", Type(strings.ToUpper(string(ty))), ty + "s"} {
			if got := other.index(); got != -1 {
				t.Errorf("%s.index() = %d, want -1", other, got)
			}
		}
	}
	if got := Type("").index(); got != -1 {
		t.Errorf(`"".index() = %d`, got)
	}
}

// appendNormalise writes what Normalise returns, for every type, on
// random text with white space of every kind, odd bytes and non-ASCII.
func TestAppendNormalise(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := []string{"a", "Z", "0", "7", " ", "  ", "\t", "\n", "\v", "\r", "+", "-", ".", "@", "é", "\u00a0", "\u2003", "\xff"}
	for n := 0; n < 3000; n++ {
		var sb strings.Builder
		for k := r.IntN(24); k > 0; k-- {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		v := sb.String()
		for _, ty := range Types {
			if got, want := string(appendNormalise([]byte("x"), ty, []byte(v))), "x"+Normalise(ty, v); got != want {
				t.Fatalf("appendNormalise(%s, %q) = %q, want %q", ty, v, got, want)
			}
		}
	}
}

// appendHexWords writes the bytes of two words as encoding/hex does.
func TestAppendHexWords(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for n := 0; n < 1000; n++ {
		lo, hi := r.Uint64(), r.Uint64()
		if n == 0 {
			lo, hi = 0, ^uint64(0)
		}
		want := "x" + hex.EncodeToString(binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, lo), hi))
		if got := string(appendHexWords([]byte("x"), lo, hi)); got != want {
			t.Fatalf("appendHexWords(%x, %x) = %s, want %s", lo, hi, got, want)
		}
	}
}
