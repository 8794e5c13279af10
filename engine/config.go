package engine

import "time"

// Dist is the distribution of upstream call latencies.
type Dist uint8

// The latency distributions; the mean is always the scenario's io.
const (
	DistFixed     Dist = iota // every call takes exactly io
	DistExp                   // exponential with mean io
	DistLognormal             // lognormal with mean io and sigma lognormalSigma
)

var distNames = []string{"fixed", "exp", "lognormal"}

// String returns the distribution's name in scenario text.
func (d Dist) String() string { return distNames[d] }

// lognormalSigma is the shape of io-dist=lognormal: the standard deviation of
// the logarithm. At 1.0 the 99th percentile is about 10 times the median,
// which is what service latencies commonly look like.
const lognormalSigma = 1.0

// Config is one lane of a scenario: a server, its workload and its traffic.
// Zero values of Threads, Backlog, Pool, Requests and Duration mean "the default" (see
// the key table); every other field holds its value.
type Config struct {
	Model             Model
	Workers           int
	Threads           int // threads per worker; 0 for the model's default (see ThreadsPerWorker)
	WorkerConnections int
	Backlog           int           // listen queue length; 0 for the server's default
	Timeout           time.Duration // gunicorn's worker timeout; 0 for none
	Cores             int
	IO                time.Duration // mean latency of one upstream call
	IODist            Dist
	IOLate            time.Duration // io-late: mean of the exponential time by which each call's answer comes late; 0 for none
	Calls             int
	Parallel          bool
	Blocking          bool
	CPU               time.Duration // handler CPU per request, beyond the server's own cost
	AsyncView         bool          // view=async: a Flask async def view
	Pool              int           // most upstream connections per worker; 0 for the model's default
	Keepalive         bool
	Cache             float64
	Background        int // RQ workers that run the requests' calls and cpu as jobs; 0 for none
	Clients           int
	Think             time.Duration
	RTT               time.Duration // rtt: mean network and client time of a request, beyond the server's; 0 for none
	ClientCPU         time.Duration // client-cpu: the clients' CPU per request on the server's cores; 0 for none
	SamplerCPU        time.Duration // sampler-cpu: the CPU a monitor on the server's cores runs every 200 ms; 0 for none
	UpstreamCPU       time.Duration // upstream-cpu: the upstream's CPU per call on the server's cores; 0 for none
	NewidleBalance    bool          // newidle: a core that goes idle pulls a process that waits on another at once
	Rate              float64
	Burst             int
	ClientTimeout     time.Duration // 0 for none
	Requests          int           // 0 for no request limit
	Duration          time.Duration // 0 for no time limit (60s when nothing else ends the run)
	Seed              uint64

	// The app's HTTP client and its waits (httpclient.go), and the real
	// servers' limits on requests (limit.go, maxrequests.go).
	HTTPClient        Client        // http-client; ClientDefault for the model's
	Wait              WaitKind      // wait: an upstream call or a sleep
	Slow              float64       // slow: the fraction of requests whose calls take slow-io
	SlowIO            time.Duration // slow-io: the mean latency of a slow request's calls
	LimitConcurrency  int           // limit-concurrency: uvicorn's 503 limit; 0 for none
	MaxRequests       int           // max-requests: gunicorn recycles a worker after this many; 0 for never
	MaxRequestsJitter int           // max-requests-jitter: each worker's limit adds randint(0, jitter)
}

// DefaultConfig returns the configuration a scenario starts from: gunicorn's
// own defaults for the server (1 worker, 1000 worker connections, timeout
// 30s; the threads and the listen queue are each server's own default), a
// 2-core machine, one 100ms upstream call per request, and 10 closed-loop
// clients with keep-alive.
func DefaultConfig() Config {
	return Config{
		Model:             ModelSync,
		Workers:           1,
		WorkerConnections: 1000,
		Timeout:           30 * time.Second,
		Cores:             2,
		IO:                100 * time.Millisecond,
		Calls:             1,
		Keepalive:         true,
		Clients:           10,
		Seed:              1,
		IOLate:            defaultIOLate,
		NewidleBalance:    true,
		SlowIO:            35 * time.Second,
	}
}

// defaultRunLength ends a run that has no requests or duration and whose
// traffic does not end by itself.
const defaultRunLength = 60 * time.Second

// poolSize returns the most upstream connections one worker opens at once;
// 0 means no limit. The model's default is its HTTP client's: aiohttp's
// TCPConnector has 100 connections, while the blocking clients of the WSGI
// models (requests, urllib3) open a connection per thread with no shared
// limit.
func (c *Config) poolSize() int {
	if c.Pool > 0 {
		return c.Pool
	}
	return c.spec().pool
}

