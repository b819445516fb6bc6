//go:build !unix

package app

import "time"

// processCPU is not measured here: phases log a CPU time of 0.
func processCPU() time.Duration { return 0 }
