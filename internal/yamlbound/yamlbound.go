// Package yamlbound reads YAML that people send without letting a small
// document grow large in memory: YAML aliases repeat what they point to,
// so a few kilobytes of text can stand for gigabytes of values (a
// "billion laughs" document). Check parses the text into yaml.v3's node
// tree, which keeps aliases as pointers, and measures what decoding would
// build before anything is built.
package yamlbound

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// Limits bound what a document may expand to once its aliases are
// followed: the total length of its text values and keys, the number of
// values, and how deeply they nest.
type Limits struct {
	Bytes int64
	Nodes int64
	Depth int
}

// Default suits documents people write or upload: facts, rule packs.
var Default = Limits{Bytes: 4 << 20, Nodes: 200_000, Depth: 64}

// Parse reads data into a node tree and checks it against lim. The error
// is a fault.TooLarge naming the limit, or a fault.Invalid for text that
// is not YAML.
func Parse(data []byte, lim Limits) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fault.Errorf(fault.Invalid, "The document is not valid YAML: %v.", err)
	}
	if err := Check(&doc, lim); err != nil {
		return nil, err
	}
	return &doc, nil
}

// Check measures the values n stands for, following aliases, and says
// whether they fit lim. Each anchored node is measured once, so the check
// costs time in proportion to the text, not to what it expands to.
func Check(n *yaml.Node, lim Limits) error {
	m := measurer{lim: lim, memo: map[*yaml.Node]size{}}
	s, err := m.measure(n, 0)
	if err != nil {
		return err
	}
	if s.bytes > lim.Bytes {
		return tooLarge(fmt.Sprintf("its values add up to more than %s", mb(lim.Bytes)))
	}
	if s.nodes > lim.Nodes {
		return tooLarge(fmt.Sprintf("it holds more than %d values", lim.Nodes))
	}
	return nil
}

type size struct{ bytes, nodes int64 }

type measurer struct {
	lim  Limits
	memo map[*yaml.Node]size
	// open marks the aliases being followed, so a cycle is refused
	// rather than followed for ever.
	open map[*yaml.Node]bool
}

func tooLarge(why string) error {
	return fault.Errorf(fault.TooLarge, "The document is too large once its aliases (*name) are expanded: %s. Write the values out, or send a smaller document.", why)
}

func mb(n int64) string { return fmt.Sprintf("%d MB", n>>20) }

func (m *measurer) measure(n *yaml.Node, depth int) (size, error) {
	if n == nil {
		return size{}, nil
	}
	if depth > m.lim.Depth {
		return size{}, tooLarge(fmt.Sprintf("it nests more than %d levels deep", m.lim.Depth))
	}
	if s, ok := m.memo[n]; ok {
		return s, nil
	}
	var s size
	switch n.Kind {
	case yaml.AliasNode:
		if m.open == nil {
			m.open = map[*yaml.Node]bool{}
		}
		if m.open[n.Alias] {
			return size{}, fault.Errorf(fault.Invalid, "The document's alias *%s refers to itself.", n.Value)
		}
		m.open[n.Alias] = true
		t, err := m.measure(n.Alias, depth+1)
		delete(m.open, n.Alias)
		if err != nil {
			return size{}, err
		}
		s = t
	default:
		s = size{bytes: int64(len(n.Value)), nodes: 1}
		for _, c := range n.Content {
			t, err := m.measure(c, depth+1)
			if err != nil {
				return size{}, err
			}
			s.bytes += t.bytes
			s.nodes += t.nodes
			// Stop adding as soon as a limit is passed: the sums cannot
			// overflow, and the answer comes at once.
			if s.bytes > m.lim.Bytes || s.nodes > m.lim.Nodes {
				return s, nil
			}
		}
	}
	m.memo[n] = s
	return s, nil
}
