package engine

import (
	"testing"
	"time"
)

// sysctl_sched_base_slice is 0.7 ms times 1 + ilog2(min(cores, 8)).
func TestBaseSlice(t *testing.T) {
	for _, c := range []struct {
		cores int
		want  time.Duration
	}{{1, 700 * time.Microsecond}, {2, 1400 * time.Microsecond}, {3, 1400 * time.Microsecond},
		{4, 2100 * time.Microsecond}, {8, 2800 * time.Microsecond}, {64, 2800 * time.Microsecond}} {
		if got := baseSlice(c.cores); got != c.want {
			t.Errorf("baseSlice(%d) = %v, want %v", c.cores, got, c.want)
		}
	}
}

// On one core an RQ horse forks (about 67 ms of CPU) when the web worker's
// first request enqueues its job. The web worker sleeps in the enqueue's
// round trip to redis-server (jobsredis.go), whose RPUSH wakes the idle rq
// worker first: it takes the core, and request 1 waits for the first tick
// that finds its protected slice (one base slice, 1.4 ms, from its pick)
// over, 4 ms. With a client that comes back 100 µs later, the worker wakes
// inside the horse's protected slice again and waits for the next tick:
// 8 ms for request 2, and 12 ms for request 3, whose worker woke just after
// the horse took the core back. With a 20 ms think the web worker slept
// long enough to be owed CPU, the horse's protection is over, and requests
// 2 and 3 preempt the horse at once.
func TestKernelWakePreempt(t *testing.T) {
	waits := func(sc string) [][]Segment {
		s := NewLane(mustParse(t, sc), 0, Options{Timelines: 3})
		s.Run()
		var all [][]Segment
		for seq := int64(1); seq <= 3; seq++ {
			tl, ok := s.Timeline(seq)
			if !ok {
				t.Fatalf("%s: no timeline for request %d", sc, seq)
			}
			var w []Segment
			for _, g := range tl.Segments {
				if g.State == stWaitCore || g.State == stWaitGIL {
					w = append(w, g)
				}
			}
			all = append(all, w)
		}
		return all
	}
	const base = "model=sync workers=1 cores=1 background=1 calls=1 io=1s clients=1 requests=3 "
	w := waits(base + "think=100us")
	for i, tick := range []time.Duration{kernelTick, 2 * kernelTick, 3 * kernelTick} {
		if g := w[i]; len(g) != 1 || g[0].End != tick {
			t.Errorf("think=100us: request %d waits for a core %+v, want one wait that ends at the tick, %v", i+1, g, tick)
		}
	}
	for i, g := range waits(base + "think=20ms")[1:] {
		if len(g) != 0 {
			t.Errorf("think=20ms: request %d waits for a core %+v, want none: it preempts the horse", i+2, g)
		}
	}
}

// The real sync workers of sync-50w (gunicorn, 50 workers, 100 clients,
// 200 ms calls, on a quiet 2-core machine; /proc/PID/sched summed over the
// workers, scripts/measure/schedlog.py) made 1.0 voluntary switches a
// request, the upstream wait, and 0.35 migrations to another core. A worker
// that accepts its next connection from a full backlog does not sleep, and
// a woken worker goes back to its previous core when it is idle.
func TestKernelSyncSwitches(t *testing.T) {
	s := NewLane(mustParse(t, "model=sync workers=50 clients=100 io=200ms requests=4000 duration=15s cores=2 rtt=200µs client-cpu=100µs io-late=300µs seed=1"), 0, Options{})
	s.Run()
	n := float64(s.Result().Completed)
	vol, migr := float64(s.kern.vol)/n, float64(s.kern.migr)/n
	if vol < 0.95 || vol > 1.1 {
		t.Errorf("voluntary switches %.2f a request, want about 1.0 (the real workers' 1.0)", vol)
	}
	if migr < 0.1 || migr > 0.7 {
		t.Errorf("migrations %.2f a request, want within a factor of two of the real workers' 0.35", migr)
	}
}

