package engine

import "time"

// Which runnable process gets a core: Linux's EEVDF, the fair class of the
// 6.x kernels (kernel/sched/fair.c of 6.18, the calibration machine's
// kernel), with a run queue per core as the kernel keeps them.
//
// Each process has a virtual runtime v, the CPU it has run (all processes
// weigh the same, nice 0), and each core's queue has V, the average v of its
// runnable processes (avg_vruntime). A process's lag, V - v, is the CPU it
// is owed. A process is eligible when its lag is not negative, and the core
// goes to the eligible process with the earliest virtual deadline, its v
// when it last got a slice plus one base slice (pick_eevdf); a process that
// runs past its deadline gets a new one. A process that sleeps leaves its
// queue and keeps its lag (update_entity_lag, clamped to the larger of two
// slices and a tick); when it wakes it is placed at V minus that lag,
// scaled for the queue it joins (place_entity, PLACE_LAG). A negative lag
// is not forgotten by sleeping: DELAY_DEQUEUE keeps the sleeper in its
// queue until V reaches its v, and a process woken while still there is
// put back on that core (ttwu_runnable) at its v; once dequeued its lag is
// zero (DELAY_ZERO). So a web worker that wakes for each request and uses
// less than its share comes back owed CPU and runs ahead of CPU-bound
// processes that have run their share, which wait their turn among
// themselves.
//
// Where a woken process goes (select_task_rq_fair, select_idle_sibling):
// its previous core if idle, else an idle core as far as SIS_UTIL lets it
// search (none once the cores are more than 60% busy on 2 cores:
// sisutil.go), else the core wake_affine picks between its previous core
// and the waker's. A client thread woken
// by a worker's write (its answer: sock_def_readable wakes the thread in
// epoll_wait with WF_SYNC, which ep_poll_callback passes on) is woken from
// the worker's core: wake_affine_idle takes that core when the worker runs
// alone there (a sync wake-up expects the waker to sleep), else
// wake_affine_weight compares the two cores' loads, the waker's without the
// waker and with the wakee, its previous one's raised by half the domain's
// imbalance_pct (117: 108%), processes counted for loads (affine). For
// other wakes the engine does not know the waker (I/O completions, the
// harness's upstream, timers), so it takes the core with fewer runnable
// processes, the previous one on a tie, as wake_affine_weight's comparison
// does. A woken process
// preempts only the process on its own core: check_preempt_wakeup_fair
// preempts it at once when pick_eevdf picks the woken one (the earliest
// eligible deadline; the running process keeps the core only if its
// deadline is strictly earlier, so a tie goes to the woken one, and its
// deadline is renewed, its v plus a slice, whenever update_curr finds it
// past: at each tick and at the wake-up itself; beats), unless the
// running process is still inside its protected slice (RUN_TO_PARITY:
// set_protect_slice at each pick, one base slice of runtime up to its
// deadline). Inside it, the woken process waits for the first tick that
// finds the protection over (update_curr at the tick: `if (resched ||
// !protect_slice(curr)) resched_curr_lazy`); HRTICK is off by default, so
// that is a multiple of the tick (HZ=250: 4 ms). The base slice is
// normalized_sysctl_sched_base_slice, 0.7 ms, times 1 + ilog2(min(cores, 8))
// (update_sysctl, SCHED_TUNABLESCALING_LOG): 1.4 ms on 2 cores.
//
// A core whose queue empties pulls a waiting process from the busiest other
// core (sched_balance_newidle, detach_tasks; a core that was idle already
// pulls nothing until a balance: sisutil.go newlyIdle): from the tail of that core's
// cfs_tasks, the process that took a core or joined the queue longest ago
// (pick_next_task_fair moves the picked task to the head, enqueue adds it
// there), skipping cache-hot ones that ran less than
// sysctl_sched_migration_cost (0.5 ms) ago (task_hot). If none can move, the
// idle core pulls at the next tick (the busy core's tick kicks the idle
// balance, nohz_balancer_kick). The periodic balance of busy cores, every
// 32 ms on 2 cores (balance_interval of sd_weight ms, the cores that share
// the cache, all of them here, times busy_factor 16, in whole ticks),
// moves tail processes from a core with at least two more runnable
// processes than another until the counts differ by at most one.
//
// Not modelled: PELT's load averages for balancing and wake_affine (they
// count processes; only SIS_UTIL reads a utilization, sisutil.go);
// wake_wide, which skips wake_affine when the waker and the wakee both
// switch often between the tasks they wake (a server answering many
// clients can be one; the harness's threads' flips were not measured);
// the harness's own sync wake-ups of a worker (the client's request, the
// upstream's answer), which reach the engine after a delay, not from a
// core; that a process steps aside at the end of the engine's 5 ms
// slice (switchInterval, the GIL's switch) when another waits on its core,
// which the kernel does not see, so that core is re-picked there too;
// autogroup (an rq horse calls setsid, so each horse is a scheduling group
// of its own with sched_autogroup_enabled=1; the engine weighs processes,
// not groups); and the threads of a process, which share one entity here as
// they share the GIL.

