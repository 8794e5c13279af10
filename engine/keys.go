package engine

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Key describes one key of the scenario language: the contract that the CLI,
// the URL, the lessons and outside tools rely on.
type Key struct {
	Name    string // as written in scenario text
	Doc     string // one line: what it means
	Allowed string // what values are allowed
	Default string // the value when the key is not given

	get func(*Config) string
	set func(*Config, string) error
	// reset, if set, puts c's value back to def's without the checks of
	// set: a numeric key whose default is 0, "the server's own" (backlog,
	// pool, requests, duration), refuses 0 as text. nil: set(get(def)).
	reset func(c, def *Config)
	// atDefault, if set, says whether lane c has the key at its default,
	// which depends on the lane (threads: the model's own); nil: the value
	// is DefaultConfig's.
	atDefault func(c *Config) bool
	applies   func(*Config) bool // nil: every lane uses the key
	appliesTo string             // who uses it, for error messages
	single    bool               // the key cannot carry a comma list

	// live says why a lane of model m cannot take a change of the key
	// while it runs, or "" when it can; nil: no model can (see liveFor).
	live func(m Model) string
	// liveLane, if set, says which lanes act on a change of the key, in
	// place of applies; liveLaneTo names them.
	liveLane   func(c *Config) bool
	liveLaneTo string
	// effect makes a Sim act on a change as it applies; nil when the new
	// value is simply read where it is next used.
	effect func(s *Sim)
	// num says how a range of the key counts (see sweep.go); nil: the
	// key's values are not numbers, and it takes no range.
	num *numeric
}

// Keys returns the scenario keys in their canonical order.
func Keys() []Key { return append([]Key(nil), keyTable...) }

