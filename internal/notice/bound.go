package notice

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"text/template"
	"text/template/parse"
)

// An organisation edits its notice templates, and the editor previews
// each change, so a template must not be able to keep the server busy:
// {{range 5000000}} took 1.5 s and grew with the number. Every range is
// charged to a budget of iterations per rendering, the text written is
// bounded, and templates may not define or call other templates (which
// could recurse without ranging). Notices are a few pages: the limits are
// far above any real one.
const (
	maxRangeSteps   = 100_000
	maxNoticeOutput = 1 << 20
)

var errTooLong = fmt.Errorf("the template writes more than %d KB: notices are a few pages", maxNoticeOutput>>10)

// guard checks a parsed template and makes each range pay into the
// budget: {{range P}} becomes {{range bounded (P)}}.
func guard(t *template.Template) error {
	if len(t.Templates()) > 1 {
		return errors.New("notice templates cannot define other templates ({{define}} or {{block}})")
	}
	if t.Tree == nil {
		return nil
	}
	return guardNode(t.Tree.Root)
}

func guardNode(n parse.Node) error {
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return nil
		}
		for _, c := range x.Nodes {
			if err := guardNode(c); err != nil {
				return err
			}
		}
	case *parse.TemplateNode:
		return fmt.Errorf("notice templates cannot call other templates ({{template %q}})", x.Name)
	case *parse.IfNode:
		return guardBranch(&x.BranchNode)
	case *parse.WithNode:
		return guardBranch(&x.BranchNode)
	case *parse.RangeNode:
		p := x.Pipe
		inner := &parse.PipeNode{NodeType: parse.NodePipe, Pos: p.Pos, Line: p.Line, Cmds: p.Cmds}
		p.Cmds = []*parse.CommandNode{{NodeType: parse.NodeCommand, Pos: p.Pos,
			Args: []parse.Node{parse.NewIdentifier("bounded").SetPos(p.Pos), inner}}}
		return guardBranch(&x.BranchNode)
	}
	return nil
}

func guardBranch(b *parse.BranchNode) error {
	if err := guardNode(b.List); err != nil {
		return err
	}
	return guardNode(b.ElseList)
}

// budget counts the iterations of one rendering.
type budget struct{ left int }

// bounded charges what a range will go through and hands it back.
func (b *budget) bounded(v any) (any, error) {
	rv := reflect.ValueOf(v)
	n := 0
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n = int(min(rv.Int(), maxRangeSteps+1))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n = int(min(rv.Uint(), maxRangeSteps+1))
	case reflect.Slice, reflect.Array, reflect.Map:
		n = rv.Len()
	case reflect.Invalid:
		return v, nil
	case reflect.Func, reflect.Chan:
		return nil, errors.New("notice templates range over lists and numbers only")
	}
	b.left -= n
	if b.left < 0 {
		return nil, fmt.Errorf("the template's loops run more than %d times: notices are a few pages", maxRangeSteps)
	}
	return v, nil
}

// limitedWriter fails once more than max bytes are written, which stops
// the template at once.
type limitedWriter struct {
	w   io.Writer
	max int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if len(p) > l.max {
		return 0, errTooLong
	}
	l.max -= len(p)
	return l.w.Write(p)
}
