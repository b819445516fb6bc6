//go:build !unix

package datadir

import (
	"errors"
	"os"
)

func tryLock(*os.File) error {
	return errors.New("locking the data folder needs a Unix-like system")
}

func unlock(*os.File) error { return nil }
