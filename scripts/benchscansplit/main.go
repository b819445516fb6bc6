// Command benchscansplit is scripts/bench-scan-split's helper.
//
//	benchscansplit gen DIR MB       writes a corpus of about MB megabytes of mixed files
//	benchscansplit run BREACHDESK DIR WORKERS
//	                                scans DIR as one job on the cluster's database with
//	                                WORKERS worker processes, each on a core of its own
//
// run prints one line: the wall time from queuing the scan to its end,
// the workers' CPU time (user+sys), the parts, the people, the time and
// CPU time of each phase as the workers logged them, and a digest
// of the people found (their masked lines with what depends on the order
// of reading left out, sorted), which must be the same whatever the
// number of workers.
package main

import (
	"archive/zip"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/breachdesk/breachdesk/internal/blobs"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/store"
	"github.com/breachdesk/breachdesk/internal/vault"
)

func main() {
	var err error
	switch {
	case len(os.Args) == 4 && os.Args[1] == "gen":
		var mb int
		if mb, err = strconv.Atoi(os.Args[3]); err == nil {
			err = gen(os.Args[2], int64(mb)<<20)
		}
	case len(os.Args) == 5 && os.Args[1] == "run":
		var n int
		if n, err = strconv.Atoi(os.Args[4]); err == nil {
			err = run(context.Background(), os.Args[2], os.Args[3], n)
		}
	default:
		err = fmt.Errorf("usage: benchscansplit gen DIR MB | benchscansplit run BREACHDESK DIR WORKERS")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchscansplit:", err)
		os.Exit(1)
	}
}

// person is one of the corpus's people; each appears in several files
// (the CRM, the HR export, the logs, the letters), so that merging the
// parts is what joins their records.
type person struct {
	given, family, email, phone, street, city, dob string
}

var (
	givens   = []string{"Aroha", "Ben", "Chloe", "Daniel", "Emma", "Finn", "Grace", "Hemi", "Isla", "Jack", "Kiri", "Liam", "Mia", "Noah", "Olivia", "Priya", "Quinn", "Ruby", "Sam", "Tama", "Uma", "Vikram", "Wiremu", "Xin", "Yusuf", "Zoe"}
	families = []string{"Ngata", "Smith", "Wong", "Patel", "Brown", "Williams", "Taylor", "Singh", "Nguyen", "Walker", "Parata", "Kaur", "Chen", "Martin", "Jones", "Tipene", "Clarke", "Li", "Thompson", "White"}
	cities   = []string{"Auckland", "Wellington", "Christchurch", "Hamilton", "Dunedin", "Tauranga", "Napier", "Nelson"}
	streets  = []string{"Queen Street", "Victoria Street", "High Street", "Princes Street", "George Street", "Cuba Street", "Ponsonby Road", "Riccarton Road"}
)

func newPerson(r *rand.Rand, i int) person {
	g, f := givens[r.IntN(len(givens))], families[r.IntN(len(families))]
	return person{given: g, family: f, email: fmt.Sprintf("%s.%s%d@example.co.nz", strings.ToLower(g), strings.ToLower(f), i),
		phone: fmt.Sprintf("+64 21 %03d %04d", i/10000%1000, i%10000), street: fmt.Sprintf("%d %s", 1+r.IntN(400), streets[r.IntN(len(streets))]),
		city: cities[r.IntN(len(cities))], dob: fmt.Sprintf("19%02d-%02d-%02d", 40+r.IntN(60), 1+r.IntN(12), 1+r.IntN(28))}
}

