package engine

import "time"

// cause is why a request failed, as its client saw it.
type cause uint8

const (
	causeClientTimeout cause = iota // the client gave up waiting (client-timeout)
	causeWorkerTimeout              // gunicorn's arbiter killed the worker that held it
	causeConnectFailed              // the listen queue stayed full through every SYN retry, or a half-open connection never got its request in (halfopen.go)
	causeUnavailable                // HTTP 503: uvicorn's --limit-concurrency was reached (limit.go)
	causeServerError                // HTTP 500: the server failed the request itself (asgiref's "would deadlock", wsgitoasgi.go)
	numCauses
	noCause cause = 255
)

var causeNames = [numCauses]string{"client-timeout", "worker-timeout", "connect-failed", "service-unavailable", "server-error"}

// metrics are a lane's running totals, in memory that does not grow with
// the length of the run.
type metrics struct {
	arrived, completed, wasted, kills int64
	failed                            [numCauses]int64
	ended                             int64 // completed and failed, for checkEnd
	inFlight, peakInFlight            int
	peakUpstream, peakBacklog         int
	lat                               histogram
	latSum                            float64 // ns, of completed requests
	latMax                            time.Duration
	sojourn                           float64 // ns, from sent to answered or failed, of every ended request
	area                              float64 // the integral of in-flight requests over time, in request-ns
	busy                              time.Duration
	startedN, waitedN                 int64   // requests whose handler started; of those, ones that waited first
	waitSum                           float64 // ns from sent to the handler's start, of started requests
	rss, vsz, peakRSS, peakVSZ        int64
	states                            [numStates]int
	series                            series
	recent                            recentWindow
}

func (m *metrics) init(opt Options) {
	m.lat = newHistogram(7)
	m.series.init(opt)
	m.recent.init()
}

// integrate adds d of time at the present number of requests in flight to
// their integral (Little's law's mean number in the system).
func (m *metrics) integrate(d time.Duration) { m.area += float64(m.inFlight) * float64(d) }

func (m *metrics) arrive(s *Sim) {
	m.arrived++
	m.inFlight++
	m.peakInFlight = max(m.peakInFlight, m.inFlight)
}

// started records how long r waited between being sent and its handler's
// first slice of CPU: in the listen queue, a worker's queue, for the loop,
// the GIL or a core.
func (m *metrics) started(s *Sim, r *request) {
	w := s.now - r.sent
	m.startedN++
	m.waitSum += float64(w)
	if w > 0 {
		m.waitedN++
	}
}

func (m *metrics) complete(s *Sim, r *request) {
	d := s.now - r.sent
	m.completed++
	m.ended++
	m.inFlight--
	m.lat.add(d)
	m.latSum += float64(d)
	m.latMax = max(m.latMax, d)
	m.sojourn += float64(d)
	m.series.complete(d)
	m.recent.complete(s.now, d)
	s.checkEnd()
}

func (m *metrics) fail(s *Sim, r *request, c cause) {
	r.failed, r.failedAt = c, s.now
	m.failed[c]++
	m.ended++
	m.inFlight--
	m.sojourn += float64(s.now - r.sent)
	m.series.failed++
	s.checkEnd()
}

func (m *metrics) addMemory(rss, vsz int64) {
	m.rss += rss
	m.vsz += vsz
	m.peakRSS = max(m.peakRSS, m.rss)
	m.peakVSZ = max(m.peakVSZ, m.vsz)
}

// checkEnd ends the run when its request count is reached or its burst
// is all answered (a burst sends no more, whatever requests= says). A run
// whose clients or rate stop can reach its count no more: trafficOver.
func (s *Sim) checkEnd() {
	n := s.m.ended
	if s.cfg.Requests > 0 && n >= int64(s.cfg.Requests) ||
		s.cfg.Burst > 0 && n >= int64(s.cfg.Burst) {
		s.ended = true
	}
}

// trafficOver reports whether a run that ends by its request count (no
// duration, requests=N) can see no request any more: nothing is in flight, no live
// change is still to come, and its traffic has stopped (its burst all sent,
// its rate 0, its clients all gone). Such a run (rate@1s=0 requests=1000,
// clients@1s=0 requests=1000) would otherwise run on forever on the
// arbiter's ticks. A client leaving and a live change ask at once; the
// arbiter's tick asks once a simulated second for the rest (the last
// requests of a rate set to 0), so that a request's end need not.
func (s *Sim) trafficOver() bool {
	if s.limit > 0 || s.cfg.Requests == 0 || s.m.inFlight > 0 || s.nextChange < len(s.changes) {
		return false
	}
	c, t := &s.cfg, &s.traffic
	switch {
	case c.Burst > 0:
		return t.seq >= int64(t.burstN)
	case c.Rate > 0:
		return false
	}
	if t.active > 0 {
		return false
	}
	for i := range t.clients {
		if t.clients[i].busy {
			return false
		}
	}
	return true
}

