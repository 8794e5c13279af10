package calibrate

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"playground/engine"
)

// Python is Debian's interpreter, which has the servers installed (python3 on
// PATH may be pyenv's, without them).
const Python = "/usr/bin/python3"

// Server is one real server process group started by the harness.
type Server struct {
	Cmd     []string
	Port    int
	cmd     *exec.Cmd
	log     *bytes.Buffer
	exited  chan struct{}
	Arbiter int   // the gunicorn arbiter's pid, or 0
	Workers []int // the processes that serve requests
}

// Command returns the command line that serves c's model on port, with the
// apps in appDir: the model's spec in the engine says which real server,
// worker class and app (engine.Config.RealServer); the harness adds the
// address, the workers and the flags every run shares.
func Command(c engine.Config, appDir string, port int) ([]string, error) {
	p := strconv.Itoa(port)
	rs := c.RealServer()
	switch rs.Program {
	case "werkzeug":
		return append([]string{Python, filepath.Join(appDir, rs.App), p}, rs.Args...), nil
	case "gunicorn":
		cmd := []string{Python, "-m", "gunicorn", "--chdir", appDir, "-b", "127.0.0.1:" + p,
			"-w", strconv.Itoa(c.Workers), "--log-level", "warning", "--graceful-timeout", "1",
			"--backlog", strconv.Itoa(c.ListenQueue()), "--timeout", strconv.Itoa(int(c.Timeout / time.Second)),
			"--worker-connections", strconv.Itoa(c.WorkerConnections)}
		if c.MaxRequests > 0 {
			cmd = append(cmd, "--max-requests", strconv.Itoa(c.MaxRequests), "--max-requests-jitter", strconv.Itoa(c.MaxRequestsJitter))
		}
		return append(append(cmd, rs.Args...), rs.App), nil
	case "node":
		return append([]string{"node", filepath.Join(appDir, rs.App), p}, rs.Args...), nil
	case "uwsgi":
		// --die-on-term: without it uWSGI 2.0 takes SIGTERM as a brutal
		// reload (core/master.c:346-351) and never exits.
		cmd := []string{"uwsgi-core", "--plugin", "python3", "--http-socket", "127.0.0.1:" + p,
			"--master", "--die-on-term", "--disable-logging", "--chdir", appDir,
			"--listen", strconv.Itoa(c.ListenQueue()), "--processes", strconv.Itoa(c.Workers)}
		return append(append(cmd, rs.Args...), "--module", rs.App), nil
	case "uvicorn":
		cmd := []string{Python, "-m", "uvicorn", "--app-dir", appDir, "--host", "127.0.0.1",
			"--port", p, "--log-level", "warning", "--no-access-log",
			"--backlog", strconv.Itoa(c.ListenQueue()), "--workers", strconv.Itoa(c.Workers)}
		if c.LimitConcurrency > 0 {
			cmd = append(cmd, "--limit-concurrency", strconv.Itoa(c.LimitConcurrency))
		}
		return append(append(cmd, rs.Args...), rs.App), nil
	}
	return nil, fmt.Errorf("calibrate: model %s runs on %q, which the harness cannot start", c.Model, rs.Program)
}

// StartServer starts c's server on port in its own process group and waits
// until every worker answers /ping.
func StartServer(c engine.Config, appDir string, port int, upstream string) (*Server, error) {
	args, err := Command(c, appDir, port)
	if err != nil {
		return nil, err
	}
	s := &Server{Cmd: args, Port: port, log: new(bytes.Buffer), exited: make(chan struct{})}
	s.cmd = exec.Command(args[0], args[1:]...)
	s.cmd.Dir = appDir
	s.cmd.Env = append(os.Environ(), "CALIBRATE_UPSTREAM="+upstream, "CALIBRATE_REDIS="+RedisURL(), "PYTHONDONTWRITEBYTECODE=1")
	rs := c.RealServer()
	s.cmd.Env = append(s.cmd.Env, rs.Env...)
	if c.HTTPClient != engine.ClientDefault {
		s.cmd.Env = append(s.cmd.Env, "CALIBRATE_CLIENT="+c.HTTPClient.String())
	}
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.cmd.Wait(); close(s.exited) }()
	// Flask's forking server has no children at rest: its parent serves.
	// gunicorn and uWSGI --master always run a master beside the workers.
	prog := rs.Program
	multi := prog == "gunicorn" || prog == "uwsgi" || c.Workers > 1 && prog != "werkzeug"
	deadline := time.Now().Add(30 * time.Second)
	cl := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return nil, fmt.Errorf("%s exited at start:\n%s", strings.Join(args, " "), tail(s.log.String()))
		default:
		}
		time.Sleep(200 * time.Millisecond)
		if multi {
			kids := Children(s.cmd.Process.Pid)
			if len(kids) != c.Workers {
				continue
			}
			s.Arbiter, s.Workers = s.cmd.Process.Pid, kids
		} else {
			s.Workers = []int{s.cmd.Process.Pid}
		}
		if r, err := cl.Get(fmt.Sprintf("http://127.0.0.1:%d/ping", port)); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				if multi {
					// every worker imports the app after the fork; give the
					// others time to finish booting
					time.Sleep(time.Duration(300*c.Workers) * time.Millisecond)
				}
				return s, nil
			}
		}
	}
	s.Stop()
	return nil, fmt.Errorf("%s did not answer within 30s:\n%s", strings.Join(args, " "), tail(s.log.String()))
}

// Log returns the server's output so far (the end of it).
func (s *Server) Log() string { return tail(s.log.String()) }

