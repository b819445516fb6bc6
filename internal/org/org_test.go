package org

import (
	"testing"
	"time"

	_ "time/tzdata"
)

func TestEveryOfferedZoneLoads(t *testing.T) {
	if len(TimeZones) < 300 || TimeZones[0] != "UTC" {
		t.Fatalf("zones: %d, first %q", len(TimeZones), TimeZones[0])
	}
	for _, z := range TimeZones {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("%s: %v", z, err)
		}
		o := Organisation{Name: "x", ContactName: "y", ContactEmail: "p@example.org", TimeZone: z}
		if err := o.Validate(); err != nil {
			t.Errorf("%s refused: %v", z, err)
		}
	}
	for _, bad := range []string{"Local", "Mars/Olympus", "NZ time"} {
		o := Organisation{Name: "x", ContactName: "y", ContactEmail: "p@example.org", TimeZone: bad}
		if err := o.Validate(); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSettingsAreChecked(t *testing.T) {
	o := Organisation{Name: "x", ContactName: "y", ContactEmail: "p@example.org", Industry: "Z", RetentionYears: 500}
	err := o.Validate()
	if err == nil {
		t.Fatal("a bad industry and retention were accepted")
	}
	o = Organisation{Name: "x", ContactName: "y", ContactEmail: "p@example.org", Industry: "Q"}
	if err := o.Validate(); err != nil || IndustryLabel("Q") != "Q Health Care and Social Assistance" || o.Retention() != DefaultRetentionYears {
		t.Fatalf("%v %q %d", err, IndustryLabel("Q"), o.Retention())
	}
}
