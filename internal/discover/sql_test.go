package discover

import (
	"strings"
	"testing"
)

// pg_dump writes table data as COPY ... FROM stdin blocks by default:
// each row is a record named by the column list, its escapes undone;
// COPY to a file, the word copy elsewhere, and NULLs give nothing.
func TestSQLCopyBlocks(t *testing.T) {
	dump := strings.Join([]string{
		"-- PostgreSQL database dump; copy of production",
		"CREATE TABLE public.my_copy (id integer);",
		"COPY public.customers (id, full_name, email, notes, mobile) FROM stdin;",
		"1\tAroha Ngata\taroha@example.nz\tcalled re\\tIRD 49-091-850\t\\N",
		"2\tBen O\\\\Brien\tben\\x40example.au\tline one\\nline two\t+61 412 345 678",
		"\\.",
		"COPY public.audit TO '/tmp/audit.csv' WITH CSV;",
		"INSERT INTO public.extra (email) VALUES ('cara@example.org');",
		"COPY public.nocols FROM stdin;",
		"dan@example.org\t021 234 5678",
		"\\.",
		"",
	}, "\n")
	out := scanFinds(t, "dump.sql", []byte(dump),
		`"line":4,"field":"email","type":"email","masked":"a***@example.nz"`,
		`"line":4,"field":"notes","type":"nz_ird"`,
		`"line":4,"field":"full_name","type":"person_name"`,
		`"line":5,"field":"email","type":"email","masked":"b***@example.au"`, // \x40 is @
		`"line":5,"field":"mobile","type":"phone"`,
		`"line":8,"field":"email","type":"email","masked":"c***@example.org"`,
		`"line":10,"field":"column 1","type":"email","masked":"d***@example.org"`,
		`"line":10,"field":"column 2","type":"phone"`,
	)
	if n := strings.Count(out, "\n"); n != 9 {
		t.Errorf("%d findings, want 9:\n%s", n, out)
	}
}

// TestCopyUnescape checks COPY's escapes, including octal and hex bytes
// and a backslash at the end.
func TestCopyUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`plain`: "plain", `a\tb`: "a\tb", `a\\b`: `a\b`, `\101\x42\x4`: "AB\x04", `\xZ`: "xZ", `end\`: `end\`, `\b\f\n\r\v\q`: "\b\f\n\r\vq",
	} {
		if got := string(copyUnescape([]byte(in))); got != want {
			t.Errorf("copyUnescape(%q) = %q, want %q", in, got, want)
		}
	}
}

// mysqldump writes INSERTs without a column list by default: the columns
// come from the table's CREATE TABLE earlier in the dump, so a name
// column is found by its name.
func TestSQLColumnsFromCreateTable(t *testing.T) {
	dump := strings.Join([]string{
		"-- MySQL dump 10.13; create the tables",
		"DROP TABLE IF EXISTS `customers`;",
		"CREATE TABLE `customers` (",
		"  `id` int NOT NULL AUTO_INCREMENT,",
		"  `first_name` varchar(50) DEFAULT NULL,",
		"  `home_address` varchar(200) DEFAULT 'n/a, none',",
		"  `email` varchar(255),",
		"  `total` decimal(10,2),",
		"  PRIMARY KEY (`id`),",
		"  UNIQUE KEY `email` (`email`),",
		"  CONSTRAINT `fk` FOREIGN KEY (`id`) REFERENCES `x` (`id`)",
		") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;",
		"CREATE INDEX idx ON customers (email);",
		"CREATE TABLE copy_of LIKE customers;",
		"INSERT IGNORE INTO `customers` VALUES (1,'Aroha','12 Queen Street, Auckland','aroha@example.nz',10.50),(2,'Ben','3 High St','ben@example.au',7.00);",
		"CREATE TABLE public.staff (id integer NOT NULL, full_name text, CHECK (id > 0));",
		"INSERT INTO public.staff VALUES (7, 'Cara Jones');",
		"",
	}, "\n")
	scanFinds(t, "dump.sql", []byte(dump),
		`"line":15,"field":"first_name","type":"person_name"`,
		`"line":15,"field":"home_address","type":"street_address"`,
		`"line":15,"field":"email","type":"email","masked":"a***@example.nz"`,
		`"line":15,"field":"email","type":"email","masked":"b***@example.au"`,
		`"line":17,"field":"full_name","type":"person_name"`,
	)
	for body, want := range map[string]string{
		"`id` int, `a,b` text, \"Quoted Name\" text, [br] int, plain numeric(10,2), KEY `k` (`id`)": "id|a,b|Quoted Name|br|plain",
		// Columns named like constraint words stay columns; constraints do not.
		"key text, period int, check boolean, unique varchar(20), index, INDEX idx_a (a), KEY idx (b), UNIQUE (b), UNIQUE KEY `u` (c), CHECK (id > 0), CHECK(id > 1), PRIMARY KEY (id), CONSTRAINT c CHECK (x)": "key|period|check|unique|index",
		"id, key, value": "id|key|value", // a COPY column list
	} {
		if cols := columnNames([]byte(body)); strings.Join(cols, "|") != want {
			t.Errorf("columnNames(%s) = %q, want %s", body, cols, want)
		}
	}
}