var keyTable = []Key{
	modelKey(),
	intKey("workers", "worker processes (gunicorn -w, uvicorn --workers, uWSGI --processes)", 1, 128,
		func(c *Config) *int { return &c.Workers }).
		ownedBy(keyWorkers, "(Flask's threaded server is one process: werkzeug cannot fork and thread at once)").
		liveFor(func(m Model) string { return specOf(m).host.fixedWorkers }, (*Sim).manageWorkers),
	intKey("threads", "threads per worker (gunicorn and uWSGI --threads; on fastapi with view=sync, the tokens of anyio's "+
		"default thread limiter, to_thread.current_default_thread_limiter().total_tokens)", 1, 1000,
		func(c *Config) *int { return &c.Threads }).
		perLane(func(c *Config) string { return strconv.Itoa(c.ThreadsPerWorker()) },
			func(c *Config) bool { return c.Threads == 0 || c.Threads == c.defaultThreads() }).
		withDefault("the server's: "+threadsDefaults()).
		ownedBy(keyThreads, "(fastapi only with view=sync: an async def endpoint runs on the loop, not on anyio's threads; "+
			"gunicorn itself switches -k sync to gthread when --threads > 1)"),
	intKey("worker-connections", "most clients one worker holds at once", 1, 100000,
		func(c *Config) *int { return &c.WorkerConnections }).
		ownedBy(keyWorkerConns, ""),
	intKey("backlog", "listen queue length (the kernel caps it at net.core.somaxconn, 4096)", 1, 65535,
		func(c *Config) *int { return &c.Backlog }).withDefault("the server's: "+listenQueueDefaults()).
		ownedBy(keyBacklog, "(Flask's built-in server fixes it at 128)"),
	durKey("timeout", "worker timeout (gunicorn); 0 for none", 0, time.Hour,
		func(c *Config) *time.Duration { return &c.Timeout }).
		ownedBy(keyTimeout, "(gunicorn's arbiter)"),
	intKey("max-requests", "gunicorn recycles a worker after this many requests (--max-requests); 0 for never", 0, 100000000,
		func(c *Config) *int { return &c.MaxRequests }).
		ownedBy(keyMaxRequests, "(gunicorn's --max-requests)"),
	intKey("max-requests-jitter", "each worker's max-requests adds a random 0 to this many (--max-requests-jitter)", 0, 100000000,
		func(c *Config) *int { return &c.MaxRequestsJitter }).
		onlyFor(func(c *Config) bool { return c.spec().owns(keyMaxRequests) && c.MaxRequests > 0 },
			modelsWhere(func(sp *spec) bool { return sp.owns(keyMaxRequests) })+" with max-requests above 0"),
	intKey("limit-concurrency", "uvicorn answers 503 to a request that finds this many connections or tasks (--limit-concurrency); 0 for no limit", 0, 100000,
		func(c *Config) *int { return &c.LimitConcurrency }).
		ownedBy(keyLimitConc, "(uvicorn's --limit-concurrency)"),
	intKey("cores", "CPU cores of the machine", 1, 256,
		func(c *Config) *int { return &c.Cores }),
	durKey("io", "mean latency of one upstream call", 0, 10*time.Minute,
		func(c *Config) *time.Duration { return &c.IO }).liveAll(nil),
	enumKey("io-dist", "distribution of upstream latencies (mean io)", distNames,
		func(c *Config) int { return int(c.IODist) }, func(c *Config, i int) { c.IODist = Dist(i) }).liveAll(nil),
	durKey("io-late", "mean time by which each upstream call's answer comes later than its latency (exponential, drawn per call): "+
		"a real upstream's timer and wake-ups fire late by a varying amount (the default is the calibration's upstream, measured); "+
		"0: every call takes exactly its latency, and exact timings can tie and lock-step with the scheduler's tick (docs/cpu.md)", 0, time.Minute,
		func(c *Config) *time.Duration { return &c.IOLate }).liveAll(nil),
	intKey("calls", "upstream calls per request", 0, 100,
		func(c *Config) *int { return &c.Calls }).liveAll(nil),
	boolKey("parallel", "the calls are gathered concurrently",
		func(c *Config) *bool { return &c.Parallel }).
		onlyFor(func(c *Config) bool { return c.parallelCalls() },
			canGather()+" (synchronous code makes its calls one after another)").
		liveAll(func(s *Sim) { s.parallel = s.cfg.parallelCalls() }).
		liveOnlyIn(func(c *Config) bool { return c.AsyncView || c.spec().unit.handlerLoop }, canGather()),
	boolKey("blocking", "the calls cannot yield (time.sleep in async code, a C call gevent cannot patch)",
		func(c *Config) *bool { return &c.Blocking }).liveAll(nil),
	enumKey("wait", "what each io is: an upstream call, or a sleep (asyncio.sleep, time.sleep, gevent.sleep: no connection, no client CPU)", waitNames,
		func(c *Config) int { return int(c.Wait) }, func(c *Config, i int) { c.Wait = WaitKind(i) }).
		ownedBy(keyPyApp, "(the Python apps)"),
	enumKey("http-client", "the app's HTTP client; default: requests in synchronous code, aiohttp in async code", clientNames,
		func(c *Config) int { return int(c.HTTPClient) }, func(c *Config, i int) { c.HTTPClient = Client(i) }).
		onlyFor(func(c *Config) bool { return c.spec().owns(keyPyApp) && c.Wait == WaitUpstream },
			modelsWhere(func(sp *spec) bool { return sp.owns(keyPyApp) })+" with wait=upstream (Node calls with fetch)"),
	durKey("cpu", "handler CPU time per request, on top of the server's own cost", 0, 10*time.Second,
		func(c *Config) *time.Duration { return &c.CPU }).liveAll(nil),
	enumKey("view", "sync, or async (a Flask async def view; on fastapi, def or async def endpoints)", []string{"sync", "async"},
		func(c *Config) int { return b2i(c.AsyncView) }, func(c *Config, i int) { c.AsyncView = i == 1 }).
		onlyFor((*Config).viewApplies,
			modelsWhere(func(sp *spec) bool { return !sp.unit.serverLoop || sp.asyncViews != nil })+
				" (a Flask app on threads of its own, or FastAPI's endpoints)"),
	intKey("pool", "most upstream connections a worker opens at once (default: "+poolDefaults()+"; no limit otherwise)", 1, 100000,
		func(c *Config) *int { return &c.Pool }).withDefault("model's"),
	boolKey("keepalive", "clients reuse their connection",
		func(c *Config) *bool { return &c.Keepalive }).
		onlyFor(closedLoop, "closed-loop clients (rate and burst open a connection per request)"),
	floatKey("cache", "fraction of requests the cache answers without upstream calls", 0, 1,
		func(c *Config) *float64 { return &c.Cache }).liveAll(nil),
	floatKey("slow", "fraction of the requests (of those the cache misses) whose calls take slow-io instead of io", 0, 1,
		func(c *Config) *float64 { return &c.Slow }).liveAll(nil),
	durKey("slow-io", "mean latency of each call of a slow request", 0, time.Hour,
		func(c *Config) *time.Duration { return &c.SlowIO }).
		onlyFor(func(c *Config) bool { return c.Slow > 0 }, "lanes with slow above 0").liveAll(nil),
	intKey("background", "RQ workers (rq worker on Redis) that run each request's calls and cpu as a job; "+
		"the request enqueues it and answers 202; 0 for none", 0, 256,
		func(c *Config) *int { return &c.Background }).
		onlyFor(pythonApp, modelsWhere(pythonSpec)+
			" (a Python app enqueues RQ jobs)").
		liveFor(backgroundLive, (*Sim).setBackground),
	intKey("clients", "closed-loop clients (send, wait, think, send again); 0 in a lane with rate or burst", 0, 100000,
		func(c *Config) *int { return &c.Clients }).
		liveAll((*Sim).setClients).liveOnlyIn(closedLoop, "closed-loop clients (change rate in a lane with rate)"),
	durKey("think", "a client's pause between its requests", 0, time.Hour,
		func(c *Config) *time.Duration { return &c.Think }).
		onlyFor(closedLoop, "closed-loop clients").liveAll(nil),
	durKey("rtt", "mean time a request spends outside the server: the network's round trip and the client's own "+
		"turn-around from an answer to its next send; each request draws it (exponential), a new connection twice "+
		"(TCP's handshake first); 0: the next request arrives the instant the answer leaves", 0, time.Minute,
		func(c *Config) *time.Duration { return &c.RTT }).liveAll(nil),
	durKey("client-cpu", "CPU the clients spend per request on the server's own cores (a load generator on the same "+
		"machine), twice on a new connection: one more process in the kernel's run queue, and a closed-loop client "+
		"sends its next request only after its share has run; 0: the clients are elsewhere", 0, time.Second,
		func(c *Config) *time.Duration { return &c.ClientCPU }).liveAll(nil),
	durKey("upstream-cpu", "CPU an upstream on the server's own cores spends per call (a local database, or the "+
		"calibration harness's Go upstream), on the clients' threads: half to read the call before its latency starts, "+
		"half to write the answer after it, each when it gets a core; 0: the upstream is elsewhere", 0, time.Second,
		func(c *Config) *time.Duration { return &c.UpstreamCPU }).liveAll(nil),
	durKey("sampler-cpu", "CPU a monitor on the server's own cores runs every 200 ms, in the clients' process (the "+
		"calibration harness reads the server's /proc files that often): one more piece of work for the kernel's "+
		"run queue that nobody waits for; 0: nothing watches the server", 0, samplerEvery,
		func(c *Config) *time.Duration { return &c.SamplerCPU }).liveAll((*Sim).startSampler),
	floatKey("rate", "open-loop Poisson arrivals per second (instead of clients)", 0, 1e6,
		func(c *Config) *float64 { return &c.Rate }).
		liveAll((*Sim).setRate).liveOnlyIn(func(c *Config) bool { return c.Rate > 0 }, "open-loop traffic (change clients in a lane with clients)"),
	intKey("burst", "requests sent all at once at the start (instead of clients)", 0, 1000000,
		func(c *Config) *int { return &c.Burst }),
	durKey("client-timeout", "a client gives up after this long; 0 for never", 0, time.Hour,
		func(c *Config) *time.Duration { return &c.ClientTimeout }).liveAll(nil),
	boolKey("newidle", "a core that goes idle pulls at once a process that waits for another core (Linux's newly-idle "+
		"balance); false: it pulls only at the next scheduler tick's balance, as the calibration machine's kernel "+
		"mostly does (a Firecracker guest: 18 pulls in 456 chances, docs/cpu.md)",
		func(c *Config) *bool { return &c.NewidleBalance }).liveAll(nil),
	intKey("requests", "end when this many requests have finished (served or failed)", 1, 100000000,
		func(c *Config) *int { return &c.Requests }).withDefault("no limit").once(),
	durKey("duration", "end at this simulated time (60s when nothing else ends the run)", time.Millisecond, 30*24*time.Hour,
		func(c *Config) *time.Duration { return &c.Duration }).withDefault("no limit").once(),
	uintKey("seed", "the run's random seed", func(c *Config) *uint64 { return &c.Seed }).once(),
}

