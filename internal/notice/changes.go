package notice

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// FactChanges lists, in words, what changed between two facts documents:
// the body of an update to a regulator ("what changed since the last
// report").
func FactChanges(before, after []byte) []string {
	a, b := map[string]string{}, map[string]string{}
	flatten(before, a)
	flatten(after, b)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var paths []string
	for k := range keys {
		if a[k] != b[k] && k != "schema" {
			paths = append(paths, k)
		}
	}
	sort.Strings(paths)
	var out []string
	for _, p := range paths {
		name := strings.ReplaceAll(strings.ReplaceAll(p, "_", " "), ".", ": ")
		switch {
		case a[p] == "":
			out = append(out, fmt.Sprintf("%s: now known: %s.", name, b[p]))
		case b[p] == "":
			out = append(out, fmt.Sprintf("%s: no longer stated (was %s).", name, a[p]))
		default:
			out = append(out, fmt.Sprintf("%s: was %s, now %s.", name, a[p], b[p]))
		}
	}
	return out
}

func flatten(doc []byte, into map[string]string) {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return
	}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				walk(p, val)
			}
		case []any:
			var parts []string
			for _, e := range x {
				if m, ok := e.(map[string]any); ok {
					b, _ := json.Marshal(m)
					parts = append(parts, string(b))
				} else {
					parts = append(parts, fmt.Sprint(e))
				}
			}
			sort.Strings(parts)
			into[prefix] = strings.Join(parts, ", ")
		default:
			into[prefix] = fmt.Sprint(x)
		}
	}
	walk("", v)
}
