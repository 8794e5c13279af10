package engine

import "time"

// Which runnable process gets a core: Linux's EEVDF, the fair class of the
// 6.x kernels (kernel/sched/fair.c of 6.18, the calibration machine's
// kernel), on one run queue for the machine's cores.
//
// Each process has a virtual runtime v, the CPU it has run (all processes
// weigh the same, nice 0), and the queue has V, the average v of its
// runnable processes (avg_vruntime). A process's lag, V - v, is the CPU it
// is owed. A process is eligible when its lag is not negative, and the core
// goes to the eligible process with the earliest virtual deadline, its v
// when it last got a slice plus one base slice (pick_eevdf); a process that
// runs past its deadline gets a new one. A process that sleeps leaves the
// queue and keeps its lag (update_entity_lag, clamped to the larger of two
// slices and a tick); when it wakes it is placed at V minus that lag,
// scaled for the queue it joins (place_entity, PLACE_LAG). A negative lag
// is not forgotten by sleeping: DELAY_DEQUEUE keeps the sleeper in the
// queue until V reaches its v, so it wakes at the later of V and its v.
// So a web worker that wakes for each request and uses less than its share
// comes back owed CPU and runs ahead of CPU-bound processes that have run
// their share, which wait their turn among themselves.
//
// A woken process does not wait for a slice to end: check_preempt_wakeup_fair
// preempts the running process at once when pick_eevdf picks the woken one,
// unless the running process is still inside its protected slice
// (RUN_TO_PARITY: set_protect_slice at each pick, one base slice of runtime
// up to its deadline). Inside it, the woken process waits for the first tick
// that finds the protection over (update_curr at the tick: `if (resched ||
// !protect_slice(curr)) resched_curr_lazy`); HRTICK is off by default, so
// that is a multiple of the tick (HZ=250: 4 ms). The base slice is
// normalized_sysctl_sched_base_slice, 0.7 ms, times 1 + ilog2(min(cores, 8))
// (update_sysctl, SCHED_TUNABLESCALING_LOG): 1.4 ms on 2 cores.
//
// Not modelled: the per-core run queues (the kernel places a woken task on
// its last core or its waker's and preempts there; the engine preempts the
// running process whose preemption comes first, and pulls a waiting process
// to any core that frees, as idle balancing does); that a process steps
// aside at the end of the engine's 5 ms slice (switchInterval, the GIL's
// switch) when another waits, which the kernel does not see, so the run
// queue is re-picked there too; autogroup (an rq horse
// calls setsid, so each horse is a scheduling group of its own with
// sched_autogroup_enabled=1; the engine weighs processes, not groups); and
// the threads of a process, which share one entity here as they share the
// GIL.

const (
	// kernelTick is the scheduler tick of the calibration machine's kernel
	// (CONFIG_HZ=250).
	kernelTick = 4 * time.Millisecond
	// baseSliceNorm is normalized_sysctl_sched_base_slice (0.7 ms).
	baseSliceNorm = 700 * time.Microsecond
)

// evPreempt: a woken process preempts the process on a core (a = pid, b = its stint).
const evPreempt = evJobIODone + 1

// kernelSched is the run queue of the kernel's fair class (see above).
type kernelSched struct {
	ready   []int32       // processes that wait for a core, in the order they began to wait
	n, r    int           // runnable processes, and those of them on a core
	sumV    time.Duration // the sum of the runnable processes' v, as of at
	at      time.Duration
	lastV   time.Duration // V when the queue last emptied
	targets int           // running processes with a preemption pending
	slice   time.Duration // the base slice for the machine's cores
}

// entity is a process's place in the kernel's run queue.
type entity struct {
	v, dl    time.Duration // virtual runtime (as of runSince while on a core) and deadline
	lag      time.Duration // V - v when it last went to sleep
	runSince time.Duration // when it last took a core
	pickedAt time.Duration // the same, for its protected slice
	stint    uint32        // bumped each time it takes a core, so a stale preemption is ignored
	target   bool          // a woken process's preemption of it is pending
}

// baseSlice returns sysctl_sched_base_slice on a machine of n cores.
func baseSlice(n int) time.Duration {
	f := 1
	for c := min(n, 8); c > 1; c >>= 1 {
		f++
	}
	return time.Duration(f) * baseSliceNorm
}

// advance brings the sum of v up to now: each process on a core ran.
func (k *kernelSched) advance(now time.Duration) {
	k.sumV += time.Duration(k.r) * (now - k.at)
	k.at = now
}

// avg is V, the average v of the runnable processes.
func (k *kernelSched) avg() time.Duration {
	if k.n == 0 {
		return k.lastV
	}
	return k.sumV / time.Duration(k.n)
}

// vNow is e's virtual runtime now.
func (e *entity) vNow(now time.Duration, running bool) time.Duration {
	if running {
		return e.v + now - e.runSince
	}
	return e.v
}

// join places a process that wakes from a sleep in the run queue.
func (s *Sim) join(e *entity) {
	k := &s.kern
	k.advance(s.now)
	V := k.avg()
	if e.lag >= 0 {
		lag := e.lag
		if k.n > 0 {
			lag = lag * time.Duration(k.n+1) / time.Duration(k.n)
		}
		e.v = V - lag
	} else {
		e.v = max(V, e.v) // DELAY_DEQUEUE: still owing, or dequeued at zero lag
	}
	e.dl = e.v + k.slice
	k.sumV += e.v
	k.n++
}

