package engine

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Sim is one running lane: a server, its traffic and its metrics, advanced
// by RunUntil or Step. A Sim is not safe for concurrent use.
type Sim struct {
	cfg   Config // the config in force: the scenario's, with the live changes applied so far
	base  Config // the scenario's config, as the run started
	sp    *spec  // the model's spec
	unit  unit   // sp.unit, read on every step
	cost  costs  // sp.costs
	now   time.Duration
	q     eventQueue
	rng   *rand.Rand // the server's own choices (which worker accepts)
	limit time.Duration
	// stopAt is the limit, or maxTime when there is none: an event after
	// it ends the run.
	stopAt time.Duration

	traffic traffic
	procs   []proc
	threads []thread
	reqs    []request
	free    freeIDs // request slots to reuse

	backlog    fifo // requests in the listen queue
	backlogCap int

	changes    []laneChange // the lane's live changes, in the order they apply
	nextChange int          // changes[nextChange:] have not applied yet

	workerAge int64 // the last worker's age (gunicorn's worker_age): workers retire oldest first
	baseProc  int32 // the worker that holds the memory the workers share, or -1 for the next to boot

	cores     int
	freeCores int
	kern      kernelSched // the kernel's run queue: which process gets a core

	upstream int // upstream calls in flight

	jobs jobQueue  // background jobs (background=N): RQ's queue and workers
	cli  clientCPU // the clients' process on the cores (client-cpu=D)

	// Read once from the config at New.
	upLimit    int  // upstream connections per worker; 0 for no limit
	asyncView  bool // a Flask async def view on a thread of its own
	parallel   bool // the calls are gathered concurrently
	keptLimit  int  // most idle kept-alive connections per worker, if keptLimits
	keptLimits bool
	sleep      bool  // wait=sleep: each io is a sleep, not an upstream call
	callMem    int64 // memory of one upstream call in flight (callMemory)
	waitRSS    int64 // memory of one call waiting for a connection of the client's pool (poolWaitMemory)
	aiohttp    bool  // the pool follows aiohttp's connector (pool.go, aiohttpPool)

	m            metrics
	ended        bool
	timelns      timelineRing
	ends         endedRing
	watched      bool          // keep ends (not Options.Unwatched)
	readyProcs   []int32       // pickWorker's scratch: the workers ready to accept
	handoffs     int64         // new connections handed to workers so far (proc.handedAt)
	lastAccept   int32         // the worker that took the last new connection, or -1
	burstHub     int32         // the gevent hub that started the last burst's accept run, or -1 (hubaccept.go)
	lastAcceptAt time.Duration // when
	burstN       int32         // connections handed out in the current burst (burst.go)
	snapIndex    []int32       // Snapshot's scratch: request slot to snapshot entry

	// The arbiter's ticks before arbiterQuiet kill no worker while there
	// are arbiterProcs worker slots (arbiter.go, arbiterQuietUntil).
	arbiterQuiet time.Duration
	arbiterProcs int
	// The arbiter's next tick, and its seq (arbAt is maxTime when there are
	// no ticks).
	arbAt  time.Duration
	arbSeq uint64
	// The next side event, and its seq: the earliest of the arbiter's next
	// tick and the cores' pending preemptions (runQueue.preAt). Side events
	// come in the order of the events, (time, seq), as events of the queue
	// would, but wait outside the queue (steps), so that the events need not
	// be ordered against them but once each, and a preemption made void
	// goes without firing. tickAt is maxTime when there is none; sideCore
	// is the core whose preemption it is, or -1 for the arbiter's tick
	// (sideArbiter), or sideBalance for the kernel's balance
	// (kernelSched.balAt).
	tickAt   time.Duration
	tickSeq  uint64
	sideCore int
}

// Options tune what a Sim records; the zero value records no timelines.
type Options struct {
	// Timelines is how many finished requests' timelines to keep (the most
	// recent ones); in-flight requests always have theirs while recording.
	Timelines int
	// SeriesStep is the width of one point of the time series; 0 means 1s.
	SeriesStep time.Duration
	// SeriesLen is how many points the series keep; 0 means 600.
	SeriesLen int
	// Endless makes a run that would end only by the default run length
	// (60s when no duration, requests or burst ends it) go on until its
	// owner stops calling RunUntil: a view that runs until paused. The
	// series and timelines are rings, so its memory stays bounded. Run
	// panics on an endless Sim that nothing else ends.
	Endless bool
	// Unwatched says that nobody reads the run's ends as it goes (a run
	// to its end for its Result, as the CLI and a sweep's points make):
	// the Sim keeps no record of ended requests, and EndedSince returns
	// none. Nothing else changes: the Result and the series are the same.
	Unwatched bool
}