// Value returns the value of key name in lane c as scenario text writes it,
// and whether there is such a key.
func (c Config) Value(name string) (string, bool) {
	if i := keyIndex(name); i >= 0 {
		return keyTable[i].get(&c), true
	}
	return "", false
}

// closedLoop reports whether a lane's traffic is closed-loop clients.
func closedLoop(c *Config) bool { return c.Clients > 0 }

// canGather names the lanes whose code can gather its calls.
func canGather() string {
	return "view=async, or " + modelsWhere(func(sp *spec) bool { return sp.unit.handlerLoop })
}

func (k Key) onlyFor(applies func(*Config) bool, who string) Key {
	k.applies, k.appliesTo = applies, who
	return k
}

// poolDefaults names the models whose HTTP client limits its connections,
// with the limit: "100 on asyncio".
func poolDefaults() string {
	var out []string
	for _, m := range Models() {
		if n := specOf(m).pool; n > 0 {
			out = append(out, fmt.Sprintf("%d on %s", n, m))
		}
	}
	return strings.Join(out, ", ")
}

// listenQueueDefaults names each server's default listen queue, in the
// order of the models: "2048 on gunicorn, 100 on uwsgi".
func listenQueueDefaults() string {
	var out []string
	seen := map[string]bool{}
	for _, m := range Models() {
		h := specOf(m).host
		if h.listenQueue > 0 && !seen[h.name] {
			seen[h.name] = true
			out = append(out, fmt.Sprintf("%d on %s", h.listenQueue, h.name))
		}
	}
	return strings.Join(out, ", ")
}