const (
	// kernelTick is the scheduler tick of the calibration machine's kernel
	// (CONFIG_HZ=250).
	kernelTick = 4 * time.Millisecond
	// baseSliceNorm is normalized_sysctl_sched_base_slice (0.7 ms).
	baseSliceNorm = 700 * time.Microsecond
	// migrationCost is sysctl_sched_migration_cost: a process that ran less
	// than this ago is cache-hot and balancing leaves it (task_hot).
	migrationCost = 500 * time.Microsecond
	// busyFactor is sd->busy_factor: a busy core balances that many times
	// less often than an idle one.
	busyFactor = 16
)

// evBalance was the event of a scheduler tick's balance; the balance now
// waits outside the queue (kernelSched.balAt), but the kind keeps its
// number, which evSample follows.
const evBalance = evJobIODone + 1

// noProc marks a core that runs no process: no worker, RQ horse or client
// has that pid.
const noProc = int32(1<<31 - 1)

// kernelSched is the kernel's fair class: a run queue per core (see above).
type kernelSched struct {
	rqs       []runQueue
	slice     time.Duration // the base slice for the machine's cores
	busyEvery time.Duration // the periodic balance's interval on busy cores
	lagLimit  time.Duration // the most lag a sleeper keeps, either way: the larger of two slices and a tick
	// The tick's balance pending (balAt is maxTime when there is none), and
	// its seq: it waits outside the event queue, with the preemptions
	// (runQueue.preAt), so that the balances of a run of ticks that find
	// nothing to move cost no push and pop of the queue.
	balAt  time.Duration
	balSeq uint64
	// waker is the worker whose CPU has just run and whose writes wake
	// what wakes now (a sync wake-up: kernel.go wakeCore), or noProc.
	waker int32
	// waiting is how many processes wait in the cores' ready queues, and
	// crowded how many cores have two or more runnable processes: while
	// both are zero, dispatch has no core to fill, no preemption to arrange
	// and no balance to arm, and skips its loops over the cores.
	waiting, crowded int
	// arrange says that a core may need a preemption arranged: one with a
	// running process and a waiting one and none pending. Only a dispatch
	// that gives a core to a process (run on a core others wait for),
	// enqueue and a preemption that fires (preempt) make one, so they set
	// it, and arrangePreempts, which arranges every such core, looks over
	// the cores only when it is set.
	arrange bool
	// pending is how many cores have a preemption pending (runQueue.preAt):
	// while it is zero the next side event is the arbiter's tick, found
	// without a look over the cores (Sim.nextSide).
	pending int
	// What the workers (not RQ horses or clients) went through, for tests:
	// voluntary switches (sleeps), involuntary ones (taken off a core while
	// runnable) and migrations to another core.
	vol, invol, migr int64

	// pelt is the cores' utilization, for SIS_UTIL (sisutil.go).
	pelt pelt
}