// New builds a simulation of one lane. The config must come from
// ParseScenario (or be DefaultConfig with changes that ParseScenario would
// accept); New panics on a config it cannot run, or whose model is not
// registered.
func New(c Config, opt Options) *Sim {
	sp := c.spec()
	if c.processes() < 1 || c.Cores < 1 || c.Threads < 0 || c.WorkerConnections < 1 {
		panic(fmt.Sprintf("engine: config cannot run: %+v", c))
	}
	s := &Sim{
		cfg:   c,
		sp:    sp,
		unit:  sp.unit,
		cost:  sp.costs,
		rng:   rand.New(rand.NewPCG(c.Seed, streamServer)),
		limit: c.runLength(),
		cores: c.Cores, freeCores: c.Cores,
		kern:       newKernel(c.Cores),
		lastAccept: -1, burstHub: -1,
	}
	s.base = c
	if opt.Endless && c.Duration == 0 {
		s.limit = 0
	}
	s.stopAt = s.limit
	if s.limit == 0 {
		s.stopAt = maxTime
	}
	s.backlogCap = min(c.ListenQueue(), somaxconn)
	cp := &s.cfg // not &c, which would move c to the heap
	s.upLimit, s.asyncView, s.parallel = cp.poolSize(), cp.asyncView(), cp.parallelCalls()
	s.cost, s.sleep, s.callMem = laneCosts(cp), cp.Wait == WaitSleep, callMemory(cp)
	s.waitRSS, s.aiohttp = poolWaitMemory(cp), aiohttpPool(cp)
	if sp.maxKept != nil {
		s.keptLimit, s.keptLimits = sp.maxKept(cp), true
	}
	if opt.Timelines > 0 {
		s.timelns = timelineRing{keep: opt.Timelines}
	}
	s.watched = !opt.Unwatched
	s.m.init(opt)
	s.procs = make([]proc, c.processes())
	for i := range s.procs {
		s.workerAge++
		s.procs[i].age = s.workerAge
		s.bootProc(int32(i))
	}
	if cp.hasMaster() {
		s.m.addMemory(s.cost.masterRSS, s.cost.masterVSZ)
	}
	s.arbAt = maxTime
	if sp.heartbeat != nil && c.Timeout > 0 {
		s.q.seq++ // the tick's place among the events of its time
		s.arbAt, s.arbSeq = arbiterTick, s.q.seq
	}
	s.nextSide()
	s.jobs.python = pythonApp(cp)
	if n := cp.rqWorkers(); n > 0 {
		s.startJobs(n)
	}
	s.traffic.start(s)
	s.startSampler()
	return s
}

// Config returns the lane's configuration now: its scenario's, with the
// live changes applied so far.
func (s *Sim) Config() Config { return s.cfg }

// Now returns the simulated time.
func (s *Sim) Now() time.Duration { return s.now }

// Done reports whether the run has reached its end: its request count, its
// duration, or the last answer of a burst.
func (s *Sim) Done() bool { return s.ended }

// RunUntil handles every event at or before t, then sets the clock to t, so
// an animation can step the simulation frame by frame. It stops early, at
// the moment the run ends, if it ends before t. Moving backwards is a no-op.
func (s *Sim) RunUntil(t time.Duration) {
	s.steps(min(t, s.stopAt), maxSteps)
	if !s.ended && t > s.now {
		if s.limit > 0 && t >= s.limit {
			t = s.limit
			s.ended = true
		}
		s.advance(t)
	}
}

// Advance is RunUntil with a budget: it handles at most maxEvents events and
// reports whether it reached t. A view calls it each frame so that a heavy
// scenario at high speed slows the simulation down instead of the page.
func (s *Sim) Advance(t time.Duration, maxEvents int) bool {
	if s.steps(min(t, s.stopAt), maxEvents) < maxEvents {
		s.RunUntil(t)
		return true
	}
	return false
}

