// Package dashboard turns incidents, obligations and review actions into
// the charts a privacy officer would rather look at than read: incidents
// by month and cause, times to contain and to notify against the 72-hour
// line, obligations met on time or late, open actions by age, and the
// risk matrix of current incidents. Charts are server-side SVG with a
// title, a description and the table behind each, so they need no
// script and read well with a screen reader.
package dashboard

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Series is one named set of values across the chart's categories.
type Series struct {
	Name   string
	Colour string
	Values []float64
}

// BarChart is a bar chart, stacked when it has several series.
type BarChart struct {
	ID         string
	Title      string
	Desc       string
	Categories []string
	Series     []Series
	YLabel     string
	// Marker draws a dashed line after the category with this index, with
	// its label (e.g. the 72-hour deadline); -1 for none.
	Marker      int
	MarkerLabel string
}

// Table is the data behind a chart, for people who cannot see it.
type Table struct {
	Header []string
	Rows   [][]string
}

func esc(s string) string { return html.EscapeString(s) }

func fmtNum(v float64) string {
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.1f", v)
}

// SVG renders the chart.
func (c BarChart) SVG() template.HTML {
	const w, h, left, right, top, bottom = 640.0, 260.0, 44.0, 12.0, 16.0, 54.0
	max := 0.0
	for i := range c.Categories {
		sum := 0.0
		for _, s := range c.Series {
			sum += s.Values[i]
		}
		if sum > max {
			max = sum
		}
	}
	if max == 0 {
		max = 1
	}
	step := niceStep(max)
	top2 := step * float64(int(max/step)+1)
	plotW, plotH := w-left-right, h-top-bottom
	n := float64(len(c.Categories))
	bw := plotW / n * 0.7
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="11">`, w, h, c.ID, c.ID)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, c.ID, esc(c.Title), c.ID, esc(c.Desc))
	for v := 0.0; v <= top2+1e-9; v += step {
		y := top + plotH - v/top2*plotH
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#e3e7ed"/><text x="%.1f" y="%.1f" text-anchor="end" fill="#5b6472">%s</text>`, left, w-right, y, y, left-6, y+4, fmtNum(v))
	}
	for i, cat := range c.Categories {
		x := left + plotW/n*float64(i) + (plotW/n-bw)/2
		base := top + plotH
		for _, s := range c.Series {
			v := s.Values[i]
			if v <= 0 {
				continue
			}
			hh := v / top2 * plotH
			base -= hh
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s, %s: %s</title></rect>`, x, base, bw, hh, s.Colour, esc(cat), esc(s.Name), fmtNum(v))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#1d2430">%s</text>`, x+bw/2, top+plotH+14, esc(cat))
	}
	if c.Marker >= 0 && c.Marker < len(c.Categories)-1 {
		x := left + plotW/n*float64(c.Marker+1)
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#b42318" stroke-width="2" stroke-dasharray="5 4"/><text x="%.1f" y="%.1f" fill="#b42318">%s</text>`,
			x, x, top, top+plotH, x+4, top+10, esc(c.MarkerLabel))
	}
	if len(c.Series) > 1 {
		x, y := left, h-30.0
		for _, s := range c.Series {
			width := 20 + 6.2*float64(len(s.Name))
			if x+width > w-right {
				x, y = left, y+13
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="10" height="10" fill="%s"/><text x="%.1f" y="%.1f" fill="#1d2430">%s</text>`, x, y, s.Colour, x+14, y+9, esc(s.Name))
			x += width
		}
	}
	fmt.Fprintf(&b, `<text x="12" y="%.1f" transform="rotate(-90 12 %.1f)" text-anchor="middle" fill="#5b6472">%s</text></svg>`, top+plotH/2, top+plotH/2, esc(c.YLabel))
	return template.HTML(b.String())
}

// Table returns the chart's data as a table.
func (c BarChart) Table() Table {
	t := Table{Header: []string{""}}
	for _, s := range c.Series {
		t.Header = append(t.Header, s.Name)
	}
	for i, cat := range c.Categories {
		row := []string{cat}
		for _, s := range c.Series {
			row = append(row, fmtNum(s.Values[i]))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func niceStep(max float64) float64 {
	for _, s := range []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000} {
		if max/s <= 6 {
			return s
		}
	}
	return max / 5
}

// HeatMap is the risk matrix: counts of incidents by likelihood (rows,
// most likely on top) and severity (columns).
type HeatMap struct {
	ID, Title, Desc string
	Rows, Cols      []string
	Counts          [][]int // [row][col]
}

// SVG renders the heat map, darker for more incidents and redder for
// higher risk.
func (m HeatMap) SVG() template.HTML {
	const cell, left, top = 84.0, 110.0, 16.0
	w := left + cell*float64(len(m.Cols)) + 10
	h := top + cell*float64(len(m.Rows)) + 40
	max := 1
	for _, r := range m.Counts {
		for _, v := range r {
			if v > max {
				max = v
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">`, w, h, m.ID, m.ID)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, m.ID, esc(m.Title), m.ID, esc(m.Desc))
	for ri, row := range m.Rows {
		y := top + cell*float64(ri)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" fill="#1d2430">%s</text>`, left-8, y+cell/2+4, esc(row))
		for ci := range m.Cols {
			v := m.Counts[ri][ci]
			risk := float64((len(m.Rows)-1-ri)+ci) / float64(len(m.Rows)+len(m.Cols)-2)
			alpha := 0.12 + 0.88*float64(v)/float64(max)
			if v == 0 {
				alpha = 0.06
			}
			r, g := int(60+190*risk), int(170-120*risk)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="rgb(%d,%d,60)" fill-opacity="%.2f" stroke="#fff"><title>%s, %s: %d</title></rect>`,
				left+cell*float64(ci), y, cell, cell, r, g, alpha, esc(row), esc(m.Cols[ci]), v)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="18" fill="#1d2430">%d</text>`, left+cell*float64(ci)+cell/2, y+cell/2+6, v)
		}
	}
	for ci, col := range m.Cols {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#1d2430">%s</text>`, left+cell*float64(ci)+cell/2, top+cell*float64(len(m.Rows))+16, esc(col))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#5b6472">severity</text></svg>`, left+cell*float64(len(m.Cols))/2, h-4)
	return template.HTML(b.String())
}

// Table returns the heat map's data as a table.
func (m HeatMap) Table() Table {
	t := Table{Header: append([]string{"likelihood \\ severity"}, m.Cols...)}
	for ri, row := range m.Rows {
		r := []string{row}
		for ci := range m.Cols {
			r = append(r, fmt.Sprint(m.Counts[ri][ci]))
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}