// runQueue is one core's queue of the fair class.
type runQueue struct {
	ready  []waiter      // processes that wait for this core, in the order they began to wait
	cur    int32         // the process on the core, or noProc
	n      int           // runnable processes on this core, the running one included
	sumV   time.Duration // the sum of the runnable processes' v, as of at
	at     time.Duration
	lastV  time.Duration // V when the queue last emptied
	target bool          // a preemption of cur is pending

	// freedAt is when a process last left the core (newlyIdle, sisutil.go).
	freedAt time.Duration

	// The preemption pending on this core (preAt is maxTime when there is
	// none): its time and seq, the process it preempts and that process's
	// stint. It waits outside the event queue, as the arbiter's tick does
	// (Sim.tickAt), so that stop, which makes it void, takes it away
	// (cancelPreempt) instead of leaving an event that would fire and do
	// nothing.
	preAt    time.Duration
	preSeq   uint64
	prePid   int32
	preStint uint32
}

// waiter is a process that waits for a core, with its virtual runtime and
// deadline, which do not change while it waits (join and stop set them
// before it is queued): pick_eevdf's scan reads them here, next to each
// other, rather than through the process.
type waiter struct {
	v, dl time.Duration
	pid   int32
}

// entity is a process's place in the kernel's run queues.
type entity struct {
	v, dl    time.Duration // virtual runtime (as of runSince while on a core) and deadline
	lag      time.Duration // V - v when it last went to sleep
	runSince time.Duration // when it last took a core
	pickedAt time.Duration // the same, for its protected slice
	ranAt    time.Duration // when it last left a core (exec_start, for task_hot)
	mru      time.Duration // when it last took a core or joined a queue: its place in cfs_tasks
	stint    uint32        // bumped each time it takes a core, so a stale preemption is ignored
	core     int32         // the core it runs, waits or last ran on, plus one; 0 before it has run
}

// newKernel returns the run queues of a machine of n cores.
func newKernel(n int) kernelSched {
	k := kernelSched{slice: baseSlice(n), rqs: make([]runQueue, n), waker: noProc,
		busyEvery: nextTick(time.Duration(n*busyFactor) * time.Millisecond), balAt: maxTime}
	k.lagLimit = max(2*k.slice, kernelTick)
	for i := range k.rqs {
		k.rqs[i].cur, k.rqs[i].preAt = noProc, maxTime
	}
	return k
}

// baseSlice returns sysctl_sched_base_slice on a machine of n cores.
func baseSlice(n int) time.Duration {
	f := 1
	for c := min(n, 8); c > 1; c >>= 1 {
		f++
	}
	return time.Duration(f) * baseSliceNorm
}

// advance brings the sum of v up to now: the process on the core ran.
func (q *runQueue) advance(now time.Duration) {
	if q.cur != noProc {
		q.sumV += now - q.at
	}
	q.at = now
}

// avg is V, the average v of the runnable processes. A core runs one
// process most of the time, and then V is its v, without a division.
func (q *runQueue) avg() time.Duration {
	switch q.n {
	case 0:
		return q.lastV
	case 1:
		return q.sumV
	}
	return q.sumV / time.Duration(q.n)
}

// idle reports whether the core has nothing to run.
func (q *runQueue) idle() bool { return q.n == 0 }

// vNow is e's virtual runtime now.
func (e *entity) vNow(now time.Duration, running bool) time.Duration {
	if running {
		return e.v + now - e.runSince
	}
	return e.v
}

// isWorker reports whether pid is a server's worker, whose switches the
// counters count.
func isWorker(pid int32) bool { return pid >= 0 && !isClientPid(pid) }

// wakeCore returns the core process e wakes on (see above).
func (s *Sim) wakeCore(pid int32, e *entity) int {
	k := &s.kern
	prev := int(e.core) - 1
	if prev >= 0 {
		q := &k.rqs[prev]
		if q.idle() {
			return prev
		}
		q.advance(s.now)
		if e.lag < 0 && e.v > q.avg() {
			return prev // still in its queue (DELAY_DEQUEUE): ttwu_runnable
		}
	}
	if c := s.idleCore(prev); c >= 0 { // as far as SIS_UTIL looks (sisutil.go)
		return c
	}
	if w := k.waker; w != noProc && isClientPid(pid) {
		if c := int(s.cpuProc(w).ent.core) - 1; c >= 0 {
			return s.affine(c, prev)
		}
	}
	best := max(prev, 0)
	for c := range k.rqs {
		if k.rqs[c].n < k.rqs[best].n && !k.rqs[c].idle() { // an idle core is only found by idleCore
			best = c
		}
	}
	return best
}

