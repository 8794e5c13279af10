package engine

import "time"

// State is where a request is and what it is doing, as the view colours it.
type State uint8

// The states of a request. A request in flight is in exactly one.
const (
	StateNone       State = iota // not in flight
	StateConnecting              // its SYN was dropped (listen queue full); the client's kernel retries
	StateBacklog                 // in the listen queue, not yet accepted
	StateQueued                  // accepted, waiting for a thread (gthread's executor queue, WsgiToAsgi's one thread)
	StateWaitLoop                // ready, waiting for its turn on the event loop or gevent hub
	StateWaitGIL                 // wants CPU while another thread of its process holds the GIL
	StateWaitCore                // wants CPU while every core is busy
	StateCPU                     // running Python on a core
	StateIO                      // waiting on an upstream call, its thread or loop free for others
	StateBlocked                 // waiting on an upstream call that holds the whole event loop or hub
	StateWaitPool                // waiting for a connection of the worker's upstream pool
	numStates
)

var stateNames = [numStates]string{"none", "connecting", "backlog", "queued", "wait-loop", "wait-gil",
	"wait-core", "cpu", "io", "blocked", "wait-pool"}

// String returns the state's name as the CLI and JSON print it.
func (s State) String() string { return stateNames[s] }

// Short aliases used inside the engine.
const (
	stConnecting = StateConnecting
	stBacklog    = StateBacklog
	stQueued     = StateQueued
	stWaitLoop   = StateWaitLoop
	stWaitGIL    = StateWaitGIL
	stWaitCore   = StateWaitCore
	stCPU        = StateCPU
	stIO         = StateIO
	stBlocked    = StateBlocked
	stWaitPool   = StateWaitPool
)

// step is a request's place in its handler's program.
type step uint8

const (
	stepStart     step = iota // accepted: get a thread (or the loop) and parse
	stepHandler               // bridges: the loop hands the request to a WSGI thread
	stepCalls                 // make the next upstream call(s)
	stepResume                // a call has returned
	stepConnected             // a task's new upstream connection is made: its call goes out
	stepSend                  // a task that waited for a pooled connection runs: it takes one and its call goes out
	stepRespond               // write the response
	stepParsed                // uvicorn has parsed it: --limit-concurrency decides (limit.go)
	stepAccept                // asyncio's loop is accepting its new connection, a turn at a time (asyncioturns.go)
	stepTaskStart             // uvicorn has parsed it and made its task, which runs in a later iteration (asyncioturns.go)
	stepCallback              // the callback that ends its wait (a timer, its response's read) has run: the task runs in the next iteration (asyncioturns.go)
	stepWarned                // uvicorn has logged its refusal: the 503's task runs in the next iteration (limit.go)
	stepDone                  // the response is out
)

// request is one request in flight (or its client's side of it).
type request struct {
	id      int32
	gen     uint32 // bumped when the slot is freed, so stale events are ignored
	live    bool
	seq     int64  // arrival number, from 1
	draws   uint64 // its sender and number (traffic.send): keys the draws made as it runs (traffic.late)
	client  int32  // closed-loop client, or -1
	proc    int32  // worker that accepted it, or -1
	procGen uint32
	thread  int32 // pool thread serving it, or -1

	step      step
	state     State
	since     time.Duration
	orphan    bool // its client gave up; the server does not know yet
	retries   uint8
	call      int16 // calls started
	issued    int16 // calls started or waiting for an upstream connection
	pending   int16 // calls not yet returned (waiting for a connection or in flight)
	inIO      int16 // calls in flight
	asyncLoop bool  // holds the extra thread of a Flask async view
	newConn   bool  // came on a new connection, not a kept-alive one
	slow      bool  // one of the slow share: its calls take slow-io (keys slow, slow-io)
	hot       bool  // its last call took no time (resumeCPU)
	early     bool  // came on a kept-alive connection sooner than spec.cycleGap after the previous response
	unmade    bool  // a new connection its worker's loop has yet to accept (limit.go)
	parsed    bool  // past uvicorn's limit check: counts in the worker's tasks (limit.go)
	failed    cause // why its client saw it fail, or noCause
	reject    cause // the server answers it with an error, for this cause (reject.go), or noCause
	failedAt  time.Duration

	sent, accepted time.Duration
	started        time.Duration // when its handler first ran on a core, or -1
	lat            []float64     // latency of each upstream call, as a multiple of io; empty on a cache hit
	cpuNeed        time.Duration // CPU it waits to run on the loop
	heldConns      int16         // pooled connections of returned calls its task has yet to give back (aiohttp, pool.go)
	trips          uint8         // trips round the hub's loop its next call has made (hubtrips.go)
	calledBack     bool          // the callback that woke it (a timer, its response's read) has run part of its wake-up (asyncioturns.go)
	turnsLeft      uint8         // accept turns its new connection has yet to run (asyncioturns.go)
	callTurn       uint8         // the step its httpx call on asyncio's loop is at (httpxturns.go)
	madeConn       bool          // its new connection's accept turns have run (asyncioturns.go)
	nextIter       bool          // its next slice on the loop runs in the loop's next iteration (asyncioturns.go)
	wakes          uint8         // loop wake-ups its next slice on the loop includes (costs.wake), shared with the turn's other tasks
	segs           []Segment

	// Fixed as it is sent (a live change applies to later requests).
	cpu      time.Duration // its handler's CPU (cpu)
	blocking bool          // its calls cannot yield (blocking)
	parallel bool          // it gathers its calls (parallel, where the code can)
	job      bool          // its handler enqueues its calls as an RQ job (background)
	jobCPU   time.Duration // the job's cpu, if it enqueues one
}