// Stop sends SIGTERM to the server's process group, and SIGKILL to what is
// left after 3 s.
func (s *Server) Stop() {
	pg := s.cmd.Process.Pid
	syscall.Kill(-pg, syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(3 * time.Second):
	}
	syscall.Kill(-pg, syscall.SIGKILL)
	<-s.exited
}

func tail(s string) string {
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}

// Children returns the pids whose parent is ppid, found by scanning /proc.
func Children(ppid int) []int {
	ents, _ := os.ReadDir("/proc")
	var kids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := readStat(pid)
		if err == nil && st.ppid == ppid {
			kids = append(kids, pid)
		}
	}
	return kids
}

type procStat struct {
	ppid       int
	ownTicks   int64 // utime + stime, in clock ticks (all its threads, living and exited)
	cpuTicks   int64 // ownTicks with those of its reaped children (cutime + cstime)
	numThreads int
}

// readStat parses /proc/pid/stat (fields after the command name).
func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("bad stat for %d", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); ppid is field 4, utime 14, stime 15, threads 20
	if len(f) < 18 { // f[17] is field 20
		return procStat{}, fmt.Errorf("short stat for %d", pid)
	}
	at := func(field int) int64 { v, _ := strconv.ParseInt(f[field-3], 10, 64); return v }
	own := at(14) + at(15)
	return procStat{ppid: int(at(4)), ownTicks: own, cpuTicks: own + at(16) + at(17), numThreads: int(at(20))}, nil
}

// treeTicks returns the user+system clock ticks that pid and every process
// below it have used: its own and its reaped children's (cutime + cstime),
// and the same of each child still there (running, or exited and not yet
// reaped: a zombie keeps its times until its parent waits for it). When a
// parent reaps a child, the kernel adds the child's four fields to the
// parent's cutime and cstime at once, so nothing counts twice and nothing
// is lost when a process exits between two readings: the sum only grows.
func treeTicks(pid int) int64 {
	st, err := readStat(pid)
	if err != nil {
		return 0
	}
	t := st.cpuTicks
	for _, k := range Children(pid) {
		t += treeTicks(k)
	}
	return t
}

// Mem is one process's memory in KiB, from /proc/pid/smaps_rollup.
type Mem struct {
	Rss, Pss, Private int64
}

// ReadMem reads a process's Rss, Pss and private (clean + dirty) memory.
func ReadMem(pid int) (Mem, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return Mem{}, err
	}
	defer f.Close()
	var m Mem
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "Rss":
			m.Rss = n
		case "Pss":
			m.Pss = n
		case "Private_Clean", "Private_Dirty":
			m.Private += n
		}
	}
	return m, sc.Err()
}

// ServerMem is the memory of a whole server at one moment, in MiB.
type ServerMem struct {
	// Resident is the engine's definition: the largest worker's RSS plus the
	// private memory of every other process (arbiter and other workers).
	Resident float64
	// Pss is the summed Pss of arbiter and workers.
	Pss float64
	// WorkerRSS is the summed RSS of the workers (which counts shared pages
	// once per worker).
	WorkerRSS float64
}

// Memory samples the server's processes now.
func (s *Server) Memory() ServerMem {
	var out ServerMem
	var maxRSS, maxPriv int64
	var sumPriv, sumPss int64
	workers := s.liveWorkers()
	procs := append([]int(nil), workers...)
	if s.Arbiter != 0 {
		procs = append(procs, s.Arbiter)
	}
	// and the children a worker has forked, alive now (Flask's
	// processes=N forks one per request).
	for _, pid := range workers {
		procs = append(procs, Children(pid)...)
	}
	for i, pid := range procs {
		m, err := ReadMem(pid)
		if err != nil {
			continue
		}
		sumPss += m.Pss
		sumPriv += m.Private
		if i < len(workers) {
			out.WorkerRSS += float64(m.Rss) / 1024
			if m.Rss > maxRSS {
				maxRSS, maxPriv = m.Rss, m.Private
			}
		}
	}
	out.Resident = float64(maxRSS+sumPriv-maxPriv) / 1024
	out.Pss = float64(sumPss) / 1024
	return out
}

// liveWorkers returns the server's workers now: the arbiter's children
// (gunicorn's --max-requests replaces a worker that has served its share),
// or the one process that serves.
func (s *Server) liveWorkers() []int {
	if s.Arbiter != 0 {
		return Children(s.Arbiter)
	}
	return s.Workers
}

// CPUTicks returns the user+system clock ticks that the workers have used
// (all their threads, including exited ones, and the children they fork:
// Flask's processes=N serves each request in a child), counting the workers
// that have exited since: with an arbiter, every process below it but the
// arbiter's own time (treeTicks). Before 2026-12-02's quiet run was saved,
// the harness summed only the workers alive at the start, so a row whose
// workers exit (max-requests) lost their CPU and read negative.
func (s *Server) CPUTicks() int64 {
	if s.Arbiter != 0 {
		st, err := readStat(s.Arbiter)
		if err != nil {
			return 0
		}
		return treeTicks(s.Arbiter) - st.ownTicks
	}
	var t int64
	for _, pid := range s.Workers {
		t += treeTicks(pid)
	}
	return t
}

// Threads returns the summed thread count of the workers.
func (s *Server) Threads() int {
	n := 0
	for _, pid := range s.liveWorkers() {
		if st, err := readStat(pid); err == nil {
			n += st.numThreads
		}
	}
	return n
}

// waitCtx sleeps for d or until ctx ends.
func waitCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