// Point is one step of a lane's time series.
type Point struct {
	T          time.Duration // end of the step
	Throughput float64       // requests answered per second during the step
	Failed     int64         // requests failed during the step
	P50, P99   time.Duration // latency of the requests answered during the step
	InFlight   int           // requests sent and not yet answered or failed, at T
	Queue      int           // requests waiting for the server (listen queue, worker queues, the loop), at T
	Upstream   int           // upstream calls in flight at T
	RSS        int64         // the server's resident memory at T, bytes
	JobQueue   int           // background jobs waiting in Redis's list at T
	Jobs       float64       // background jobs finished per second during the step
}

// seriesFew is how many latencies a step of the series keeps as they are,
// before it counts them in its histogram: most steps of most runs answer
// fewer, and their quantiles are then read off the values themselves.
const seriesFew = 16

// series keeps the most recent points in a ring.
type series struct {
	step      time.Duration
	stepSecs  float64 // step.Seconds()
	next      time.Duration
	ring      []seriesPoint
	start, n  int
	completed int64
	failed    int64
	// The latencies of the step: in few while there are at most seriesFew
	// (completed says how many), all of them in hist beyond.
	few  [seriesFew]time.Duration
	hist histogram
}

func (sr *series) init(opt Options) {
	sr.step = opt.SeriesStep
	if sr.step <= 0 {
		sr.step = time.Second
	}
	n := opt.SeriesLen
	if n <= 0 {
		n = 600
	}
	sr.stepSecs = sr.step.Seconds()
	sr.ring = make([]seriesPoint, n)
	sr.next = sr.step
	sr.hist = newHistogram(4)
}

func (sr *series) complete(d time.Duration) {
	if n := sr.completed; n < seriesFew {
		sr.few[n] = d
	} else {
		sr.count(d)
	}
	sr.completed++
}

// count adds d to the step's histogram, with the few kept until now if d
// is the first beyond them (complete, kept small enough to be inlined).
func (sr *series) count(d time.Duration) {
	if sr.completed == seriesFew {
		for _, v := range sr.few {
			sr.hist.add(v)
		}
	}
	sr.hist.add(d)
}

// seriesPoint is a point of the ring. A step that answered at most
// seriesFew requests keeps their latencies, and its quantiles are read off
// them only when the point is read (points): most points of a long run are
// never read, as a view reads the last ones and a run's result none.
type seriesPoint struct {
	Point
	nfew int8 // how many latencies few holds; 0 once P50 and P99 say what they give
	few  [seriesFew]time.Duration
}

// settle sets the point's quantiles from its latencies, if it holds them.
func (sp *seriesPoint) settle(h *histogram) {
	if sp.nfew == 0 {
		return
	}
	few := sp.few[:sp.nfew]
	sp.nfew = 0
	for i := 1; i < len(few); i++ { // insertion sort: a handful of values
		v, j := few[i], i
		for ; j > 0 && few[j-1] > v; j-- {
			few[j] = few[j-1]
		}
		few[j] = v
	}
	// The middle of the histogram's bucket that holds the value of that
	// rank, as the histogram's quantile gives.
	n := int64(len(few))
	sp.P50 = h.bucketMid(h.index(few[quantileRank(0.5, n)-1]))
	sp.P99 = h.bucketMid(h.index(few[quantileRank(0.99, n)-1]))
}

// advance closes the points that end at or before t, which is at or after
// sr.next (Sim.advance checks, inline). The first one closes
// with what the step saw; any after it saw no event (advance runs at every
// event), so they are empty and read the same state. A gap longer than the
// ring writes only the points the ring keeps.
func (sr *series) advance(s *Sim, t time.Duration) {
	// Written in its place in the ring, not built and copied there.
	sp := sr.slot()
	sp.Point = Point{
		T:          sr.next,
		Throughput: float64(sr.completed) / sr.stepSecs,
		Failed:     sr.failed,
		InFlight:   s.m.inFlight,
		Queue:      s.QueueDepth(),
		Upstream:   s.upstream,
		RSS:        s.m.rss,
		JobQueue:   s.jobs.list.len(),
		Jobs:       float64(s.jobs.seriesDone) / sr.stepSecs,
	}
	s.jobs.seriesDone = 0
	sp.nfew = 0
	if n := sr.completed; n > seriesFew {
		sp.P50, sp.P99 = sr.hist.quantile(0.5), sr.hist.quantile(0.99)
		sr.hist.reset()
	} else {
		for i := range n { // a handful, without a call to memmove
			sp.few[i] = sr.few[i]
		}
		sp.nfew = int8(n)
	}
	sr.completed, sr.failed = 0, 0
	sr.next += sr.step
	if sr.next > t {
		return
	}
	p := sp.Point
	empty := int64((t-sr.next)/sr.step) + 1
	if skip := empty - int64(len(sr.ring)); skip > 0 {
		sr.next += time.Duration(skip) * sr.step
		sr.start, sr.n, empty = 0, 0, int64(len(sr.ring))
	}
	p.Throughput, p.Failed, p.P50, p.P99, p.Jobs = 0, 0, 0, 0, 0
	for ; empty > 0; empty-- {
		p.T = sr.next
		sp := sr.slot()
		sp.Point, sp.nfew = p, 0
		sr.next += sr.step
	}
}