// finish delivers r's response and frees what it held.
func (s *Sim) finish(r *request) {
	pid := r.proc
	// A retiring worker closes each connection after its response
	// (gthread.py:318-319, base_async.py:105-106: force_close when not alive).
	kept := !s.procs[pid].retiring && r.reject == noCause && s.keepConn(r)
	if !s.holdLoop(r, kept) {
		s.yieldLoop(r)
	}
	s.releaseThread(r)
	if r.asyncLoop {
		s.threadMem(pid, -1)
	}
	s.endTask(pid)
	s.limitDone(r, kept)
	if !kept {
		s.closeConn(pid)
	}
	switch {
	case r.orphan:
		s.m.wasted++
	case r.reject != noCause:
		s.fail(r, r.reject) // an error response: the client sees it fail
	default:
		s.m.complete(s, r)
		s.traffic.done(s, r)
	}
	s.freeReq(r)
	s.pullBacklog(pid)
}

// fail ends r for its client: the client sees an error and moves on. The
// caller decides whether the server goes on working on it.
func (s *Sim) fail(r *request, c cause) {
	s.m.fail(s, r, c)
	s.traffic.done(s, r)
	if c == causeConnectFailed {
		s.freeReq(r)
	}
}

// giveUp is the client's timeout: it stops waiting. A request still in the
// listen queue or already accepted is served all the same, for nobody.
func (s *Sim) giveUp(id int32, gen uint32) {
	r := &s.reqs[id]
	if r.gen != gen || r.orphan {
		return
	}
	connecting := r.state == stConnecting
	s.m.fail(s, r, causeClientTimeout)
	s.traffic.done(s, r)
	if connecting {
		s.freeReq(r)
		return
	}
	r.orphan = true
}

// newRequest takes a free request slot.
func (s *Sim) newRequest() *request {
	id, fresh := s.free.take(len(s.reqs))
	if fresh {
		s.reqs = append(s.reqs, request{id: id})
	}
	r := &s.reqs[id]
	r.live = true
	r.client, r.proc, r.thread = -1, -1, -1
	r.step, r.state, r.since = stepStart, StateNone, s.now
	r.orphan, r.asyncLoop, r.slow, r.early = false, false, false, false
	r.unmade, r.parsed = false, false
	r.failed, r.failedAt, r.reject = noCause, 0, noCause
	r.retries, r.call, r.issued, r.pending, r.inIO = 0, 0, 0, 0, 0
	r.heldConns, r.calledBack, r.nextIter, r.madeConn = 0, false, false, false
	r.callTurn = 0
	r.sent, r.accepted, r.started = s.now, -1, -1
	r.lat = r.lat[:0]
	r.segs = r.segs[:0]
	return r
}

func (s *Sim) freeReq(r *request) {
	if s.watched {
		s.ends.add(Ended{Seq: r.seq, Slot: int(r.id), At: s.now, Worker: int(r.proc), OK: r.failed == noCause, Client: int(r.client)})
	}
	s.setState(r, StateNone)
	if s.timelns.keep > 0 {
		s.timelns.keepRequest(s, r)
	}
	r.live = false
	r.gen++
	s.free.put(r.id)
}

// setState moves r to state st, closing its timeline segment.
func (s *Sim) setState(r *request, st State) {
	if r.state == st {
		return
	}
	s.m.states[r.state]--
	s.m.states[st]++
	if s.timelns.keep > 0 && r.state != StateNone && s.now > r.since {
		r.segs = append(r.segs, Segment{State: r.state, Start: r.since, End: s.now})
	}
	r.state, r.since = st, s.now
}
