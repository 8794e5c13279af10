package calibrate

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"playground/engine"
)

// clkTck is the kernel's USER_HZ: /proc/pid/stat counts CPU in 10 ms ticks.
const clkTck = 100

// Harness holds what every row shares: the upstream, the apps, the machine's
// cores and the next free port.
type Harness struct {
	Upstream *Upstream
	AppDir   string
	Cores    int
	Logf     func(format string, args ...any)
	portLo   int // the upstream's port; the servers take the next ones
	nextPort int
}

// Port range of the real servers; the upstream takes the first. SetPorts
// moves it, so that two harnesses can run on one machine.
var (
	PortLo = 18800
	PortHi = 18899
)

// SetPorts moves the harness's ports to the 100 from lo (Redis takes lo-1).
func SetPorts(lo int) { PortLo, PortHi = lo, lo+99 }

// NewHarness starts the upstream on port portLo (PortLo unless two
// harnesses run at once); the servers take the ports after it.
func NewHarness(appDir string, cores, portLo int, logf func(string, ...any)) (*Harness, error) {
	u, err := StartUpstream(fmt.Sprintf("127.0.0.1:%d", portLo))
	if err != nil {
		return nil, err
	}
	return &Harness{Upstream: u, AppDir: appDir, Cores: cores, Logf: logf, portLo: portLo, nextPort: portLo + 1}, nil
}

// Close stops the upstream.
func (h *Harness) Close() { h.Upstream.Close() }

func (h *Harness) port() int {
	p := h.nextPort
	h.nextPort++
	if h.nextPort > h.portLo+PortHi-PortLo {
		h.nextPort = h.portLo + 1
	}
	return p
}

// RealRun is one run of a real server.
type RealRun struct {
	Throughput    float64 // completed per second
	P50, P90, P99 float64 // ms
	Completed     int
	Failed        int
	Causes        map[string]int
	PeakUpstream  int
	Mem           ServerMem // peak of the samples taken during the run
	CPUPerReq     float64   // ms of the workers' CPU per finished request
	PeakThreads   int       // the workers' OS threads, summed, at the peak
	Split         []int     // completed requests per worker, largest first
	Elapsed       time.Duration
	// What else ran: the one-minute load average at the start, and the
	// cores' worth of CPU that processes other than the server's workers
	// and this harness (client and upstream) used during the run.
	LoadAvg    float64
	OtherCores float64
	HarnessCPU float64 // cores' worth used by the client and the upstream
	// How much later than asked the upstream's holds ended during the run
	// (its timer's and goroutine's lateness under the row's load), ms.
	UpLateMean, UpLateP50, UpLateP99 float64
	// Background rows (background=N): the jobs enqueued during the run and
	// finished by its end, from RQ's own enqueued_at and ended_at.
	JobsFinished   int
	JobThroughput  float64 // per second
	JobP50, JobP99 float64 // ms
	JobPeakQueue   int     // the most jobs in Redis's list at a sample
	JobCPU         float64 // ms of the RQ workers' CPU (their horses' too) per finished job
}

// Measurement is one row: its real runs and the engine's prediction.
type Measurement struct {
	Row       Row
	Scenario  string // the full scenario text the engine ran
	Command   string // the real server's command line
	Real      []RealRun
	Pred      engine.Result
	PredCPU   float64 // the engine's CPU per finished request, ms
	Err       string  // why the real runs failed, if they did
	ServerLog string  // the end of the server's output when it failed
}

// FullScenario returns the row's scenario with this machine's cores, the
// harness's own client time (ClientRTT) and a fixed seed.
func (h *Harness) FullScenario(r Row) string {
	return WithClient(fmt.Sprintf("%s cores=%d seed=1", r.Scenario, h.Cores))
}

// Predict runs the scenario through the engine.
func Predict(text string) (engine.Config, engine.Result, float64, error) {
	sc, err := engine.ParseScenario(text)
	if err != nil {
		return engine.Config{}, engine.Result{}, 0, err
	}
	if len(sc.Lanes) != 1 {
		return engine.Config{}, engine.Result{}, 0, fmt.Errorf("%q: a calibration row has one lane", text)
	}
	res := engine.Run(sc, engine.Options{})[0]
	cpu := 0.0
	if n := res.Completed + res.Failed.Total(); n > 0 {
		c := sc.Lanes[0]
		cpu = res.CPUUtil * float64(c.Cores) * res.SimSeconds * 1000 / float64(n)
		if j := res.Jobs; j != nil { // the web workers' CPU only, as the real runs count it
			cpu -= j.CPUPerJobMS * float64(j.Finished) / float64(n)
		}
	}
	return sc.Lanes[0], res, cpu, nil
}