// gen writes about size bytes of mixed files under dir: CSV exports of
// customers (a person a line), JSON Lines events (one in eight names
// someone), application logs (one line in twelve), letters in prose,
// sales reports that name no one, and zip archives of customer CSVs
// larger than a scan's part (which a scan splits into their members).
// Kept once written: a file "done" marks it.
func gen(dir string, size int64) error {
	if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(15, uint64(size)))
	people := make([]person, 200000)
	for i := range people {
		people[i] = newPerson(r, i)
	}
	pick := func() *person { return &people[r.IntN(len(people))] }
	kinds := []struct {
		name string
		line func(b []byte, k int) []byte
		head string
	}{
		{"crm/customers-%03d.csv", func(b []byte, k int) []byte {
			p := pick()
			return fmt.Appendf(b, "%d,%s,%s,%s,%s,\"%s, %s\",%s,NZ\n", k, p.given, p.family, p.email, p.phone, p.street, p.city, p.dob)
		}, "id,first_name,last_name,email,phone,address,dob,country\n"},
		{"events/events-%03d.jsonl", func(b []byte, k int) []byte {
			if k%8 != 0 { // most events name an account by its number only
				return fmt.Appendf(b, `{"seq":%d,"event":"view","account":%d,"page":"/products/%d","ms":%d}`+"\n", k, 100000+k%77777, k%5000, k%900)
			}
			p := pick()
			return fmt.Appendf(b, `{"seq":%d,"event":"login","user":{"email":"%s","name":"%s %s"},"ip":"10.%d.%d.%d","agent":"Mozilla/5.0 (X11; Linux x86_64)"}`+"\n", k, p.email, p.given, p.family, k%250, k/250%250, k%199)
		}, ""},
		{"logs/app-%03d.log", func(b []byte, k int) []byte {
			b = fmt.Appendf(b, "2026-11-%02dT%02d:%02d:%02dZ INFO request id=%08x path=/api/orders status=200 duration_ms=%d\n", 1+k%28, k%24, k%60, k%59, k*2654435761, k%900)
			if k%12 == 0 {
				p := pick()
				b = fmt.Appendf(b, "2026-11-%02dT%02d:%02d:%02dZ WARN password reset sent to %s (phone %s)\n", 1+k%28, k%24, k%60, k%59, p.email, p.phone)
			}
			return b
		}, ""},
		{"reports/sales-%03d.csv", func(b []byte, k int) []byte { // no one in it
			return fmt.Appendf(b, "%d,SKU-%05d,%d,%d.%02d,2026-11-%02d,store-%d\n", k, k%40000, 1+k%9, k%500, k%100, 1+k%28, k%60)
		}, "order,sku,quantity,amount,date,store\n"},
		{"letters/letters-%03d.txt", func(b []byte, k int) []byte {
			p := pick()
			return fmt.Appendf(b, "Dear %s %s,\n\nThank you for your order %d. We will deliver it to %s, %s. If anything is wrong, call us or write to %s.\n\nKind regards,\nThe team\n\n", p.given, p.family, k, p.street, p.city, p.email)
		}, ""},
	}
	const fileSize = 24 << 20
	var written int64
	for n := 0; written < size; n++ {
		kind := kinds[n%len(kinds)]
		name := fmt.Sprintf(kind.name, n)
		zipped := n%11 == 10 // every eleventh is a zip archive of two customer CSVs, about 48 MB
		path := filepath.Join(dir, name)
		if zipped {
			path = filepath.Join(dir, "archives", fmt.Sprintf("export-%03d.zip", n))
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		var w io.Writer = f
		var zw *zip.Writer
		members := 1
		if zipped {
			zw = zip.NewWriter(f)
			members = 2
			kind = kinds[0]
		}
		bw := bufio.NewWriterSize(w, 1<<20)
		var line []byte
		for m := range members {
			if zw != nil {
				bw.Flush()
				zf, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("export/customers-%d.csv", m), Method: zip.Store})
				if err != nil {
					return err
				}
				bw.Reset(zf)
			}
			bw.WriteString(kind.head)
			for k, done := 0, 0; done < fileSize; k++ {
				line = kind.line(line[:0], k)
				bw.Write(line)
				done += len(line)
			}
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		if zw != nil {
			if err := zw.Close(); err != nil {
				return err
			}
		}
		if err := f.Close(); err != nil {
			return err
		}
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		written += info.Size()
	}
	return os.WriteFile(filepath.Join(dir, "done"), nil, 0o600)
}