// affine is the core wake_affine picks for a sync wake-up from a process
// running on core w, of a process that last ran on core prev (no core idle):
// wake_affine_idle takes w when the waker runs alone there; else
// wake_affine_weight takes w when its load without the waker and with the
// wakee is below prev's, raised by half the domain's imbalance_pct (117:
// 108%), processes counted for loads.
func (s *Sim) affine(w, prev int) int {
	k := &s.kern
	if prev < 0 || w == prev || k.rqs[w].n <= 1 || k.rqs[w].n*100 < k.rqs[prev].n*108 {
		return w
	}
	return prev
}

// join places process pid, e, on core c's queue.
func (s *Sim) join(pid int32, e *entity, c int) {
	q := &s.kern.rqs[c]
	q.advance(s.now)
	V := q.avg()
	switch {
	case e.lag >= 0:
		lag := e.lag
		if q.n > 0 {
			lag = lag * time.Duration(q.n+1) / time.Duration(q.n)
		}
		e.v = V - lag
	case int(e.core)-1 == c:
		e.v = max(V, e.v) // DELAY_DEQUEUE: still owing, or dequeued at zero lag
	default:
		e.v = V // DELAY_ZERO
	}
	if int(e.core)-1 != c && e.core != 0 && isWorker(pid) {
		s.kern.migr++
	}
	e.core = int32(c) + 1
	e.dl = e.v + s.kern.slice
	e.mru = s.now
	q.sumV += e.v
	q.n++
	if q.n == 2 {
		s.kern.crowded++
	}
}

// leave takes process e off its core's queue; it keeps its lag.
func (s *Sim) leave(e *entity) {
	k := &s.kern
	q := &k.rqs[e.core-1]
	q.advance(s.now)
	V := q.avg()
	e.lag = min(max(V-e.v, -k.lagLimit), k.lagLimit)
	q.sumV -= e.v
	if q.n == 2 {
		k.crowded--
	}
	q.n--
	if q.n == 0 {
		q.lastV, q.sumV = V, 0
	}
}

// runIdle places process pid, e, which slept, on idle core c and runs it
// there, as join then run do. A process back on the core it last ran on
// with a lag that is not negative, as a worker with a core to itself is,
// takes the v the queue kept as it emptied (lastV) less that lag, and the
// queue's sum of v is its v.
func (s *Sim) runIdle(pid int32, e *entity, c int) {
	q := &s.kern.rqs[c]
	if e.lag < 0 || int(e.core)-1 != c {
		s.join(pid, e, c)
		s.run(pid, e, c)
		return
	}
	e.v = q.lastV - e.lag
	e.dl = e.v + s.kern.slice
	q.at, q.sumV, q.n = s.now, e.v, 1
	q.cur, q.target = pid, false
	e.runSince, e.pickedAt, e.mru = s.now, s.now, s.now
	e.stint++
	s.freeCores--
}

// run puts process pid, e, runnable on core c's queue, on that core.
func (s *Sim) run(pid int32, e *entity, c int) {
	q := &s.kern.rqs[c]
	q.advance(s.now)
	q.cur, q.target = pid, false
	e.runSince, e.pickedAt, e.mru = s.now, s.now, s.now
	e.stint++
	s.freeCores--
}

// stop takes process pid, e, off its core; it stays runnable unless leave
// follows (sleeps says which, for the counters).
func (s *Sim) stop(pid int32, e *entity, sleeps bool) {
	k := &s.kern
	q := &k.rqs[e.core-1]
	q.advance(s.now)
	if q.preAt != maxTime {
		s.cancelPreempt(int(e.core) - 1) // it would find this stint over
	}
	q.cur, q.target = noProc, false
	q.freedAt = s.now
	e.v += s.now - e.runSince
	e.ranAt = s.now
	if e.v >= e.dl {
		e.dl = e.v + k.slice // update_deadline
	}
	s.freeCores++
	if isWorker(pid) {
		if sleeps {
			k.vol++
		} else {
			k.invol++
		}
	}
}