// Path returns the app route that does what c's request does.
func Path(c engine.Config) string {
	route := "/work"
	if c.AsyncView {
		route = "/awork"
	}
	b := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	if c.Background > 0 {
		route = "/enqueue"
	}
	path := fmt.Sprintf("%s?calls=%d&cpu=%g&parallel=%d&blocking=%d",
		route, c.Calls, float64(c.CPU)/1e6, b(c.Parallel), b(c.Blocking))
	if c.Wait == engine.WaitSleep {
		path += fmt.Sprintf("&sleep=%g", float64(c.IO)/1e6)
	}
	if c.HTTPClient != engine.ClientDefault {
		path += "&client=" + c.HTTPClient.String()
	}
	if c.Pool > 0 {
		path += fmt.Sprintf("&pool=%d", c.Pool)
	}
	return path
}

// LoadFor returns the client traffic of c against url.
func LoadFor(c engine.Config, url string) Load {
	d := c.Duration
	if d == 0 {
		d = 60 * time.Second
	}
	n := c.Requests
	if n == 0 {
		n = 1 << 30
	}
	return Load{URL: url, Clients: c.Clients, Think: c.Think, KeepAlive: c.Keepalive,
		Timeout: c.ClientTimeout, Requests: n, Duration: d}
}

// Measure runs a row: the engine once, the real server Repeats times (each
// on a fresh server).
func (h *Harness) Measure(ctx context.Context, r Row) Measurement {
	m := Measurement{Row: r, Scenario: h.FullScenario(r)}
	cfg, res, cpu, err := Predict(m.Scenario)
	if err != nil {
		m.Err = err.Error()
		return m
	}
	m.Pred, m.PredCPU = res, cpu
	if args, err := Command(cfg, h.AppDir, 0); err == nil {
		m.Command = shellJoin(args)
	}
	for i := range max(1, r.Repeats) {
		run, log, err := h.realRun(ctx, cfg)
		if err != nil {
			m.Err, m.ServerLog = err.Error(), log
			h.Logf("%s: run %d: %v", r.Name, i+1, err)
			return m
		}
		h.Logf("%s: run %d: load %.1f, others %.2f cores, harness %.2f; split %v, cpu %.2f ms/req; %.1f rps, p50 %.1f ms, p99 %.1f ms, failed %d, peak upstream %d (late %.2f ms, p50 %.2f, p99 %.2f), resident %.1f MiB; engine %.1f rps, p50 %.1f, p99 %.1f, failed %d, peak upstream %d",
			r.Name, i+1, run.LoadAvg, run.OtherCores, run.HarnessCPU, run.Split, run.CPUPerReq, run.Throughput, run.P50, run.P99, run.Failed, run.PeakUpstream, run.UpLateMean, run.UpLateP50, run.UpLateP99, run.Mem.Resident,
			res.ThroughputRPS, res.LatencyMS.P50, res.LatencyMS.P99, res.Failed.Total(), res.PeakUpstream)
		m.Real = append(m.Real, run)
	}
	return m
}

// warmUp sends a few requests to c's server at url: imports, first-request
// set-up, the upstream connections. At most 10 clients, so that even a
// one-at-a-time server finishes the warm-up well within its deadline and
// nothing is left queued.
func warmUp(ctx context.Context, c engine.Config, url string) {
	warm := LoadFor(c, url)
	warm.Clients = min(c.Clients, 10)
	warm.Requests = 3 * warm.Clients
	warm.Duration = 5 * time.Second
	warm.Timeout = 0
	warm.Drain = true
	warm.Run(ctx)
	time.Sleep(500 * time.Millisecond) // let the server drop the warm-up's connections
}

func shellJoin(args []string) string {
	s := ""
	for i, a := range args {
		if i > 0 {
			s += " "
		}
		s += a
	}
	return s
}

