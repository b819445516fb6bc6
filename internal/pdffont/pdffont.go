// Package pdffont embeds the Unicode font every PDF of breachdesk is set
// in (DejaVu Sans, regular and bold; see fonts/LICENSE), so a name such
// as "Māori" or "Zoë" prints as written on any machine.
package pdffont

import (
	_ "embed"

	"codeberg.org/go-pdf/fpdf"
)

// Family is the font family name to use with SetFont.
const Family = "DejaVu"

var (
	//go:embed fonts/DejaVuSans.ttf
	regular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	bold []byte
)

// Add registers the family (styles "" and "B") with a document.
func Add(p *fpdf.Fpdf) {
	p.AddUTF8FontFromBytes(Family, "", regular)
	p.AddUTF8FontFromBytes(Family, "B", bold)
}
