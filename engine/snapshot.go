package engine

import "time"

// Snapshot is what a view draws: the server's shape and every request the
// server or a client still holds, at one moment. Sim.Snapshot fills one in
// place, reusing its slices, so a view can take one every frame without
// allocating.
type Snapshot struct {
	Now      time.Duration
	Model    Model
	Workers  []WorkerSnap
	Requests []RequestSnap
	Backlog  int // requests in the listen queue
	Upstream int // upstream calls in flight
	Cores    int
	Busy     int      // cores running a thread now
	Clients  int      // closed-loop clients (0 for open-loop traffic), with those that are leaving after a live change
	Jobs     JobsSnap // background jobs (background=N): Redis's list and the RQ workers; no workers without them
	Sleep    bool     // each io is a sleep (wait=sleep): a request in StateIO sleeps, it does not wait on the upstream
}

// WorkerSnap is one worker process.
type WorkerSnap struct {
	Alive    bool // false while a new worker or a replacement boots
	Retiring bool // told to stop (a live change of workers): it accepts nothing and exits when it holds nothing
	Gone     bool // no process in this slot: a retired worker has exited; a view leaves it out
	Loop     bool // lane 0 is an event loop or gevent hub
	Lanes    int  // threads to draw: the loop (if any) and the pool's threads, started or not
	Blocked  bool // the loop is held by a call it cannot yield on
	Running  int  // lane on a core now, or -1
	Conns    int  // connections held (gthread, gevent)
	RSS      int64
	// Main is its main thread (gthread's, mainthread.go), outside its
	// lanes: 0 it has none, 1 it sleeps in select, 2 it has connections to
	// hand out and waits for the GIL (or for a pool thread it started), 3
	// it holds the GIL on a core.
	Main int
}

// RequestSnap is one request, placed for drawing.
type RequestSnap struct {
	Seq    int64
	Slot   int // the engine's slot for it: below Sim.Slots, stable while it lives, reused after
	State  State
	Worker int           // -1 before it is accepted
	Lane   int           // the lane of the thread or loop it is on, or -1
	Order  int           // its place in the queue it waits in (listen queue, worker queue, loop's ready queue)
	Since  time.Duration // when it entered State
	Sent   time.Duration
	Orphan bool // its client has given up
	Calls  int  // upstream calls in flight
	Client int  // its closed-loop client (0 to Snapshot.Clients-1), or -1
}

// Snapshot fills snap with the state of the simulation now.
func (s *Sim) Snapshot(snap *Snapshot) {
	snap.Now, snap.Model, snap.Cores = s.now, s.cfg.Model, s.cores
	snap.Busy = s.cores - s.freeCores
	snap.Backlog, snap.Upstream = s.backlog.len()+s.unaccepted(), s.upstream
	snap.Clients = s.traffic.shown()
	s.snapJobs(&snap.Jobs)
	snap.Sleep = s.sleep
	snap.Workers = snap.Workers[:0]
	for i := range s.procs {
		p := &s.procs[i]
		w := WorkerSnap{Alive: p.alive, Retiring: p.retiring, Gone: p.gone, Loop: p.loop >= 0, Blocked: p.blocked, Running: -1, Conns: p.conns, RSS: p.memRSS}
		w.Lanes = max(p.pool.max, p.pool.n)
		if w.Loop {
			w.Lanes++
		}
		if s.unit.handlerLoop {
			w.Lanes = 1
		}
		if p.running >= 0 {
			w.Running = int(s.threads[p.running].lane)
		}
		if m := &p.main; m.tid > 0 && s.sp.mainTurn != nil {
			w.Main = 1
			if m.busy {
				w.Main = 2
			}
			if p.running == m.tid-1 {
				w.Main = 3
			}
		}
		snap.Workers = append(snap.Workers, w)
	}
	snap.Requests = snap.Requests[:0]
	for i := range s.reqs {
		r := &s.reqs[i]
		if !r.live {
			continue
		}
		rs := RequestSnap{Seq: r.seq, Slot: int(r.id), State: r.state, Worker: int(r.proc), Lane: -1, Since: r.since,
			Sent: r.sent, Orphan: r.orphan, Calls: int(r.inIO), Client: int(r.client)}
		if r.thread >= 0 {
			rs.Lane = int(s.threads[r.thread].lane)
		} else if r.proc >= 0 && s.procs[r.proc].loop >= 0 && s.threads[s.procs[r.proc].loop].req == r.id {
			rs.Lane = 0
		}
		snap.Requests = append(snap.Requests, rs)
	}
	// Queue places, in queue order. Request slots map to snapshot entries
	// through their order in s.reqs, which the loop above kept.
	s.snapIndex = s.snapIndex[:0]
	n := int32(0)
	for i := range s.reqs {
		j := int32(-1)
		if s.reqs[i].live {
			j, n = n, n+1
		}
		s.snapIndex = append(s.snapIndex, j)
	}
	order := func(q *fifo, from int) {
		for i := 0; i < q.len(); i++ {
			if j := s.snapIndex[q.at(i)]; j >= 0 {
				snap.Requests[j].Order = from + i
			}
		}
	}
	order(&s.backlog, 0)
	// Connections a worker's main thread has yet to accept wait in the
	// listen queue too, after those no worker has taken (mainthread.go).
	from := s.backlog.len()
	for i := range s.procs {
		order(&s.procs[i].main.fresh, from)
		from += s.procs[i].main.fresh.len()
	}
	for i := range s.procs {
		p := &s.procs[i]
		order(&p.pool.wait, 0)
		order(&p.up.wait, 0)
		if p.loop >= 0 {
			order(&p.turn.wait, 0)
		}
	}
}

