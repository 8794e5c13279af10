package calibrate

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"playground/engine"
)

// The cross-check with an outside load client: the harness's Go client and
// locust (Debian's python3-locust 2.12, headless, a fixed number of users
// that never wait) take turns loading the same server, and their
// throughputs should agree. cmd/calibrate -locust runs it and writes the
// section LocustHeading of docs/calibration.md.

// LocustHeading starts the cross-check's section of docs/calibration.md.
const LocustHeading = "## The Go client against locust"

// LocustRows are the rows the cross-check runs by default: servers that
// close every connection or run one process, so that where a kept-alive
// connection lands (a draw that changes throughput on gthread, row
// gthread-2x5-c10) is the same for both clients.
var LocustRows = []string{"dev", "dev-threaded", "sync-4w", "uwsgi-2x4", "asyncio-blocking"}

// Locust is Debian's locust command.
const Locust = "/usr/bin/locust"

const (
	checkTurn  = 8 * time.Second // how long each client loads the server in one turn
	checkTurns = 5               // turns of each client, alternating
	// locustUser is the locustfile's user class: "fast" is FastHttpUser
	// (geventhttpclient). HttpUser (requests) costs locust several times
	// the CPU a request, and on a shared 2-core machine it, not the server,
	// bounded the throughput (row dev-threaded: 114-127 rps against the Go
	// client's 168-173).
	locustUser = "fast"
	// CheckTolerance is how far the two clients' throughputs may differ.
	CheckTolerance = 0.05
)

// checkNotes say, under the table, what the cross-check found beyond the
// figures, from the runs that wrote it.
var checkNotes = []string{
	"Earlier runs the same day, 3 turns of 10 s with the medians compared instead of pairs, gave locust 0.85 " +
		"(`FastHttpUser`) and 0.71 (`HttpUser`, requests: 114-127 against 168-173 rps) of the Go client's " +
		"throughput on dev-threaded, the one row whose server is CPU-bound: there the client's own CPU competes " +
		"with the server for the shared cores, and locust, Python on gevent, costs far more a request than the Go " +
		"client. It is still the row whose turns vary most. With `HttpUser` on uwsgi-2x4, 4.7% of locust's requests " +
		"failed (17 `ConnectionResetError`, 10 `RemoteDisconnected` of 570): uWSGI's --http-socket closes the " +
		"connection after every response without a `Connection: close` header, so requests' pool reuses a " +
		"connection the server has closed. Go's client retries such a GET by itself, and geventhttpclient saw no failure.",
}

// Check is one row's cross-check: the throughput of each turn of each
// client, in requests per second, on one server.
type Check struct {
	Row      Row
	Scenario string
	Go       []float64
	Locust   []float64
	Failed   [2]int // failed requests: Go's, locust's
	Err      string
}

// Ratio returns the median over the turns of locust's throughput over the
// Go client's in the turn just before it: each pair ran within seconds,
// so what other jobs on the machine did changes both alike.
func (ck Check) Ratio() float64 {
	var r []float64
	for i := range min(len(ck.Go), len(ck.Locust)) {
		if ck.Go[i] > 0 {
			r = append(r, ck.Locust[i]/ck.Go[i])
		}
	}
	if len(r) == 0 {
		return 0
	}
	return median(r)
}

// Agrees reports whether the two clients' throughputs are within
// CheckTolerance.
func (ck Check) Agrees() bool {
	return ck.Err == "" && math.Abs(ck.Ratio()-1) <= CheckTolerance
}