// threadsDefaults names each model's default threads per worker, in the
// order of the models: "1 on gthread, 1 on uwsgi, 40 on fastapi (view=sync)".
func threadsDefaults() string {
	var out []string
	for _, m := range Models() {
		sp := specOf(m)
		if sp.owns(keyThreads) {
			s := fmt.Sprintf("%d on %s", sp.defaultThreads, m)
			if sp.asyncViews != nil {
				s += " (view=sync)"
			}
			out = append(out, s)
		}
	}
	return strings.Join(out, ", ")
}

// perLane makes k's value in a lane get's, and its default the lane's own
// (atDefault), for a key whose default depends on the model.
func (k Key) perLane(get func(*Config) string, atDefault func(*Config) bool) Key {
	k.get, k.atDefault = get, atDefault
	return k
}

// isDefault reports whether lane c has key k at its default; def is
// DefaultConfig().
func (k *Key) isDefault(c, def *Config) bool {
	if k.atDefault != nil {
		return k.atDefault(c)
	}
	return k.get(c) == k.get(def)
}

// ownedBy makes k apply to the lanes whose model (or its host) owns key; the
// error message names those models, then adds note.
func (k Key) ownedBy(key keySet, note string) Key {
	who := modelsWhere(func(sp *spec) bool { return sp.owns(key) })
	if note != "" {
		who += " " + note
	}
	return k.onlyFor(func(c *Config) bool { return c.spec().owns(key) }, who)
}

func (k Key) withDefault(d string) Key { k.Default = d; return k }