// Ended is a request that left the simulation: answered or failed.
type Ended struct {
	Seq    int64
	Slot   int // the slot it had (see RequestSnap.Slot)
	At     time.Duration
	Worker int
	OK     bool // answered to a waiting client
	Client int  // its closed-loop client, or -1
}

// endedRing keeps the most recent ends, for views that animate them.
type endedRing struct {
	ring  [1024]Ended
	total int64
}

func (e *endedRing) add(x Ended) {
	e.ring[e.total&int64(len(e.ring)-1)] = x // len is a power of two; total >= 0
	e.total++
}

// EndedSince appends to buf the requests that ended after the n-th end
// (counting from 0 at the start of the run) and returns it with the count to
// pass next time. Ends older than the last 1024 are dropped. A Sim made
// with Options.Unwatched keeps none.
func (s *Sim) EndedSince(n int64, buf []Ended) ([]Ended, int64) {
	e := &s.ends
	first := max(n, e.total-int64(len(e.ring)))
	for i := first; i < e.total; i++ {
		buf = append(buf, e.ring[i%int64(len(e.ring))])
	}
	return buf, e.total
}

// Slots returns how many request slots the engine has made; every
// RequestSnap.Slot and Ended.Slot is below it.
func (s *Sim) Slots() int { return len(s.reqs) }

// Timeline returns the timeline of request seq, in flight or among the
// recently finished that the Sim keeps (Options.Timelines). The segment of
// an in-flight request's current state ends now.
func (s *Sim) Timeline(seq int64) (Timeline, bool) {
	for i := range s.reqs {
		r := &s.reqs[i]
		if r.live && r.seq == seq {
			t := Timeline{Seq: r.seq, Client: int(r.client), Worker: int(r.proc), Sent: r.sent, End: -1,
				Outcome: "in flight", Segments: append([]Segment(nil), r.segs...)}
			if r.orphan {
				t.Outcome = "client gave up; still served"
			}
			if r.state != StateNone && s.now > r.since {
				t.Segments = append(t.Segments, Segment{State: r.state, Start: r.since, End: s.now})
			}
			return t, true
		}
	}
	tr := &s.timelns
	for i := tr.n - 1; i >= 0; i-- {
		t := tr.ring[(tr.start+i)%tr.keep]
		if t.Seq == seq {
			t.Segments = append([]Segment(nil), t.Segments...)
			return t, true
		}
	}
	return Timeline{}, false
}