// sleepOff takes process pid, e, off its core to sleep: stop, then leave.
// A process alone in its core's queue, as a worker with a core to itself
// is, holds the queue's only v: V is its v and its lag zero, and the queue
// empties without leave's arithmetic.
func (s *Sim) sleepOff(pid int32, e *entity) {
	q := &s.kern.rqs[e.core-1]
	s.stop(pid, e, true)
	if q.n != 1 {
		s.leave(e)
		return
	}
	e.lag = 0
	q.lastV, q.sumV, q.n = e.v, 0, 0
}

// wake makes process pid, which slept, runnable and queues it on the core
// it wakes on: c, if the caller has asked wakeCore already (c >= 0).
func (s *Sim) wake(pid int32, c int) {
	e := &s.cpuProc(pid).ent
	if c < 0 {
		c = s.wakeCore(pid, e)
	}
	s.join(pid, e, c)
	s.enqueue(c, pid, e)
}

// requeue queues process pid, runnable, for its own core again.
func (s *Sim) requeue(pid int32) {
	e := &s.cpuProc(pid).ent
	s.enqueue(int(e.core)-1, pid, e)
}

// enqueue makes process pid, e, runnable on core c's queue, wait for that
// core.
func (s *Sim) enqueue(c int, pid int32, e *entity) {
	q := &s.kern.rqs[c]
	q.ready = append(q.ready, waiter{v: e.v, dl: e.dl, pid: pid})
	s.kern.waiting++
	if q.cur != noProc && !q.target {
		s.kern.arrange = true
	}
}

// waitingOn reports how many processes wait for core c.
func (s *Sim) waitingOn(c int) int { return len(s.kern.rqs[c].ready) }

// best returns the index in core c's ready of the process pick_eevdf takes:
// the eligible one with the earliest deadline, the earliest deadline if none
// is eligible, the one that has waited longest on a tie.
func (s *Sim) best(c int) int {
	q := &s.kern.rqs[c]
	q.advance(s.now)
	V := q.avg()
	r := q.ready
	if len(r) == 0 {
		return -1
	}
	bi, bElig, bdl := 0, r[0].v <= V, r[0].dl
	for i := 1; i < len(r); i++ {
		if w := &r[i]; w.v <= V {
			if !bElig || w.dl < bdl {
				bi, bElig, bdl = i, true, w.dl
			}
		} else if !bElig && w.dl < bdl {
			bi, bdl = i, w.dl
		}
	}
	return bi
}

// take removes the i-th waiting process of core c and returns it.
func (s *Sim) take(c, i int) int32 {
	r := s.kern.rqs[c].ready
	pid := r[i].pid
	// A few move up, one by one: cheaper than the call that copy makes.
	for j := i + 1; j < len(r); j++ {
		r[j-1] = r[j]
	}
	s.kern.rqs[c].ready = r[:len(r)-1]
	s.kern.waiting--
	return pid
}

// unready takes process pid out of its core's queue of waiting processes.
func (s *Sim) unready(pid int32) {
	c := int(s.cpuProc(pid).ent.core) - 1
	if c < 0 {
		return
	}
	for i, w := range s.kern.rqs[c].ready {
		if w.pid == pid {
			s.take(c, i)
			return
		}
	}
}

// tail returns the index in core c's ready of the process a balance would
// move: the one at the tail of cfs_tasks that is not cache-hot (any of them
// if hot is true), or -1.
func (s *Sim) tail(c int, hot bool) int {
	bi := -1
	var bm time.Duration
	for i, w := range s.kern.rqs[c].ready {
		e := &s.cpuProc(w.pid).ent
		if !hot && e.stint > 0 && s.now-e.ranAt < migrationCost {
			continue
		}
		if bi < 0 || e.mru < bm {
			bi, bm = i, e.mru
		}
	}
	return bi
}