// A core that goes idle pulls from the busiest other core the waiting
// process that took a core or joined the queue longest ago (the tail of
// cfs_tasks), passing over one that ran less than 0.5 ms ago (task_hot);
// one that can move nothing else takes the hot one only when told to.
func TestKernelPullTail(t *testing.T) {
	s := NewLane(mustParse(t, "model=sync workers=3 cores=2 requests=1"), 0, Options{})
	s.now = 10 * time.Millisecond
	for pid := range int32(3) {
		e := &s.procs[pid].ent
		e.core = 2 // last on core 1
		s.join(pid, e, 1)
	}
	s.run(2, &s.procs[2].ent, 1)
	s.procs[0].ent.ranAt, s.procs[0].ent.mru = s.now-100*time.Microsecond, 1*time.Millisecond
	s.procs[1].ent.ranAt, s.procs[1].ent.mru = s.now-5*time.Millisecond, 2*time.Millisecond
	s.procs[0].ent.stint, s.procs[1].ent.stint = 1, 1
	s.enqueue(1, 1, &s.procs[1].ent)
	s.enqueue(1, 0, &s.procs[0].ent)
	if !s.pull(0, false) {
		t.Fatal("core 0 pulled nothing; want process 1")
	}
	if q := s.kern.rqs[0].ready; len(q) != 1 || q[0].pid != 1 {
		t.Errorf("core 0 pulled %v, want [1]: process 0 is older but cache-hot", q)
	}
	if q := s.kern.rqs[1].ready; len(q) != 1 || q[0].pid != 0 {
		t.Errorf("core 1 keeps %v, want [0]", q)
	}
	if s.kern.rqs[0].n != 1 || s.kern.rqs[1].n != 2 {
		t.Errorf("runnable counts %d and %d, want 1 and 2", s.kern.rqs[0].n, s.kern.rqs[1].n)
	}
	s.kern.rqs[0].ready, s.kern.rqs[0].n = nil, 0
	if s.pull(0, false) {
		t.Errorf("core 0 pulled the cache-hot process 0")
	}
	if !s.pull(0, true) || len(s.kern.rqs[1].ready) != 0 {
		t.Errorf("core 0 did not pull process 0 when told that hot ones may move")
	}
}

// A woken process goes to its previous core when that core is idle, to
// another idle core when it is not, and with both busy to the one with
// fewer runnable processes, its previous one on a tie.
func TestKernelWakeCore(t *testing.T) {
	s := NewLane(mustParse(t, "model=sync workers=4 cores=2 requests=1"), 0, Options{})
	e := &s.procs[0].ent
	e.core = 2
	if c := s.wakeCore(0, e); c != 1 {
		t.Errorf("both cores idle: woke on core %d, want its previous, 1", c)
	}
	s.join(1, &s.procs[1].ent, 1)
	s.run(1, &s.procs[1].ent, 1)
	if c := s.wakeCore(0, e); c != 0 {
		t.Errorf("previous core busy, core 0 idle: woke on core %d, want 0", c)
	}
	s.join(2, &s.procs[2].ent, 0)
	s.run(2, &s.procs[2].ent, 0)
	if c := s.wakeCore(0, e); c != 1 {
		t.Errorf("both busy, one process each: woke on core %d, want its previous, 1", c)
	}
	s.join(3, &s.procs[3].ent, 1)
	s.enqueue(1, 3, &s.procs[3].ent)
	if c := s.wakeCore(0, e); c != 0 {
		t.Errorf("core 1 has two runnable, core 0 one: woke on core %d, want 0", c)
	}
}

// A client thread woken by a worker's write (a sync wake-up) with no core
// idle goes to the waker's core when the waker runs alone there
// (wake_affine_idle), and otherwise when that core's load without the waker
// and with the wakee is below its previous core's raised by 8%
// (wake_affine_weight); a process the worker's write does not wake is placed
// as before. The thread ran on core 1, the worker runs on core 0.
func TestKernelWakeAffineSync(t *testing.T) {
	s := NewLane(mustParse(t, "model=sync workers=4 cores=2 requests=1"), 0, Options{})
	cli := &entity{core: 2}
	for pid, c := range []int{0, 1} {
		s.join(int32(pid), &s.procs[pid].ent, c)
		s.run(int32(pid), &s.procs[pid].ent, c)
	}
	s.kern.waker = 0
	if c := s.wakeCore(clientPid, cli); c != 0 {
		t.Errorf("the waker alone on core 0, core 1 busy: the client woke on core %d, want the waker's, 0", c)
	}
	if c := s.wakeCore(3, cli); c != 1 {
		t.Errorf("a worker woken meanwhile (not by the write): woke on core %d, want its previous, 1", c)
	}
	s.join(2, &s.procs[2].ent, 0)
	s.enqueue(0, 2, &s.procs[2].ent)
	if c := s.wakeCore(clientPid, cli); c != 1 {
		t.Errorf("two runnable on the waker's core, one on core 1: the client woke on core %d, want its previous, 1", c)
	}
	s.join(3, &s.procs[3].ent, 1)
	s.enqueue(1, 3, &s.procs[3].ent)
	if c := s.wakeCore(clientPid, cli); c != 0 {
		t.Errorf("two runnable on each core: the client woke on core %d, want the waker's, 0", c)
	}
	s.kern.waker = noProc
	if c := s.wakeCore(clientPid, cli); c != 1 {
		t.Errorf("no waker: the client woke on core %d, want its previous on a tie, 1", c)
	}
}