// CrossCheck starts r's server once and lets the Go client and locust take
// turns on it, checkTurn each, checkTurns times, after a warm-up.
func (h *Harness) CrossCheck(ctx context.Context, r Row) Check {
	ck := Check{Row: r, Scenario: h.FullScenario(r)}
	c, _, _, err := Predict(ck.Scenario)
	if err != nil {
		ck.Err = err.Error()
		return ck
	}
	if c.Think > 0 || c.Clients == 0 {
		ck.Err = "the cross-check needs closed-loop clients that do not think"
		return ck
	}
	h.Upstream.SetDelay(c.IO, c.IODist == engine.DistExp)
	port := h.port()
	srv, err := StartServer(c, h.AppDir, port, h.Upstream.Addr)
	if err != nil {
		ck.Err = err.Error()
		return ck
	}
	defer srv.Stop()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	warmUp(ctx, c, base+Path(c))
	for i := range checkTurns {
		l := LoadFor(c, base+Path(c))
		l.Requests, l.Duration = math.MaxInt32, checkTurn
		lr := l.Run(ctx)
		ck.Go = append(ck.Go, lr.Throughput())
		ck.Failed[0] += lr.Failed
		time.Sleep(500 * time.Millisecond)
		rps, failed, err := runLocust(ctx, h.AppDir, c, base)
		if err != nil {
			ck.Err = err.Error()
			return ck
		}
		ck.Locust = append(ck.Locust, rps)
		ck.Failed[1] += failed
		h.Logf("%s: turn %d: go %.1f rps, locust %.1f rps", r.Name, i+1, lr.Throughput(), rps)
		time.Sleep(500 * time.Millisecond)
	}
	return ck
}

// runLocust runs locust headless against base for checkTurn, with one
// user per client, all started at once, and returns its throughput and
// failures.
func runLocust(ctx context.Context, appDir string, c engine.Config, base string) (float64, int, error) {
	dir, err := os.MkdirTemp("", "locust")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	users := strconv.Itoa(c.Clients)
	cmd := exec.CommandContext(ctx, Locust, "-f", filepath.Join(appDir, "locustfile.py"), "--headless",
		"-u", users, "-r", strconv.Itoa(100*c.Clients), "-t", fmt.Sprintf("%ds", int(checkTurn/time.Second)),
		"--host", base, "--csv", filepath.Join(dir, "run"), "--only-summary", "--loglevel", "WARNING")
	cmd.Env = append(os.Environ(), "LOCUST_PATH="+Path(c), "LOCUST_USER="+locustUser, "PYTHONDONTWRITEBYTECODE=1")
	if !c.Keepalive {
		cmd.Env = append(cmd.Env, "LOCUST_CLOSE=1")
	}
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	// locust exits with 1 when a request failed; its stats are still written.
	runErr := cmd.Run()
	f, err := os.Open(filepath.Join(dir, "run_stats.csv"))
	if err != nil {
		return 0, 0, fmt.Errorf("calibrate: locust: %v, %v:\n%s", runErr, err, tail(log.String()))
	}
	defer f.Close()
	return locustTotals(f)
}

// locustTotals reads the Aggregated line of locust's _stats.csv: the
// requests answered per second (its Requests/s counts failed ones too) and
// the Failure Count.
func locustTotals(r io.Reader) (float64, int, error) {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil || len(recs) < 2 {
		return 0, 0, fmt.Errorf("calibrate: locust's stats: %v (%d lines)", err, len(recs))
	}
	col := func(name string) int { return slices.Index(recs[0], name) }
	rps, count, fails, nameCol := col("Requests/s"), col("Request Count"), col("Failure Count"), col("Name")
	if rps < 0 || count < 0 || fails < 0 || nameCol < 0 {
		return 0, 0, fmt.Errorf("calibrate: locust's stats lack Name, Requests/s, Request Count or Failure Count: %q", recs[0])
	}
	for _, rec := range recs[1:] {
		if rec[nameCol] == "Aggregated" {
			v, err1 := strconv.ParseFloat(rec[rps], 64)
			n, err2 := strconv.Atoi(rec[count])
			f, err3 := strconv.Atoi(rec[fails])
			if err1 != nil || err2 != nil || err3 != nil || n == 0 {
				return 0, 0, fmt.Errorf("calibrate: locust's Aggregated line: %q", rec)
			}
			return v * float64(n-f) / float64(n), f, nil
		}
	}
	return 0, 0, fmt.Errorf("calibrate: locust's stats have no Aggregated line")
}