func (k Key) once() Key { k.single = true; return k }

func init() {
	d := DefaultConfig()
	for i := range keyTable {
		if keyTable[i].Default == "" {
			keyTable[i].Default = keyTable[i].get(&d)
		}
	}
}

func intKey(name, doc string, lo, hi int, field func(*Config) *int) Key {
	allowed := fmt.Sprintf("a whole number from %d to %d", lo, hi)
	return Key{Name: name, Doc: doc, Allowed: allowed, num: &wholeNumbers,
		reset: func(c, def *Config) { *field(c) = *field(def) },
		get:   func(c *Config) string { return strconv.Itoa(*field(c)) },
		set: func(c *Config, s string) error {
			v, err := strconv.Atoi(s)
			if err != nil || v < lo || v > hi {
				return fmt.Errorf("allowed: %s", allowed)
			}
			*field(c) = v
			return nil
		}}
}

func uintKey(name, doc string, field func(*Config) *uint64) Key {
	allowed := "a whole number from 0 to 18446744073709551615"
	return Key{Name: name, Doc: doc, Allowed: allowed,
		get: func(c *Config) string { return strconv.FormatUint(*field(c), 10) },
		set: func(c *Config, s string) error {
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return fmt.Errorf("allowed: %s", allowed)
			}
			*field(c) = v
			return nil
		}}
}

func floatKey(name, doc string, lo, hi float64, field func(*Config) *float64) Key {
	allowed := fmt.Sprintf("a number from %g to %g", lo, hi)
	return Key{Name: name, Doc: doc, Allowed: allowed, num: &realNumbers,
		get: func(c *Config) string { return strconv.FormatFloat(*field(c), 'g', -1, 64) },
		set: func(c *Config, s string) error {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || !(v >= lo && v <= hi) {
				return fmt.Errorf("allowed: %s", allowed)
			}
			*field(c) = v
			return nil
		}}
}

func durKey(name, doc string, lo, hi time.Duration, field func(*Config) *time.Duration) Key {
	allowed := fmt.Sprintf("a duration from %v to %v, written like 200ms or 1.5s", lo, hi)
	return Key{Name: name, Doc: doc, Allowed: allowed, num: &durations,
		reset: func(c, def *Config) { *field(c) = *field(def) },
		get:   func(c *Config) string { return field(c).String() },
		set: func(c *Config, s string) error {
			v, err := time.ParseDuration(s)
			if err != nil || v < lo || v > hi {
				return fmt.Errorf("allowed: %s", allowed)
			}
			*field(c) = v
			return nil
		}}
}

func boolKey(name, doc string, field func(*Config) *bool) Key {
	const allowed = "true or false"
	return Key{Name: name, Doc: doc, Allowed: allowed,
		get: func(c *Config) string { return strconv.FormatBool(*field(c)) },
		set: func(c *Config, s string) error {
			switch s {
			case "true":
				*field(c) = true
			case "false":
				*field(c) = false
			default:
				return fmt.Errorf("allowed: %s", allowed)
			}
			return nil
		}}
}

// modelKey is the model key: one of the registered models, by name.
func modelKey() Key {
	allowed := "one of " + strings.Join(modelNames(), ", ")
	return Key{Name: "model", Doc: "server model", Allowed: allowed,
		get: func(c *Config) string { return c.Model.String() },
		set: func(c *Config, s string) error {
			for _, m := range Models() {
				if m.String() == s {
					c.Model = m
					return nil
				}
			}
			return fmt.Errorf("allowed: %s", allowed)
		}}
}

func enumKey(name, doc string, names []string, get func(*Config) int, set func(*Config, int)) Key {
	allowed := "one of " + strings.Join(names, ", ")
	return Key{Name: name, Doc: doc, Allowed: allowed,
		get: func(c *Config) string { return names[get(c)] },
		set: func(c *Config, s string) error {
			for i, n := range names {
				if n == s {
					set(c, i)
					return nil
				}
			}
			return fmt.Errorf("allowed: %s", allowed)
		}}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
