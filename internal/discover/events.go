package discover

import "bytes"

// Multi-line log events. A support ticket's first line may carry the
// customer's email and the lines under it their IRD number or card; a
// stack trace or a pretty-printed request spans many lines. Log shippers
// join such lines into one event with a multiline rule ("a line that
// does not start with a timestamp belongs to the event above"); the
// scanner does the same, so that an event is one record and one person,
// not one per line. The rule is learnt from the first lines of each
// file, since a text file that is not a log has no events.

// eventStyle is how a text file's lines make records.
type eventStyle uint8

const (
	// eachLine: every line is a record (plain text, lists, letters).
	eachLine eventStyle = iota
	// byStart: a line that does not start as a log event does (with a
	// timestamp, a level, a syslog priority...) continues the event above.
	byStart
	// byIndent: an indented line continues the line above (a file of
	// unindented entries, each with indented details).
	byIndent
	// quotedApart: every line continues the one above but for quoted
	// lines ("> ..."), another message's: a message's own body.
	quotedApart
)

// Bounds on one event, as log shippers bound theirs (Filebeat's
// max_lines is 500): past them the next line starts a new record.
const (
	maxEventLines = 500
	maxEventBytes = 1 << 20
)

// learnStyle reads the first lines of a text file (at most 200) and
// decides how its lines make events: by their starts when a fair share
// of the unindented lines (a quarter, and at least two) start as log
// events do (indented lines are stack traces and details); by
// indentation when some lines are indented and most are not; else each
// line on its own.
func learnStyle(head []byte) eventStyle {
	lines, starts, indented := 0, 0, 0
	for len(head) > 0 && lines < 200 {
		end := bytes.IndexByte(head, '\n')
		if end < 0 {
			end = len(head)
		}
		line := bytes.TrimRight(head[:end], "\r")
		head = head[min(end+1, len(head)):]
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		lines++
		switch {
		case line[0] == ' ' || line[0] == '\t':
			indented++
		case eventStart(line):
			starts++
		}
	}
	switch {
	case starts >= 2 && starts*4 >= lines-indented:
		return byStart
	case indented > 0 && lines-indented >= 2 && indented*10 <= lines*7:
		return byIndent
	}
	return eachLine
}

// continues says whether a line continues the event above it.
func (st eventStyle) continues(line []byte) bool {
	switch st {
	case byStart:
		return len(bytes.TrimSpace(line)) == 0 || line[0] == ' ' || line[0] == '\t' || !eventStart(line)
	case byIndent:
		return len(line) > 0 && (line[0] == ' ' || line[0] == '\t')
	case quotedApart:
		return len(line) == 0 || line[0] != '>'
	}
	return false
}

// levels are the words a log line may start with: its level.
var levels = func() *wordTable {
	t := &wordTable{}
	for _, w := range []string{"trace", "debug", "info", "information", "notice", "warn", "warning", "error", "err", "fatal",
		"critical", "crit", "alert", "emerg", "emergency", "severe", "fine", "finer", "finest", "verbose", "panic"} {
		t.add(w, 1)
	}
	return t
}()

// months and days name a timestamp's month or weekday in English.
var months = func() *wordTable {
	t := &wordTable{}
	for _, w := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
		"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		t.add(w, 1)
	}
	return t
}()