// WriteChecks writes the cross-check's section of docs/calibration.md.
func WriteChecks(w io.Writer, mc Machine, cks []Check) {
	fmt.Fprintf(w, "%s\n\n", LocustHeading)
	fmt.Fprintf(w, "Written by `go run ./cmd/calibrate -locust %s` on %s. ", strings.Join(rowNames(cks), ","), mc.Date)
	fmt.Fprintf(w, "The harness's Go client and locust (Debian's python3-locust, `locust --headless`, "+
		"one `FastHttpUser` per client with `wait_time = constant(0)`, all started at once; "+
		"`calibrate/apps/locustfile.py`) take turns on one server of the row, %v each, %d turns each, "+
		"after a warm-up. Throughput is requests answered per second, as each client counts it "+
		"(locust: the Requests/s of its Aggregated line, less its failures). locust / Go is the median over the turns "+
		"of locust's throughput over the Go client's just before it (other jobs share the machine and change "+
		"from turn to turn, alike for both clients of a pair); they agree when it is within %.0f%% of 1.\n\n",
		checkTurn, checkTurns, CheckTolerance*100)
	fmt.Fprintln(w, "| row | scenario | Go client rps | locust rps | locust / Go | failed (Go, locust) | verdict |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | --- |")
	for _, ck := range cks {
		if ck.Err != "" {
			fmt.Fprintf(w, "| %s | `%s` | | | | | error: %s |\n", ck.Row.Name, ck.Scenario, strings.ReplaceAll(ck.Err, "\n", " "))
			continue
		}
		verdict := "agree"
		if !ck.Agrees() {
			verdict = "**differ**"
		}
		fmt.Fprintf(w, "| %s | `%s` | %s | %s | %.3f | %d, %d | %s |\n", ck.Row.Name, ck.Scenario,
			turns(ck.Go), turns(ck.Locust), ck.Ratio(), ck.Failed[0], ck.Failed[1], verdict)
	}
	fmt.Fprintln(w)
	for _, n := range checkNotes {
		fmt.Fprintf(w, "%s\n\n", n)
	}
}

func rowNames(cks []Check) []string {
	var out []string
	for _, ck := range cks {
		out = append(out, ck.Row.Name)
	}
	return out
}

// turns prints each turn's figure: "101.2, 99.8".
func turns(v []float64) string {
	var s []string
	for _, x := range v {
		s = append(s, strconv.FormatFloat(x, 'f', 1, 64))
	}
	return strings.Join(s, ", ")
}

// PutSection returns doc with the section that starts at the line heading
// (up to the next "## " heading) replaced by body, or with body appended
// when doc has no such section.
func PutSection(doc []byte, heading string, body []byte) []byte {
	lines, start, end := section(doc, heading)
	if start < 0 {
		return []byte(strings.TrimRight(string(doc), "\n") + "\n\n" + string(body))
	}
	return []byte(strings.Join(lines[:start], "") + string(body) + strings.Join(lines[end:], ""))
}

// Section returns the section of doc that starts at the line heading, up
// to the next "## " heading, or nil.
func Section(doc []byte, heading string) []byte {
	lines, start, end := section(doc, heading)
	if start < 0 {
		return nil
	}
	return []byte(strings.Join(lines[start:end], ""))
}

// section splits doc into lines and finds the section at heading: its
// first line and the line after it, or -1 when doc has none.
func section(doc []byte, heading string) (lines []string, start, end int) {
	lines = strings.SplitAfter(string(doc), "\n")
	start = slices.IndexFunc(lines, func(l string) bool { return strings.TrimRight(l, "\n") == heading })
	if start < 0 {
		return lines, -1, -1
	}
	end = start + 1
	for end < len(lines) && !strings.HasPrefix(lines[end], "## ") {
		end++
	}
	return lines, start, end
}