// realRun starts c's server, warms it up, loads it and stops it.
func (h *Harness) realRun(ctx context.Context, c engine.Config) (RealRun, string, error) {
	h.Upstream.SetDelay(c.IO, c.IODist == engine.DistExp)
	port := h.port()
	srv, err := StartServer(c, h.AppDir, port, h.Upstream.Addr)
	if err != nil {
		return RealRun{}, "", err
	}
	defer srv.Stop()
	url := fmt.Sprintf("http://127.0.0.1:%d%s", port, Path(c))
	var jobs *Jobs
	if c.Background > 0 {
		if jobs, err = StartJobs(h.AppDir, h.Upstream.Addr, c.Background); err != nil {
			return RealRun{}, "", err
		}
		defer jobs.Stop()
	}
	warmUp(ctx, c, url)
	if jobs != nil {
		jobs.Drain(ctx, time.Minute) // the warm-up's jobs
	}

	h.Upstream.Reset()
	h.Upstream.RecordLate(true)
	jobsFrom := time.Now()
	jobTicks0 := jobs.cpuTicks()
	load := loadAvg1()
	busy0, self0 := machineTicks()
	ticks0 := srv.CPUTicks()
	var (
		peakMem ServerMem
		peakThr int
		peakQ   int
		mu      sync.Mutex
	)
	sctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for sctx.Err() == nil {
			m, t := srv.Memory(), srv.Threads()
			mu.Lock()
			if m.Resident > peakMem.Resident {
				peakMem.Resident = m.Resident
			}
			peakMem.Pss = max(peakMem.Pss, m.Pss)
			peakMem.WorkerRSS = max(peakMem.WorkerRSS, m.WorkerRSS)
			peakThr = max(peakThr, t)
			if jobs != nil {
				peakQ = max(peakQ, jobs.QueueLen())
			}
			mu.Unlock()
			waitCtx(sctx, 200*time.Millisecond)
		}
	}()
	lr := LoadFor(c, url).Run(ctx)
	jobsTo := time.Now()
	stop()
	<-done
	ticks := srv.CPUTicks() - ticks0
	jobTicks := jobs.cpuTicks() - jobTicks0
	busy1, self1 := machineTicks()
	peak, _ := h.Upstream.Stats()
	late := h.Upstream.RecordLate(false)

	run := RealRun{
		Throughput: lr.Throughput(), P50: lr.Quantile(0.50), P90: lr.Quantile(0.90), P99: lr.Quantile(0.99),
		Completed: lr.Completed, Failed: lr.Failed, Causes: lr.Causes, PeakUpstream: peak,
		Mem: peakMem, PeakThreads: peakThr, Elapsed: lr.Elapsed, LoadAvg: load,
	}
	if secs := lr.Elapsed.Seconds(); secs > 0 {
		run.HarnessCPU = float64(self1-self0) / clkTck / secs
		run.OtherCores = float64((busy1-busy0)-(self1-self0)-ticks-jobTicks) / clkTck / secs
	}
	run.UpLateMean, run.UpLateP50, run.UpLateP99 = lateStats(late)
	if jobs != nil {
		run.JobPeakQueue = peakQ
		if err := run.addJobs(jobsFrom, jobsTo, lr.Elapsed, jobTicks); err != nil {
			return run, srv.Log(), err
		}
	}
	if n := lr.Completed + lr.Failed; n > 0 {
		run.CPUPerReq = float64(ticks) * 1000 / clkTck / float64(n)
	}
	for _, v := range lr.ByBody {
		run.Split = append(run.Split, v)
	}
	slices.Sort(run.Split)
	slices.Reverse(run.Split)
	if lr.Completed+lr.Failed == 0 {
		return run, srv.Log(), fmt.Errorf("no request finished")
	}
	return run, "", nil
}

// lateStats returns the mean, median and 99th percentile of the upstream's
// lateness, ms (zeros without calls).
func lateStats(late []time.Duration) (mean, p50, p99 float64) {
	if len(late) == 0 {
		return 0, 0, 0
	}
	slices.Sort(late)
	var sum time.Duration
	for _, l := range late {
		sum += l
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return ms(sum) / float64(len(late)), ms(late[len(late)/2]), ms(late[len(late)*99/100])
}