// A process woken with no lag onto a core whose process has run past its
// protected slice takes the core when their deadlines tie (pick_eevdf keeps
// the running one only if its deadline is strictly earlier), and the
// running one's deadline is the one the last tick's update_curr gave it
// (its v then plus a slice), renewed at the wake-up if it has run past it.
// Process 0 runs alone on core 0 from 0; process 1 wakes there at 9 ms
// (the 8 ms tick's deadline, 9.4 ms, is earlier than its 10.4 ms: no) and
// at 10 ms (that deadline is past, renewed to 11.4 ms, its own: a tie, yes).
func TestKernelWakeupTieGoesToTheWaiter(t *testing.T) {
	for _, c := range []struct {
		at   time.Duration
		want bool
	}{{9 * time.Millisecond, false}, {10 * time.Millisecond, true}} {
		s := NewLane(mustParse(t, "model=sync workers=2 cores=2 requests=1"), 0, Options{})
		s.join(0, &s.procs[0].ent, 0)
		s.run(0, &s.procs[0].ent, 0)
		s.now = c.at
		w := &s.procs[1].ent
		s.join(1, w, 0)
		if w.dl != c.at+s.kern.slice {
			t.Fatalf("woken at %v: deadline %v, want %v (no lag)", c.at, w.dl, c.at+s.kern.slice)
		}
		if got := s.beats(0, w, &s.procs[0]); got != c.want {
			t.Errorf("woken at %v: the waiter beats the running process: %v, want %v", c.at, got, c.want)
		}
	}
}

// An event loop does not sleep while callbacks are ready (asyncio's
// _run_once selects with a zero timeout then; libev and libuv run their
// pending callbacks before they poll): a lone client's request puts the
// loop to sleep twice, for the upstream's answer and for the next request,
// however many iterations it runs (six on a new connection).
func TestKernelLoopSleepsOnlyWhenIdle(t *testing.T) {
	for _, text := range []string{
		"model=asyncio clients=1 io=100ms requests=20",
		"model=asyncio clients=1 io=100ms keepalive=false requests=20",
		"model=gevent clients=1 io=100ms requests=20",
		"model=node clients=1 io=100ms requests=20",
	} {
		s := NewLane(mustParse(t, text), 0, Options{})
		s.Run()
		if n := s.Result().Completed; n != 20 || s.kern.vol != 2*n {
			t.Errorf("%q: the loop slept %d times in %d requests, want two a request", text, s.kern.vol, n)
		}
	}
}

// The busy cores' periodic balance comes every sd_weight ms times
// busy_factor (16), in whole 4 ms ticks: 32 ms on the calibration machine's
// 2 cores.
func TestKernelBusyBalanceInterval(t *testing.T) {
	for _, c := range []struct {
		cores int
		want  time.Duration
	}{{1, 16 * time.Millisecond}, {2, 32 * time.Millisecond}, {3, 48 * time.Millisecond}, {5, 80 * time.Millisecond}} {
		if got := newKernel(c.cores).busyEvery; got != c.want {
			t.Errorf("%d cores: busy balance every %v, want %v", c.cores, got, c.want)
		}
	}
}

// kernelScenarios crowd the cores with workers, clients' CPU, an RQ horse
// and gthread's main threads, or give each worker a core (M/M/c): the
// kernel's shortcuts are checked after each of their events.
var kernelScenarios = []string{
	"model=gevent workers=16 io=100ms clients=200 requests=3000",
	"model=sync workers=9 cores=2 cpu=30ms io=20ms rate=60 duration=10s",
	"model=fastapi cores=2 workers=16 view=sync cpu=1ms io=0s client-cpu=2ms sampler-cpu=1ms clients=5 requests=300",
	"model=sync workers=2 cores=1 background=1 calls=1 io=50ms clients=3 requests=200",
	"model=gthread workers=3 threads=4 cpu=15ms io=100ms clients=50 duration=10s",
	"model=sync workers=3 cores=3 rate=2.4 io=1s io-dist=exp requests=3000",
}

