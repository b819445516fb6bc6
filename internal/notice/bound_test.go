package notice

import (
	"strings"
	"testing"
	"time"
)

// A template's loops and output are bounded whatever it says; {{range
// 5000000}} used to run to the end, growing with the number.
func TestTemplateExecutionIsBounded(t *testing.T) {
	for name, body := range map[string]string{
		"long loop":     "{{range 5000000}}{{end}}",
		"nested loops":  "{{range 1000}}{{range 1000}}{{end}}{{end}}",
		"large output":  `{{range 90000}}{{printf "%020d" 0}}{{end}}`,
		"loop from len": `{{range len "` + strings.Repeat("x", 200_000) + `"}}{{end}}`,
	} {
		tpl, err := LoadTemplates("en")
		if err != nil {
			t.Fatal(err)
		}
		if err := tpl.Set(Individual, body); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		_, err = tpl.Render(Sample(Individual, time.Now()))
		if err == nil || !strings.Contains(err.Error(), "notices are a few pages") {
			t.Errorf("%s: want a bound, got %v", name, err)
		}
	}
}

func TestTemplatesCannotRecurse(t *testing.T) {
	tpl, err := LoadTemplates("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{`{{define "a"}}{{template "a" .}}{{template "a" .}}{{end}}{{template "a" .}}`, `{{block "b" .}}x{{end}}`} {
		if err := tpl.Set(Individual, body); err == nil {
			t.Errorf("%q was accepted", body)
		}
	}
}

// The built-in templates, which range over lists, still render.
func TestBuiltinTemplatesRenderUnderTheBounds(t *testing.T) {
	tpl, err := LoadTemplates("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Kinds {
		if _, err := tpl.Render(Sample(k, time.Now())); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
}