// run queues a scan of dir and runs workers worker processes, each
// running Go code on one thread, until it ends.
func run(ctx context.Context, bd, dir string, workers int) error {
	url := os.Getenv("BREACHDESK_DATABASE")
	db, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	pool, err := db.NewPool(ctx, store.QueueConns)
	if err != nil {
		return err
	}
	defer pool.Close()
	if db.Queue, err = jobs.New(pool, db.Dialect(), jobs.Config{}); err != nil {
		return err
	}
	incs, _, err := db.Incidents(ctx, incident.Filter{})
	if err != nil {
		return err
	}
	if len(incs) == 0 {
		return fmt.Errorf("no incident to scan for: load the demo first")
	}
	var procs []*exec.Cmd
	var logs []string
	for k := range workers {
		// One thread of Go code each (GOMAXPROCS=1, one job at a time): a
		// worker is a one-core machine here, so two of them on this 2-core
		// machine stand for two machines beside one.
		cmd := exec.Command(bd, "worker", "--job-workers", "1")
		cmd.Env = append(os.Environ(), "GOMAXPROCS=1", "BREACHDESK_WORKER_NAME=bench-worker-"+strconv.Itoa(k))
		logName := filepath.Join(os.Getenv("BREACHDESK_DATA"), fmt.Sprintf("worker-%d-%d.log", workers, k))
		logs = append(logs, logName)
		logf, err := os.Create(logName)
		if err != nil {
			return err
		}
		defer logf.Close()
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			return err
		}
		procs = append(procs, cmd)
	}
	defer func() {
		for _, p := range procs {
			if p.ProcessState == nil {
				p.Process.Kill()
				p.Wait()
			}
		}
	}()
	start := time.Now()
	j, err := db.Enqueue(ctx, incident.Actor{Name: "bench-scan-split"}, jobs.Job{Kind: "scan", IncidentID: incs[0].ID, Input: dir, Label: filepath.Base(dir)})
	if err != nil {
		return err
	}
	var got *jobs.Job
	for {
		if got, err = db.Job(ctx, j.ID); err != nil {
			return err
		}
		if got.Ended() {
			break
		}
		if time.Since(start) > 2*time.Hour {
			return fmt.Errorf("the scan did not end in two hours")
		}
		time.Sleep(200 * time.Millisecond)
	}
	wall := time.Since(start)
	if got.State != jobs.Done {
		return fmt.Errorf("the scan failed: %s", got.Error)
	}
	var cpu time.Duration
	for _, p := range procs {
		p.Process.Signal(syscall.SIGTERM)
		p.Wait()
		if ru, ok := p.ProcessState.SysUsage().(*syscall.Rusage); ok {
			cpu += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	people, digest, err := peopleDigest(ctx, j.ID)
	if err != nil {
		return err
	}
	// The scan's findings (about 9 GB for 2 GB of this corpus) are not
	// kept between runs: six runs would fill a disk.
	if err := removeScan(ctx, j.ID); err != nil {
		return err
	}
	var res struct {
		Summary struct {
			Bytes    int64 `json:"bytes"`
			Findings int64 `json:"findings"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(got.Result), &res); err != nil {
		return err
	}
	phases, err := phaseTimes(logs, j.ID)
	if err != nil {
		return err
	}
	fmt.Printf("workers %d wall %.1f s cpu %.1f s parts %d bytes %d findings %d people %d phases %s digest %s\n", workers, wall.Seconds(), cpu.Seconds(), got.Parts, res.Summary.Bytes, res.Summary.Findings, people, phases, digest)
	return nil
}

// phaseTimes sums the phases the workers logged for the job ("scan
// phase": the parts, the merge of their people, listing the people,
// recording the outcome) as "part W/C merge W/C people W/C outcome W/C",
// the time each took and the CPU time its process spent meanwhile, in
// seconds, summed over the workers. A worker that ran a part and the
// merge at once counts its CPU time in both.
func phaseTimes(logs []string, id int64) (string, error) {
	names := []string{"part", "merge", "people", "outcome"}
	wall, cpu := map[string]float64{}, map[string]float64{}
	prefix := "job=" + strconv.FormatInt(id, 10) + " "
	for _, name := range logs {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", err
		}
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.Contains(line, `msg="scan phase" `+prefix) {
				continue
			}
			var phase string
			var w, c float64
			for _, f := range strings.Fields(line) {
				k, v, _ := strings.Cut(f, "=")
				switch k {
				case "phase":
					phase = v
				case "seconds":
					w, err = strconv.ParseFloat(v, 64)
				case "cpu_seconds":
					c, err = strconv.ParseFloat(v, 64)
				}
				if err != nil {
					return "", fmt.Errorf("%s: %q: %w", name, line, err)
				}
			}
			wall[phase] += w
			cpu[phase] += c
		}
	}
	var out []string
	for _, n := range names {
		out = append(out, fmt.Sprintf("%s %.1f/%.1f", n, wall[n], cpu[n]))
	}
	return strings.Join(out, " "), nil
}

// removeScan deletes the scan's outputs from the file store.
func removeScan(ctx context.Context, id int64) error {
	dataDir := os.Getenv("BREACHDESK_DATA")
	b, _, err := blobs.OpenBucket(ctx, os.Getenv("BREACHDESK_BLOB"), dataDir)
	if err != nil {
		return err
	}
	defer b.Close()
	bs := &blobs.Store{Bucket: b}
	return bs.DeletePrefix(ctx, "scans/job-"+strconv.FormatInt(id, 10)+"/")
}

// peopleDigest reads the scan's people from the file store and digests
// them with the ids left out, the identifiers' HMACs (under each scan's
// own key) reduced to their types, every list sorted, and the lines
// sorted.
func peopleDigest(ctx context.Context, id int64) (int, string, error) {
	dataDir := os.Getenv("BREACHDESK_DATA")
	sealer, err := vault.Load(dataDir, os.Getenv("BREACHDESK_DATA_KEY"))
	if err != nil {
		return 0, "", err
	}
	b, where, err := blobs.OpenBucket(ctx, os.Getenv("BREACHDESK_BLOB"), dataDir)
	if err != nil {
		return 0, "", err
	}
	defer b.Close()
	bs := &blobs.Store{Bucket: b, Sealer: sealer, Where: where}
	r, err := bs.Open(ctx, "scans/job-"+strconv.FormatInt(id, 10)+"/people.jsonl")
	if err != nil {
		return 0, "", err
	}
	defer r.Close()
	var lines []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var p map[string]any
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return 0, "", err
		}
		delete(p, "id")
		if ids, ok := p["identifiers"].([]any); ok {
			for i, x := range ids {
				ids[i] = x.(map[string]any)["type"]
			}
		}
		for _, v := range p {
			if list, ok := v.([]any); ok {
				slices.SortFunc(list, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
			}
		}
		if src, ok := p["sources"].(map[string]any); ok {
			if files, ok := src["files"].([]any); ok {
				slices.SortFunc(files, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
			}
		}
		line, err := json.Marshal(p)
		if err != nil {
			return 0, "", err
		}
		lines = append(lines, string(line))
	}
	if err := sc.Err(); err != nil {
		return 0, "", err
	}
	slices.Sort(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l))
		h.Write([]byte{'\n'})
	}
	return len(lines), hex.EncodeToString(h.Sum(nil))[:16], nil
}
