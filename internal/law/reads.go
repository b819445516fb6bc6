package law

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
)

// envMask is a set of Env fields, one bit per field (by its index), so
// that the probes for flips re-decide only the rules that read a field
// an alternative value of a fact changed.
type envMask uint64

// envBit is each Env field's bit, by name; envMethods are the fields the
// Env methods a condition can call read; keyField maps each envKey field
// to its Env field's bit.
var (
	envBit     = fieldBits()
	envMethods = map[string]string{"Has": "Categories", "HasAny": "Categories", "InGroup": "Groups", "Under": "SubjectTo", "In": "Places", "MostInOne": "Places"}
	keyField   = keyBits()
)

func fieldBits() map[string]envMask {
	t := reflect.TypeOf(Env{})
	if t.NumField() > 64 {
		panic("law: Env has more than 64 fields; envMask must grow")
	}
	out := make(map[string]envMask, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		out[t.Field(i).Name] = 1 << i
	}
	return out
}

func keyBits() []envMask {
	k := reflect.TypeOf(envKey{})
	out := make([]envMask, k.NumField())
	for i := 0; i < k.NumField(); i++ {
		b, ok := envBit[k.Field(i).Name]
		if !ok {
			panic("law: envKey field " + k.Field(i).Name + " is not an Env field")
		}
		out[i] = b
	}
	return out
}

// maskOf is the set of the named fields.
func maskOf(names ...string) envMask {
	var m envMask
	for _, n := range names {
		b, ok := envBit[n]
		if !ok {
			panic("law: no Env field " + n)
		}
		m |= b
	}
	return m
}

// allFields is every field: a rule whose reads are not known.
const allFields = ^envMask(0)

// entityReads are what every rule reads besides its own conditions: the
// other entity's notification (byOtherEntity).
var entityReads = maskOf("OtherEntityNotified", "OtherEntity")

// stateReads are the fields the rules compiled from a US state statute
// profile read (usstate.go); a property test checks that probing with
// this set finds every flip that deciding every rule finds.
var stateReads = maskOf("Accessed", "Acquired", "Categories", "GoodFaithInsider", "Inadvertent", "LawEnforcementDelay", "Level", "Likelihood",
	"NotAcquired", "Paper", "PasswordsProtected", "Residents", "ResidentsMax", "SubjectTo", "Unintelligible") | entityReads

// conditionReads is the set of fields a compiled condition reads, or
// allFields when a name is not known.
func conditionReads(c *Clause) envMask {
	if c.program == nil {
		if c.test != nil {
			return allFields
		}
		return 0
	}
	v := &readsVisitor{}
	node := c.program.Node()
	ast.Walk(&node, v)
	return v.m
}

type readsVisitor struct{ m envMask }

func (v *readsVisitor) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if b, ok := envBit[n.Value]; ok {
			v.m |= b
		} else if f, ok := envMethods[n.Value]; ok {
			v.m |= envBit[f]
		} else {
			v.m = allFields
		}
	case *ast.MemberNode, *ast.PointerNode, *ast.VariableDeclaratorNode:
		v.m = allFields // not used by the packs: read everything to be safe
	}
}

// reads is the set of fields a rule's decision depends on.
func (rl *Rule) readSet() envMask {
	if rl.fn != nil {
		if rl.reads != 0 {
			return rl.reads
		}
		return allFields
	}
	m := entityReads
	for k := range rl.When {
		m |= conditionReads(&rl.When[k])
	}
	return m
}

// diff is the set of fields whose values differ between two
// environments.
func diff(a, b *Env) envMask {
	ka, kb := reflect.ValueOf(a.key()), reflect.ValueOf(b.key())
	var m envMask
	for i, bit := range keyField {
		if !ka.Field(i).Equal(kb.Field(i)) {
			m |= bit
		}
	}
	return m
}