// migrate moves the i-th waiting process of core src to core dst's queue.
func (s *Sim) migrate(src, i, dst int) {
	pid := s.take(src, i)
	e := &s.cpuProc(pid).ent
	s.leave(e)
	s.join(pid, e, dst)
	s.enqueue(dst, pid, e)
}

// pull is the idle balance of core dst: it moves one waiting process from
// the busiest other core (the most runnable processes, the lowest on a
// tie), and reports whether it did.
func (s *Sim) pull(dst int, hot bool) bool {
	k := &s.kern
	src := -1
	for c := range k.rqs {
		if c != dst && len(k.rqs[c].ready) > 0 && (src < 0 || k.rqs[c].n > k.rqs[src].n) {
			src = c
		}
	}
	if src < 0 {
		return false
	}
	i := s.tail(src, hot)
	if i < 0 {
		return false
	}
	s.migrate(src, i, dst)
	return true
}

// balance is the balance at a scheduler tick: each idle core pulls a
// process that waits elsewhere, and every busyEvery the busy cores even
// out their counts.
func (s *Sim) balance() {
	k := &s.kern
	for c := range k.rqs {
		if k.rqs[c].idle() {
			s.pull(c, false)
		}
	}
	if s.now%k.busyEvery == 0 {
		for moved := true; moved; {
			moved = false
			lo, hi := 0, 0
			for c := range k.rqs {
				if k.rqs[c].n < k.rqs[lo].n {
					lo = c
				}
				if k.rqs[c].n > k.rqs[hi].n {
					hi = c
				}
			}
			if k.rqs[hi].n >= k.rqs[lo].n+2 {
				if i := s.tail(hi, false); i >= 0 {
					s.migrate(hi, i, lo)
					moved = true
				}
			}
		}
	}
	s.dispatch()
}

// armBalance schedules the next tick's balance when one has work to do: a
// core is idle while a process waits on another, or the counts of runnable
// processes differ by two or more.
func (s *Sim) armBalance() {
	k := &s.kern
	if k.balAt != maxTime || len(k.rqs) < 2 || k.waiting == 0 && k.crowded == 0 {
		return // with nobody waiting and at most one runnable process a core, no balance has work
	}
	// A process waits somewhere exactly when waiting counts one, and an
	// idle core has the fewest runnable processes: idle && waits is lo ==
	// 0 && waiting > 0.
	lo, hi := k.rqs[0].n, k.rqs[0].n
	for c := 1; c < len(k.rqs); c++ {
		n := k.rqs[c].n
		lo, hi = min(lo, n), max(hi, n)
	}
	if !(lo == 0 && k.waiting > 0) && hi < lo+2 {
		return
	}
	s.q.seq++ // its place among the events of its time, as an event pushed now
	k.balAt, k.balSeq = nextTick(s.now+1), s.q.seq
	if k.balAt < s.tickAt || k.balAt == s.tickAt && k.balSeq < s.tickSeq {
		s.tickAt, s.tickSeq, s.sideCore = k.balAt, k.balSeq, sideBalance
	}
}

// fireBalance runs the tick's balance, the next side event.
func (s *Sim) fireBalance() {
	k := &s.kern
	s.advance(k.balAt)
	k.balAt = maxTime
	s.nextSide()
	s.balance()
}

// beats reports whether waiting entity w would be picked over running
// process h on core c now (pick_eevdf with h's protection over): h keeps
// the core only while it is eligible and its deadline is strictly earlier
// (pick_eevdf's `if (!best || (curr && entity_before(curr, best)))`; on a
// tie the waiting one wins). h's deadline is the one update_curr leaves:
// update_deadline gives a running process a new one, its v then plus a
// slice, each time update_curr finds it past the old one, at every tick
// (task_tick_fair) and at the wake-up being checked.
func (s *Sim) beats(c int, w *entity, h *proc) bool {
	k := &s.kern
	q := &k.rqs[c]
	q.advance(s.now)
	V := q.avg()
	if w.v > V {
		return false
	}
	hv := h.ent.vNow(s.now, true)
	hdl := h.ent.dl
	if t := s.now / kernelTick * kernelTick; t > h.ent.runSince {
		if vt := h.ent.v + t - h.ent.runSince; vt >= hdl {
			hdl = vt + k.slice // the last tick's update
		}
	}
	if hv >= hdl {
		hdl = hv + k.slice
	}
	return hv > V || w.dl <= hdl
}