// Run runs the lane to its end and returns its result.
func (s *Sim) Run() Result {
	if s.limit == 0 && s.cfg.Requests == 0 && s.cfg.Burst == 0 {
		panic("engine: Run on an endless Sim that nothing ends; use RunUntil")
	}
	s.steps(s.stopAt, maxSteps)
	if !s.ended {
		// Nothing is left to happen: no event, no live change.
		if s.limit > 0 {
			s.RunUntil(s.limit)
		}
		s.ended = true
	}
	return s.Result()
}

// Step handles the next event, or applies the next live change, and
// reports whether there was one.
func (s *Sim) Step() bool { return s.steps(s.stopAt, 1) == 1 }

// maxTime is a time after every event, and maxSteps more steps than any
// run takes.
const (
	maxTime  = time.Duration(1<<63 - 1)
	maxSteps = 1<<63 - 1
)

// steps handles, one after another, the events and live changes due at or
// before t, which is at most stopAt, but no more than max of them, and
// returns how many it handled: fewer than max once the run has ended, when
// nothing is left, or when the next one is after t. With t at stopAt, an
// event after it ends the run as Step does. Run, RunUntil and Advance run
// the loop here rather than a call per event, and the look that says
// whether something is due is the search that finds it.
func (s *Sim) steps(t time.Duration, max int) int {
	q := &s.q
	n := 0
	for ; n < max && !s.ended; n++ {
		if s.nextChange == len(s.changes) {
			// No live change pending: the common case, without a call.
		} else if ch := s.dueChange(); ch != nil {
			if s.tickAt <= ch.at {
				// The tick comes first: an event at or before the change.
				if s.tickAt > t {
					return s.beyond(n, t)
				}
				s.tick()
				continue
			}
			if ch.at > t && t < s.stopAt {
				return n // not due yet
			}
			if s.limit > 0 && ch.at > s.limit {
				s.advance(s.limit)
				s.ended = true
				return n
			}
			s.advance(ch.at)
			s.applyChange(ch)
			s.arbiterQuiet = 0 // the timeout or the workers may have changed
			continue
		}
		w, e := inHold, &q.hold // the held event is the earliest (the common case, without a call)
		if !q.held {
			if q.found != 0 {
				w = int(q.found - 1) // found by a look before this step (dueChange), without a call
			} else if q.len() == 0 {
				if s.tickAt == maxTime {
					return n // nothing is left
				}
				// The tick is all that is left.
				if s.tickAt > t {
					return s.beyond(n, t)
				}
				s.tick()
				continue
			} else {
				w = q.first()
			}
			e = q.at(w)
		}
		if s.tickAt <= e.at && (s.tickAt < e.at || s.tickSeq < e.seq) {
			// The tick comes first.
			if s.tickAt > t {
				return s.beyond(n, t)
			}
			s.tick()
			continue
		}
		if e.at > t {
			return s.beyond(n, t)
		}
		// The fields are read one by one, not as a whole event: one just pushed
		// is still being written, and a wide copy would wait for it.
		at, kind, a, b := e.at, e.kind, e.a, e.b
		if w == inHold {
			q.held = false
		} else {
			q.drop(w)
		}
		if at < s.m.series.next {
			// advance, without a call, when no series point closes (at >= now).
			s.m.integrate(at - s.now)
			s.now = at
		} else {
			s.advance(at)
		}
		// The three kinds of nearly every event, without a call to handle.
		switch kind {
		case evSliceEnd:
			s.sliceEnd(a, b)
		case evArrive:
			s.traffic.arrive(s, a, b)
		case evIODone:
			s.ioDone(a, b)
		default:
			s.handle(kind, a, b)
		}
	}
	return n
}

// beyond is what steps returns, n, when the next event (or tick) is after
// t: if t is stopAt, the run ends there.
func (s *Sim) beyond(n int, t time.Duration) int {
	if t < s.stopAt {
		return n // not due yet
	}
	s.advance(s.limit)
	s.ended = true
	return n
}