// leave takes a process that goes to sleep out of the run queue; it keeps
// its lag.
func (s *Sim) leave(e *entity) {
	k := &s.kern
	k.advance(s.now)
	V := k.avg()
	limit := max(2*k.slice, kernelTick)
	e.lag = min(max(V-e.v, -limit), limit)
	k.sumV -= e.v
	k.n--
	if k.n == 0 {
		k.lastV, k.sumV = V, 0
	}
}

// run puts process p, runnable, on a core.
func (s *Sim) run(p *proc) {
	k := &s.kern
	k.advance(s.now)
	k.r++
	e := &p.ent
	e.runSince, e.pickedAt = s.now, s.now
	e.stint++
	s.untarget(p)
}

// stop takes process p off its core; it stays runnable unless leave follows.
func (s *Sim) stop(p *proc) {
	k := &s.kern
	k.advance(s.now)
	k.r--
	e := &p.ent
	e.v += s.now - e.runSince
	if e.v >= e.dl {
		e.dl = e.v + k.slice // update_deadline
	}
	s.untarget(p)
}

// untarget clears a pending preemption of p.
func (s *Sim) untarget(p *proc) {
	if p.ent.target {
		p.ent.target = false
		s.kern.targets--
	}
}

// waiting reports how many processes wait for a core.
func (s *Sim) waiting() int { return len(s.kern.ready) }

// best returns the index in ready of the process pick_eevdf takes: the
// eligible one with the earliest deadline, the earliest deadline if none is
// eligible, the one that has waited longest on a tie.
func (s *Sim) best() int {
	k := &s.kern
	V := k.avg()
	bi, bElig := -1, false
	var bdl time.Duration
	for i, pid := range k.ready {
		e := &s.cpuProc(pid).ent
		elig := e.v <= V
		if bi < 0 || (elig && !bElig) || (elig == bElig && e.dl < bdl) {
			bi, bElig, bdl = i, elig, e.dl
		}
	}
	return bi
}

// nextWaiting takes the process that gets a free core out of ready.
func (s *Sim) nextWaiting() int32 {
	k := &s.kern
	k.advance(s.now)
	i := s.best()
	pid := k.ready[i]
	k.ready = append(k.ready[:i], k.ready[i+1:]...)
	return pid
}

// unready takes process pid out of ready.
func (s *Sim) unready(pid int32) {
	k := &s.kern
	for i, q := range k.ready {
		if q == pid {
			k.ready = append(k.ready[:i], k.ready[i+1:]...)
			return
		}
	}
}

// beats reports whether waiting entity w would be picked over running
// process h now (pick_eevdf with h's protection over).
func (s *Sim) beats(w *entity, h *proc) bool {
	k := &s.kern
	V := k.avg()
	if w.v > V {
		return false
	}
	hv := h.ent.vNow(s.now, true)
	hdl := h.ent.dl
	if hv >= hdl {
		hdl = hv + k.slice
	}
	return hv > V || w.dl < hdl
}

// arrangePreempts gives each process that waits for a core, beyond those a
// pending preemption serves, a running process to preempt: the kernel
// re-picks on a core when a woken process beats the running one after the
// latter's protected slice, or at the first tick that finds its protection
// over (update_curr). Without a free core, the engine takes the running
// process whose preemption comes first; if the waiting process does not
// beat it then, preempt tries again at the next tick.
func (s *Sim) arrangePreempts() {
	k := &s.kern
	if s.freeCores > 0 || len(k.ready) <= k.targets {
		return
	}
	k.advance(s.now)
	w := &s.cpuProc(k.ready[s.best()]).ent
	for len(k.ready) > k.targets {
		var best *proc
		var bestPid int32
		var bestAt time.Duration
		try := func(pid int32, p *proc) {
			if p.running < 0 || p.ent.target {
				return
			}
			at := p.ent.pickedAt + k.slice
			if at <= s.now && s.beats(w, p) {
				at = s.now
			} else {
				at = nextTick(max(at, s.now+1))
			}
			if best == nil || at < bestAt {
				best, bestPid, bestAt = p, pid, at
			}
		}
		for i := range s.procs {
			try(int32(i), &s.procs[i])
		}
		for i := range s.jobs.procs {
			try(^int32(i), &s.jobs.procs[i])
		}
		for i := range s.cli.procs {
			try(clientPid+int32(i), &s.cli.procs[i])
		}
		if best == nil {
			return
		}
		best.ent.target = true
		k.targets++
		s.after(bestAt-s.now, evPreempt, bestPid, best.ent.stint)
	}
}

// nextTick returns the first scheduler tick at or after t.
func nextTick(t time.Duration) time.Duration {
	return (t + kernelTick - 1) / kernelTick * kernelTick
}

// preempt takes process pid off its core for a woken process, if the
// preemption still stands: its running thread's slice ends now.
func (s *Sim) preempt(pid int32, stint uint32) {
	p := s.cpuProc(pid)
	if p.ent.stint != stint || p.running < 0 {
		return
	}
	s.untarget(p)
	k := &s.kern
	if len(k.ready) == 0 {
		return // the woken process got a core another way
	}
	k.advance(s.now)
	if !s.beats(&s.cpuProc(k.ready[s.best()]).ent, p) {
		s.arrangePreempts()
		return
	}
	tid := p.running
	th := &s.threads[tid]
	th.gen++ // its pending slice end is void
	th.slice = s.now - th.sliceAt
	s.sliceEnd(tid, th.gen)
}