// arrangePreempts schedules, on each busy core that processes wait for and
// that has no preemption pending, the re-pick that check_preempt_wakeup_fair
// or the tick makes: at once if the running process's protected slice is
// over and the waiting one beats it, else at the first tick that finds the
// protection over; if the waiting process does not beat it then, preempt
// tries again at the next tick.
func (s *Sim) arrangePreempts() {
	k := &s.kern
	if !k.arrange {
		return // no core has become one to look at since the last look
	}
	k.arrange = false
	for c := range k.rqs {
		q := &k.rqs[c]
		if q.cur == noProc || q.target || len(q.ready) == 0 {
			continue
		}
		p := s.cpuProc(q.cur)
		at := p.ent.pickedAt + k.slice
		// The waiting process pick_eevdf would take matters only once the
		// protection is over: only then is it looked for.
		if at <= s.now && s.beats(c, &s.cpuProc(q.ready[s.best(c)].pid).ent, p) {
			at = s.now
		} else {
			at = nextTick(max(at, s.now+1))
		}
		q.target = true
		s.schedulePreempt(c, at, q.cur, p.ent.stint)
	}
}

// schedulePreempt arranges the preemption of process pid's stint on core c
// at time at: it takes the next seq, as an event pushed now would, and
// becomes the next side event (Sim.tickAt) if it comes first.
func (s *Sim) schedulePreempt(c int, at time.Duration, pid int32, stint uint32) {
	q := &s.kern.rqs[c]
	s.q.seq++
	q.preAt, q.preSeq, q.prePid, q.preStint = at, s.q.seq, pid, stint
	s.kern.pending++
	if at < s.tickAt || at == s.tickAt && q.preSeq < s.tickSeq {
		s.tickAt, s.tickSeq, s.sideCore = at, q.preSeq, c
	}
}

// cancelPreempt takes away core c's pending preemption.
func (s *Sim) cancelPreempt(c int) {
	s.kern.rqs[c].preAt = maxTime
	s.kern.pending--
	if s.sideCore == c {
		s.nextSide()
	}
}

// firePreempt fires core c's pending preemption, the next side event.
func (s *Sim) firePreempt(c int) {
	q := &s.kern.rqs[c]
	pid, stint := q.prePid, q.preStint
	s.advance(q.preAt)
	q.preAt = maxTime
	s.kern.pending--
	s.nextSide()
	s.preempt(pid, stint)
}

// nextTick returns the first scheduler tick at or after t.
func nextTick(t time.Duration) time.Duration {
	return (t + kernelTick - 1) / kernelTick * kernelTick
}

// preempt takes process pid off its core for a waiting process, if the
// preemption still stands: its running thread's slice ends now.
func (s *Sim) preempt(pid int32, stint uint32) {
	p := s.cpuProc(pid)
	if p.ent.stint != stint || p.running < 0 {
		return
	}
	c := int(p.ent.core) - 1
	q := &s.kern.rqs[c]
	q.target = false
	if len(q.ready) == 0 {
		return // the waiting process got a core another way
	}
	// Whether it is preempted or not, it may keep the core with processes
	// waiting (a thread whose work ends now goes on with its next, goOn).
	s.kern.arrange = true
	if !s.beats(c, &s.cpuProc(q.ready[s.best(c)].pid).ent, p) {
		s.arrangePreempts()
		return
	}
	tid := p.running
	th := &s.threads[tid]
	th.gen++ // its pending slice end is void
	th.slice = s.now - th.sliceAt
	s.sliceEnd(tid, th.gen)
}