// tick fires the next side event: a core's preemption, or the arbiter's
// tick (arbiterTick), which schedules the next one a second later, as the
// event it stands for would: the next one takes its seq now, after
// whatever this one scheduled.
func (s *Sim) tick() {
	if s.sideCore >= 0 {
		s.firePreempt(s.sideCore)
		return
	}
	if s.sideCore == sideBalance {
		s.fireBalance()
		return
	}
	s.advance(s.arbAt)
	if s.m.inFlight == 0 && s.cfg.Rate == 0 && s.trafficOver() {
		s.ended = true
		return
	}
	if s.now >= s.arbiterQuiet || len(s.procs) != s.arbiterProcs {
		s.arbiterTick() // it may kill: most ticks come before arbiterQuiet and cannot
	}
	s.q.seq++
	s.arbAt, s.arbSeq = s.now+arbiterTick, s.q.seq
	s.nextSide()
}

// The side events that are not a core's preemption (Sim.sideCore).
const (
	sideArbiter = -1
	sideBalance = -2
)

// nextSide finds the next side event (tickAt): the earliest of the
// arbiter's next tick, the kernel's balance and the cores' pending
// preemptions. With neither a balance nor a preemption pending, as on
// every tick of a run whose cores are never crowded, it is the arbiter's,
// without a call.
func (s *Sim) nextSide() {
	s.tickAt, s.tickSeq, s.sideCore = s.arbAt, s.arbSeq, sideArbiter
	if k := &s.kern; k.pending != 0 || k.balAt != maxTime {
		s.nextSideKernel()
	}
}

// nextSideKernel is nextSide's look at the kernel's side events.
func (s *Sim) nextSideKernel() {
	if k := &s.kern; k.balAt != maxTime && (k.balAt < s.tickAt || k.balAt == s.tickAt && k.balSeq < s.tickSeq) {
		s.tickAt, s.tickSeq, s.sideCore = k.balAt, k.balSeq, sideBalance
	}
	if s.kern.pending == 0 {
		return
	}
	for c := range s.kern.rqs {
		if q := &s.kern.rqs[c]; q.preAt != maxTime && (q.preAt < s.tickAt || q.preAt == s.tickAt && q.preSeq < s.tickSeq) {
			s.tickAt, s.tickSeq, s.sideCore = q.preAt, q.preSeq, c
		}
	}
}

// advance moves the clock to t, closing time-series points on the way.
func (s *Sim) advance(t time.Duration) {
	if t < s.now {
		return
	}
	s.m.integrate(t - s.now)
	if t >= s.m.series.next {
		s.m.series.advance(s, t)
	}
	s.now = t
}

// handle fires an event of kind with its payload a and b, for the kinds
// that Step does not fire itself (arrivals, CPU slices, calls' returns).
func (s *Sim) handle(kind evKind, a int32, b uint32) {
	switch kind {
	case evClientGiveUp:
		s.giveUp(a, b)
	case evKeepaliveEnd:
		s.keepaliveEnd(a, b)
	case evWorkerBoot:
		s.workerBooted(a, b)
	case evWorkerExit:
		s.workerExit(a, b)
	case evGraceEnd:
		s.graceEnd(a, b)
	case evRetrySYN:
		s.retrySYN(a, b)
	case evJobIODone:
		s.jobIODone(a, b)
	case evSample:
		s.sample()
	case evUpstreamWrite:
		s.upstreamWrite(a, b)
	default:
		panic(fmt.Sprintf("engine: unknown event kind %d", kind))
	}
}

// after schedules an event d from now.
func (s *Sim) after(d time.Duration, kind evKind, a int32, b uint32) {
	if d < 0 {
		panic("engine: negative delay")
	}
	s.q.push(event{at: s.now + d, kind: kind, a: a, b: b})
}

// afterSlice schedules the end of thread tid's CPU slice, of generation
// gen, d from now: after for a kind without a lane, without push's looks
// at the lanes (pushPlain).
func (s *Sim) afterSlice(d time.Duration, tid int32, gen uint32) {
	if d < 0 {
		panic("engine: negative delay")
	}
	s.q.pushPlain(event{at: s.now + d, kind: evSliceEnd, a: tid, b: gen})
}

// The PCG streams of a run. Traffic streams are keyed by client (or by
// arrival order for open-loop traffic), never by lane, so every lane of a
// comparison sees the same arrivals and the same draws.
const (
	streamServer   = 1
	streamArrivals = 2
	streamWork     = 3
	streamClient0  = 1 << 20 // client i uses streamClient0 + i
	streamNet      = 1 << 40 // xored into the seed of the clients' network draws (traffic.netTime)
	streamLate     = 1 << 41 // xored into the seed of the calls' lateness draws (traffic.late)
)
