package app

import "time"

// phase measures one phase of a job (a scan's part, its merge, its
// people, its outcome): the time it took and the CPU time this process
// spent meanwhile, logged when it ends so that a slow scan can be taken
// apart (scripts/bench-scan-split sums them). A worker runs other jobs
// and River's own work beside it, so the CPU time is the process's over
// the phase: exact for a worker running one job at a time.
type phase struct {
	start time.Time
	cpu   time.Duration
}

func startPhase() phase { return phase{start: time.Now(), cpu: processCPU()} }

// end logs the phase; attrs say which (part numbers, counts: never
// anything read from the files).
func (a *App) endPhase(p phase, jobID int64, name string, attrs ...any) {
	if a.Log == nil {
		return
	}
	cpu := processCPU() - p.cpu
	args := append([]any{"job", jobID, "phase", name, "seconds", round3(time.Since(p.start).Seconds()), "cpu_seconds", round3(cpu.Seconds())}, attrs...)
	a.Log.Info("scan phase", args...)
}

func round3(s float64) float64 { return float64(int64(s*1000+0.5)) / 1000 }