// arrangePreempts looks over the cores only when arrange is set, so it
// must be set whenever a core runs a process while others wait for it
// with no preemption pending: checked after every event of
// kernelScenarios. Between events such a core is rare (a preempted thread
// whose work ended just then keeps its core), so the check must have seen
// a few, or it saw nothing: two moments (a core at a time), each seen
// after several events of its instant.
func TestKernelArrangeSet(t *testing.T) {
	type moment struct {
		text string
		at   time.Duration
		core int
	}
	arranged := map[moment]bool{}
	for _, text := range kernelScenarios {
		s := NewLane(mustParse(t, text), 0, Options{})
		for s.Step() {
			k := &s.kern
			for c := range k.rqs {
				q := &k.rqs[c]
				if q.cur != noProc && !q.target && len(q.ready) > 0 {
					arranged[moment{text, s.now, c}] = true
					if !k.arrange {
						t.Fatalf("%s at %v: core %d runs %d while %d wait, no preemption pending, and arrange is not set", text, s.now, c, q.cur, len(q.ready))
					}
				}
			}
		}
	}
	if len(arranged) < 2 {
		t.Errorf("checked %d moments of a core to arrange; want at least 2", len(arranged))
	}
}

// sleepOff empties a queue whose one runnable process goes to sleep
// without leave's arithmetic, as that process's v is then the queue's sum.
// Checked after every event of kernelScenarios: on each queue with one
// runnable process, the sum (brought up to now) equals that process's v.
func TestKernelLoneQueueSumIsItsV(t *testing.T) {
	alone := 0
	for _, text := range kernelScenarios {
		s := NewLane(mustParse(t, text), 0, Options{})
		for s.Step() {
			for c := range s.kern.rqs {
				q := &s.kern.rqs[c]
				if q.n != 1 {
					continue
				}
				alone++
				sum, v := q.sumV, time.Duration(0)
				switch {
				case q.cur != noProc:
					sum += s.now - q.at
					v = s.cpuProc(q.cur).ent.vNow(s.now, true)
				case len(q.ready) == 1:
					v = q.ready[0].v
				default:
					t.Fatalf("%s at %v: core %d counts one runnable process, but runs none and has %d waiting", text, s.now, c, len(q.ready))
				}
				if sum != v {
					t.Fatalf("%s at %v: core %d's one process has v %v, its queue's sum is %v", text, s.now, c, v, sum)
				}
			}
		}
	}
	if alone < 1000 {
		t.Errorf("checked %d queues with one process; want at least 1000", alone)
	}
}

// A core's pending preemption waits outside the event queue (runQueue.preAt)
// and stop takes it away, so that none fires void: after every event of
// kernelScenarios, each one pending is of the process on its core, in the
// stint it was arranged for, pending counts them, and the next side event
// (tickAt) is the earliest of them, the balance and the arbiter's tick.
func TestKernelPendingPreemptsNotVoid(t *testing.T) {
	seen := 0
	for _, text := range kernelScenarios {
		s := NewLane(mustParse(t, text), 0, Options{})
		for s.Step() {
			k := &s.kern
			n := 0
			at, seq := s.arbAt, s.arbSeq
			if k.balAt != maxTime && (k.balAt < at || k.balAt == at && k.balSeq < seq) {
				at, seq = k.balAt, k.balSeq
			}
			for c := range k.rqs {
				q := &k.rqs[c]
				if q.preAt == maxTime {
					continue
				}
				n++
				if q.cur != q.prePid || s.cpuProc(q.prePid).ent.stint != q.preStint || !q.target {
					t.Fatalf("%s at %v: core %d has a void preemption pending (of %d's stint %d; it runs %d)", text, s.now, c, q.prePid, q.preStint, q.cur)
				}
				if q.preAt < at || q.preAt == at && q.preSeq < seq {
					at, seq = q.preAt, q.preSeq
				}
			}
			seen += n
			if n != k.pending {
				t.Fatalf("%s at %v: %d preemptions pending, pending counts %d", text, s.now, n, k.pending)
			}
			if at != s.tickAt || seq != s.tickSeq {
				t.Fatalf("%s at %v: the next side event is (%v, %d), tickAt says (%v, %d)", text, s.now, at, seq, s.tickAt, s.tickSeq)
			}
		}
	}
	if seen < 1000 {
		t.Errorf("saw %d pending preemptions after events; want at least 1000", seen)
	}
}