// slot takes the ring's next point, dropping the oldest if it is full.
func (sr *series) slot() *seriesPoint {
	i := sr.start + sr.n
	if i >= len(sr.ring) {
		i -= len(sr.ring)
	}
	if sr.n < len(sr.ring) {
		sr.n++
	} else if sr.start++; sr.start == len(sr.ring) {
		sr.start = 0
	}
	return &sr.ring[i]
}

// points returns the kept points, oldest first.
func (sr *series) points() []Point {
	out := make([]Point, sr.n)
	for i := range out {
		sp := &sr.ring[(sr.start+i)%len(sr.ring)]
		sp.settle(&sr.hist)
		out[i] = sp.Point
	}
	return out
}

// QueueDepth counts requests waiting for the server now: in the listen
// queue, in a worker's queue for a thread, or ready for their loop.
func (s *Sim) QueueDepth() int {
	return s.m.states[StateBacklog] + s.m.states[StateQueued] + s.m.states[StateWaitLoop]
}

// recentSlot is the width of one slot of the recent window.
const recentSlot = 250 * time.Millisecond

// recentPending is how many answers the recent window holds back before it
// files them in its slots.
const recentPending = 64

// recentWindow keeps the latencies of the last simulated second in five
// rotating slots of time: the four before the current one cover the whole
// second however soon after a rotation it is read. A slot is emptied when a
// value comes for a slot of time it does not hold, and read only if the one
// it holds is among the last five: nothing happens as time passes.
//
// An answer in the slot of time of the last one filed is filed at once, and
// so is the first of the next slot when that one was busy. Others wait in pending until it is full or the window is read, and are
// then filed in order, except those older than the five slots of time that
// end with the newest: no read could see them any more. A run of a few
// answers a second files a few of every 64.
type recentWindow struct {
	slots [5]histogram
	held  [5]int64  // the slot of time (now / recentSlot) each one holds
	all   histogram // Recent's scratch: the slots merged
	// The slot that holds the time of the last value, and when that time
	// begins and ends: values in the same slot of time skip the divisions.
	cur     int
	curFrom time.Duration
	curTo   time.Duration
	pending [recentPending]recentAnswer
	npend   int
}

// recentAnswer is an answer's time and latency, waiting to be filed.
type recentAnswer struct{ at, d time.Duration }

func (w *recentWindow) init() {
	for i := range w.slots {
		w.slots[i] = newHistogram(6)
		w.held[i] = -int64(len(w.slots))
	}
	w.all = newHistogram(6)
}

// complete adds a latency d answered at now.
func (w *recentWindow) complete(now, d time.Duration) {
	if w.npend == len(w.pending) {
		w.flush()
	}
	switch {
	case now < w.curTo:
		// In the slot of time of the last value filed: filed at once, as
		// flush would file it (none is pending, as a pending one is later
		// than that slot, and time only grows).
		w.slots[w.cur].add(d)
	case w.npend == 0 && w.slots[w.cur].n >= recentPending/int64(len(w.slots)):
		// The first of a new slot of time, after a slot busy enough that
		// 64 answers span fewer than the five slots: a flush would file
		// every one of them, this one too, so it is filed now.
		w.file(now, d)
	default:
		w.pending[w.npend] = recentAnswer{now, d}
		w.npend++
	}
}

// flush files the pending answers that a read could still see.
func (w *recentWindow) flush() {
	p := w.pending[:w.npend]
	w.npend = 0
	if len(p) == 0 {
		return
	}
	k := int64(p[len(p)-1].at / recentSlot)
	from := time.Duration(k-int64(len(w.slots))+1) * recentSlot
	i := 0
	for i < len(p) && p[i].at < from {
		i++
	}
	for _, a := range p[i:] {
		w.file(a.at, a.d)
	}
}

// file adds a latency d answered at now to its slot.
func (w *recentWindow) file(now, d time.Duration) {
	if now >= w.curFrom && now < w.curTo {
		w.slots[w.cur].add(d)
		return
	}
	k := int64(now / recentSlot)
	i := k % int64(len(w.slots))
	if w.held[i] != k {
		w.slots[i].reset()
		w.held[i] = k
	}
	w.cur, w.curFrom = int(i), time.Duration(k)*recentSlot
	w.curTo = w.curFrom + recentSlot
	w.slots[i].add(d)
}

// Recent returns the throughput and latency quantiles of the last simulated
// second: the requests answered in the last 1 to 1.25 s (all of the run, if
// it is shorter). ok is false when none was answered in it; the quantiles
// are then 0 and mean nothing.
func (s *Sim) Recent() (rps float64, p50, p99 time.Duration, ok bool) {
	w := &s.m.recent
	w.flush()
	k := int64(s.now / recentSlot)
	all := &w.all
	all.reset()
	for i := range w.slots {
		if w.held[i] > k-int64(len(w.slots)) {
			all.merge(&w.slots[i])
		}
	}
	span := min(s.now, time.Duration(len(w.slots)-1)*recentSlot+(s.now-time.Duration(k)*recentSlot))
	if span > 0 {
		rps = float64(all.n) / span.Seconds()
	}
	return rps, all.quantile(0.5), all.quantile(0.99), all.n > 0
}