// eventStart says whether a line starts as a log event does: with a
// date or time (ISO 8601, 01/03/2026, 01-Mar-2026, syslog's "Mar  1
// 09:00:00", a Unix time), a level ("INFO", "[ERROR]", "E0301 ..."), a
// syslog priority ("<34>"), an IP address (access logs), or a JSON
// object (JSON logs).
func eventStart(line []byte) bool {
	i := 0
	for i < len(line) && i < 2 && (line[i] == '[' || line[i] == '(') {
		i++
	}
	if i < len(line) && line[i] == '<' { // <34>1 2026-03-01T...
		j := i + 1
		for j < len(line) && isDigit(line[j]) {
			j++
		}
		if j > i+1 && j < len(line) && line[j] == '>' {
			return true
		}
	}
	if i >= len(line) {
		return false
	}
	c := line[i]
	switch {
	case c == '{' && i == 0:
		return true
	case isDigit(c):
		return numericStart(line[i:])
	case isAlpha(c):
		j := i
		for j < len(line) && isAlpha(line[j]) {
			j++
		}
		w := line[i:j]
		if j < len(line) && isAlpha(line[j]) {
			return false
		}
		// A level, as a word on its own (not "Information about...").
		if v, _ := levels.lookup(nil, w); v != 0 && (j == len(line) || !isAlpha(line[j])) && upperOrFollowed(w, line, j) {
			return true
		}
		// "Mar  1 09:00:00", "Mon Mar  1 ...", "Mon, 01 Mar 2026".
		if len(w) == 3 || (len(w) > 3 && len(w) <= 9) {
			if v, _ := months.lookup(nil, w[:3]); v != 0 && isCapitalised(w) {
				rest := bytes.TrimLeft(line[j:], " ,")
				return len(rest) > 0 && (isDigit(rest[0]) || isAlpha(rest[0]) && len(w) == 3 && monthThenDay(rest))
			}
		}
		// glog and klog: "I0301 09:00:00.000000 ..."
		if len(w) == 1 && (w[0] == 'I' || w[0] == 'W' || w[0] == 'E' || w[0] == 'F') {
			return j+4 <= len(line) && allDigits(line[j:j+4])
		}
	}
	return false
}

// upperOrFollowed says a level word is written as levels are: in
// capitals ("INFO"), or followed by a colon, a bracket or a bar
// ("Info:", "warn]", "error |"), not as the first word of a sentence.
func upperOrFollowed(w, line []byte, j int) bool {
	up := true
	for _, c := range w {
		up = up && c >= 'A' && c <= 'Z'
	}
	if up {
		return true
	}
	return j < len(line) && (line[j] == ':' || line[j] == ']' || line[j] == '|' || line[j] == ')')
}

func isCapitalised(w []byte) bool { return w[0] >= 'A' && w[0] <= 'Z' }

// monthThenDay is "Mar  1", "Mar 01": a month word and a day.
func monthThenDay(b []byte) bool {
	j := 0
	for j < len(b) && isAlpha(b[j]) {
		j++
	}
	if j != 3 {
		return false
	}
	if v, _ := months.lookup(nil, b[:3]); v == 0 {
		return false
	}
	rest := bytes.TrimLeft(b[3:], " ")
	return len(rest) > 0 && isDigit(rest[0])
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return len(b) > 0
}

// numericStart says whether a line that starts with a digit starts with
// a date, a time, a Unix time or an IPv4 address.
func numericStart(b []byte) bool {
	run := func(at int) int {
		j := at
		for j < len(b) && isDigit(b[j]) {
			j++
		}
		return j - at
	}
	n := run(0)
	if n >= 9 && n <= 13 { // a Unix time in seconds or milliseconds
		return n == len(b) || b[n] == ' ' || b[n] == '.' || b[n] == '\t' || b[n] == ','
	}
	if n == 0 || n > 4 || n >= len(b) {
		return false
	}
	sep := b[n]
	switch sep {
	case '-', '/', '.':
		m := run(n + 1)
		if m == 0 {
			// 01-Mar-2026, 10/Oct/2000:13:55:36
			k := n + 1
			for k < len(b) && isAlpha(b[k]) {
				k++
			}
			return k-n-1 == 3 && k < len(b) && b[k] == sep && run(k+1) >= 2
		}
		k := n + 1 + m
		if m > 4 || k >= len(b) {
			return false
		}
		if b[k] != sep {
			return false
		}
		p := run(k + 1)
		if sep == '.' && n <= 3 && m <= 3 && p >= 1 && p <= 3 && k+1+p < len(b) && b[k+1+p] == '.' {
			return true // an IPv4 address
		}
		return (n == 4 && m <= 2 && p >= 1 && p <= 2) || (n <= 2 && m <= 2 && (p == 2 || p == 4))
	case ':':
		return n <= 2 && run(n+1) == 2
	}
	return false
}
