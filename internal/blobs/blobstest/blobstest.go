// Package blobstest gives tests the two kinds of file store breachdesk
// runs on: a folder, and an S3-compatible server (gofakes3, in the test's
// process, spoken to over HTTP by the same S3 client production uses).
package blobstest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/breachdesk/breachdesk/internal/blobs"
	"github.com/breachdesk/breachdesk/internal/vault"
)

// Kinds are the kinds of store every blob test runs against.
var Kinds = []string{"file", "s3"}

// Open returns a new, empty store of the kind, sealing with sealer (nil:
// not sealing), and its URL (empty for the default folder, which is dir).
func Open(t testing.TB, kind, dir string, sealer *vault.Sealer) (*blobs.Store, string) {
	t.Helper()
	url := ""
	if kind == "s3" {
		url = S3(t)
	}
	b, where, err := blobs.OpenBucket(context.Background(), url, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return &blobs.Store{Bucket: b, Sealer: sealer, Where: where}, url
}

// S3 starts an S3-compatible server with one bucket and returns the
// bucket's URL, with the credentials it takes in the environment.
func S3(t testing.TB) string {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("breachdesk"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "breachdesk-test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "breachdesk-test-secret")
	return "s3://breachdesk?region=us-east-1&endpoint=" + srv.URL + "&use_path_style=true&disable_https=true"
}
