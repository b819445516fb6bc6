package notice

import (
	"bytes"
	"html/template"
)

var htmlPage = template.Must(template.New("notice").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Doc.Title}}</title>
{{with .Description}}<meta name="description" content="{{.}}">{{end}}
<style>
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;max-width:42rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.15rem;margin-top:1.6rem;border-bottom:1px solid #d9dee5;padding-bottom:.2rem}
dt{font-weight:600;margin-top:.6rem}dd{margin:.1rem 0 0 0}.missing{color:#b42318;font-weight:600}
</style>
</head>
<body>
<main>
<h1>{{.Doc.Title}}</h1>
{{range .Doc.Sections}}<section>
{{with .Heading}}<h2>{{.}}</h2>{{end}}
{{range .Blocks}}{{if eq .Kind 0}}<p>{{.Text}}</p>
{{else if eq .Kind 1}}<ul>{{range .Items}}<li>{{.}}</li>{{end}}</ul>
{{else}}<dl><dt>{{.Text}}</dt><dd>{{if .Missing}}{{if .Optional}}(not given){{else}}<span class="missing">Not answered yet</span>{{end}}{{else}}{{.Answer}}{{end}}</dd></dl>
{{end}}{{end}}</section>
{{end}}</main>
</body>
</html>
`))

// HTML renders the document as a standalone page (for email bodies and
// the public notice), every value escaped.
func (d Document) HTML(lang, description string) ([]byte, error) {
	var b bytes.Buffer
	err := htmlPage.Execute(&b, struct {
		Doc               Document
		Lang, Description string
	}{d, lang, description})
	return b.Bytes(), err
}