// ListenQueue returns the length of the lane's listen queue as its server
// asks listen() for it: the scenario's backlog, or the server's default
// when the scenario sets none (gunicorn's and uvicorn's 2048, uWSGI's 100).
// A server with a fixed queue (Flask's 128, Node's 511) ignores backlog.
func (c Config) ListenQueue() int {
	h := c.spec().host
	switch {
	case h.backlog > 0:
		return h.backlog
	case c.Backlog > 0:
		return c.Backlog
	}
	return h.listenQueue
}

// ThreadsPerWorker returns the size of each worker's pool of threads as the
// lane's server sizes it: the scenario's threads, or the model's default
// when the scenario sets none (gunicorn's and uWSGI's --threads 1, and on
// fastapi with view=sync the total_tokens of anyio's default thread
// limiter, 40). A model without a pool the scenario sizes reads 1.
func (c Config) ThreadsPerWorker() int { return c.threadsOr(c.defaultThreads()) }

// threadsOr returns the scenario's threads, or d when it sets none. A spec
// sizes its pool with it, d being its defaultThreads (a spec cannot call
// ThreadsPerWorker, which looks the spec up in the registry).
func (c *Config) threadsOr(d int) int {
	if c.Threads > 0 {
		return c.Threads
	}
	return d
}

// defaultThreads returns ThreadsPerWorker of the lane with no threads set.
func (c *Config) defaultThreads() int {
	if n := c.spec().defaultThreads; n > 0 {
		return n
	}
	return 1
}

// settleThreads makes threads equal to the model's default the same as no
// threads, as the canonical text writes it: threads=1 on gthread, or on a
// model without threads, is the default, and threads=40 on fastapi is.
func (c *Config) settleThreads() {
	if c.Threads == c.defaultThreads() {
		c.Threads = 0
	}
}

// parallelCalls reports whether this lane gathers its calls concurrently:
// only code that can await (a Flask async view, a handler on a loop) can.
func (c *Config) parallelCalls() bool {
	return c.Parallel && (c.AsyncView || c.spec().unit.handlerLoop)
}

// asyncView reports whether this lane runs a Flask async def view, which only
// the models that run a WSGI app on threads of their own can.
func (c *Config) asyncView() bool { return c.AsyncView && !c.spec().unit.serverLoop }

// viewApplies reports whether the view key does something in this lane: a
// Flask async def view, or a model whose endpoints are def or async def
// (FastAPI, spec.asyncViews).
func (c *Config) viewApplies() bool {
	return c.asyncView() || specOf(c.Model).asyncViews != nil
}

// processes returns the number of worker processes: Flask's dev server is one.
func (c *Config) processes() int {
	if c.spec().host.oneProcess {
		return 1
	}
	return c.Workers
}

// hasMaster reports whether a supervising process runs beside the workers:
// gunicorn's arbiter always, uvicorn's multiprocess manager with --workers > 1.
func (c *Config) hasMaster() bool { return c.spec().host.master(c) }

// runLength returns the simulated time at which the run ends, or 0 if it
// ends only by request count or when a burst is all answered.
func (c *Config) runLength() time.Duration {
	if c.Duration > 0 {
		return c.Duration
	}
	if c.Requests == 0 && c.Burst == 0 {
		return defaultRunLength
	}
	return 0
}

// defaultIOLate is io-late's default: the mean time by which a real
// upstream's answer comes later than its latency. No timer fires exactly
// on time: a sleeping thread's hrtimer is armed with the thread's timer
// slack (50 µs by default, prctl PR_SET_TIMERSLACK) and fires at the end of
// that window unless another interrupt comes first; then the woken thread
// waits for a core, and Go's netpoller rounds a wait below a millisecond
// up to one (runtime/netpoll_epoll.go). The calibration's upstream, a Go
// program on this machine, answered 313 µs late on a quiet machine
// (calibrate.IOLate, 300 µs); Python's time.sleep(0.002) came back 115 µs
// late at p50 (91 at p10) on a loaded one. With exactly timed calls and
// CPU, woken and running processes tie on the scheduler's deadlines and a
// run falls into a lock-step with the 4 ms tick that no real server shows
// (docs/cpu.md, "Ties and lock-step"); a lateness of 50-100 µs breaks those
// ties but leaves 150 asyncio clients on aiohttp's 100 connections in
// waves of three calls each (p50 = p90), which the real server (row
// asyncio-pool) does not show and 300 µs does not make. So the default is
// the calibration's measured figure: the engine's defaults are the world it
// was calibrated in. io-late=0 keeps every call exact (tests and lessons
// that need it).
const defaultIOLate = 300 * time.Microsecond
