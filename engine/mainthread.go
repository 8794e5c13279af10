package engine

import "time"

// A worker's main thread that admits work to its pool threads: gunicorn's
// gthread worker runs one (gunicorn/workers/gthread.py, run, :183-221).
// Each turn of its loop it returns from poller.select with the events
// ready, and for each one accepts a new connection (accept, :117-128: one
// per turn, the listener being one event) or takes a kept connection whose
// next request has arrived (reuse_connection, :130-142), and submits it to
// its ThreadPoolExecutor (enqueue_req, :111-115); then it calls
// futures.wait(self.futures, timeout=0) over every future it has submitted
// and not yet cleaned up (:206), removes the finished ones from its deque
// (:215) and murders expired keep-alives (:221). The pool threads close or
// re-register the connection themselves, in finish_request (:231-260), a
// done callback: a finished request does not wake the main thread.
//
// All of that is Python on the GIL: the main thread is one more thread
// that waits for it (engine/cpu.go), and each turn is one stretch of its
// CPU, the model's mainTurn cost over the futures pending then plus a
// submit for each event (gthreadSubmit). While the GIL is busy, the pool
// threads and the main thread take turns at it, so the main thread admits
// about one connection per turn of the GIL, whatever waits in the listen
// queue: with hundreds of requests held it admits them no faster than they
// finish, and its turns get dearer the more it holds.
//
// A submit that finds no idle pool thread starts one
// (ThreadPoolExecutor._adjust_thread_count), and threading.Thread.start
// waits on the new thread's _started event (Lib/threading.py): the main
// thread sleeps until the new thread has run, which needs the GIL. So a
// turn ends at the submit that starts a thread (its other events wait for
// the next turn), it costs threadStart more, and the main thread's next
// turn waits until the new thread has taken the GIL (mainStarted).
//
// A request reaches the main thread once the engine has given its
// connection to the worker (accept, for a new connection, or reuseConn,
// for a kept one) and goes on to the pool (proceed) as the turn that hands
// it out ends.

// mainThread is the state of a worker's main thread (proc.main).
type mainThread struct {
	tid   int32 // its thread, +1; 0 if the worker slot has none yet
	busy  bool  // it runs a turn or waits to; false: it sleeps in select
	fresh fifo  // new connections it has yet to accept
	kept  fifo  // requests on kept connections it has yet to hand out
	// freshN and keptN are how many of each its current turn hands out.
	freshN, keptN int
	// await is the pool thread (+1) whose start it waits for, or 0.
	await int32
	// held is how many futures were pending as its last turn ended: those
	// of them that have finished since are still in its deque, done.
	held int
}

// threadStart is the CPU that threading.Thread.start costs the thread that
// submits to a ThreadPoolExecutor with no idle thread, and threadBoot the
// new thread's own before it runs its first work item
// (Thread._bootstrap_inner). Measured with Python 3.11 on this machine
// (load average 1.0): 500 submits to a ThreadPoolExecutor that started a
// thread for each cost the submitting thread 96-120µs of CPU each, against
// 8µs to an idle thread (gthreadSubmit), and each new thread 71-92µs
// (median; time.thread_time as its work item began).
const (
	threadStart = 100 * time.Microsecond
	threadBoot  = 80 * time.Microsecond
)

// bootMain gives booting worker pid its main thread, if its model has one.
func (s *Sim) bootMain(pid int32) {
	s.stopMain(pid)
	if s.sp.mainTurn == nil {
		return
	}
	m := &s.procs[pid].main
	if m.tid == 0 {
		// A thread of its own, outside the worker's pool lanes: the
		// process's first thread, which costs no memory beyond the
		// process's.
		s.threads = append(s.threads, thread{proc: pid, req: -1, lane: -1})
		m.tid = int32(len(s.threads))
	}
	th := &s.threads[m.tid-1]
	*th = thread{proc: pid, gen: th.gen + 1, req: -1, lane: -1, loop: true}
}

// stopMain stops worker pid's main thread as the worker stops: the CPU it
// runs or waits for is dropped, and the events it had yet to hand out with
// it (their requests fail with the worker, stopWorker).
func (s *Sim) stopMain(pid int32) {
	m := &s.procs[pid].main
	if m.tid > 0 {
		s.threads[m.tid-1].gen++
	}
	m.busy = false
	m.fresh.clear()
	m.kept.clear()
	m.freshN, m.keptN, m.await, m.held = 0, 0, 0, 0
}

// isMain reports whether thread tid is its worker's main thread.
func (s *Sim) isMain(tid int32) bool {
	th := &s.threads[tid]
	return th.proc >= 0 && th.req < 0 && s.procs[th.proc].main.tid == tid+1
}

// mainAccept gives worker pid's main thread r's new connection to accept
// and hand out. Until then it waits in the kernel's listen queue: it
// counts there, against the backlog (unaccepted).
func (s *Sim) mainAccept(pid int32, r *request) {
	s.procs[pid].main.fresh.push(r.id)
	s.setState(r, stBacklog)
	s.m.peakBacklog = max(s.m.peakBacklog, s.backlog.len()+s.unaccepted())
	s.mainWake(pid)
}

// unaccepted is how many new connections the workers' main threads have
// yet to accept: the engine has given them a worker, the kernel still
// holds them in the listen queue.
func (s *Sim) unaccepted() int {
	if s.sp.mainTurn == nil {
		return 0
	}
	n := 0
	for i := range s.procs {
		n += s.procs[i].main.fresh.len()
	}
	return n
}

// mainReadable gives worker pid's main thread r, the next request on a kept
// connection, to hand out.
func (s *Sim) mainReadable(pid int32, r *request) {
	s.procs[pid].main.kept.push(r.id)
	s.setState(r, stQueued)
	s.mainWake(pid)
}

// mainWake wakes worker pid's main thread from select, if it sleeps there.
func (s *Sim) mainWake(pid int32) {
	if !s.procs[pid].main.busy {
		s.mainTurnNext(pid)
	}
}

// mainTurnNext runs worker pid's main thread's next turn, if an event is
// ready; otherwise the thread goes back to select.
func (s *Sim) mainTurnNext(pid int32) {
	p := &s.procs[pid]
	if d := s.mainPlan(p); d > 0 {
		s.wantCPU(p.main.tid-1, d)
	}
}

// mainPlan plans worker p's main thread's next turn and returns its CPU,
// or 0 if no event is ready (the thread is no longer busy). A turn's
// events are every readable kept connection and one new connection, kept
// ones first (the selector's order is the kernel's ready list; the engine
// does not draw it), up to the first submit that starts a pool thread.
func (s *Sim) mainPlan(p *proc) time.Duration {
	m := &p.main
	kept, fresh := m.kept.len(), min(1, m.fresh.len())
	m.busy = kept+fresh > 0
	if !m.busy {
		return 0
	}
	idle := len(p.pool.idle)
	grow := p.pool.max == 0 || p.pool.n < p.pool.max
	var d time.Duration
	m.keptN, m.freshN = 0, 0
	for m.keptN+m.freshN < kept+fresh {
		if m.keptN < kept {
			m.keptN++
		} else {
			m.freshN++
		}
		d += gthreadSubmit
		if idle > 0 {
			idle--
		} else if grow {
			d += threadStart
			break // Thread.start blocks: the turn stops here
		}
	}
	pending := s.mainFutures(p)
	done := max(0, m.held-pending)
	m.held = pending + m.keptN + m.freshN
	return d + s.sp.mainTurn(m.held+done, done > 0)
}

// mainFutures is how many futures worker p's main thread has submitted and
// not cleaned up: the requests it holds beyond those it has yet to hand
// out (a connection with a request in flight is neither kept idle nor
// waiting for the main thread).
func (s *Sim) mainFutures(p *proc) int {
	return max(0, p.conns-p.kept-p.main.fresh.len()-p.main.kept.len())
}

// mainDone goes on after a turn of worker pid's main thread: the requests
// it handed out go to the pool, and it runs its next turn, or waits for
// the pool thread it started to take the GIL, or selects again.
func (s *Sim) mainDone(pid int32) {
	p := &s.procs[pid]
	gen, started := p.gen, p.pool.n
	last := int32(-1)
	for ; p.main.keptN > 0; p.main.keptN-- {
		last = p.main.kept.pop()
		s.proceed(last)
	}
	for ; p.main.freshN > 0; p.main.freshN-- {
		last = p.main.fresh.pop()
		s.proceed(last)
	}
	p = &s.procs[pid]
	if p.gen != gen || !p.alive {
		return // the worker stopped
	}
	if p.pool.n > started && last >= 0 {
		if tid := s.reqs[last].thread; tid >= 0 {
			s.threads[tid].cpuLeft += threadBoot
			if p.running != tid {
				p.main.await = tid + 1 // Thread.start waits (mainStarted)
				s.threads[tid].mainWaits = true
				return
			}
		}
	}
	s.mainTurnNext(pid)
}

// mainStarted is called as thread tid, marked mainWaits, begins a slice of
// CPU: if its worker's main thread waits for it to start, Thread.start
// returns, and the main thread waits for the GIL, which tid holds, to go
// on with its next turn (it joins the waiters without a dispatch: its
// process is on a core).
func (s *Sim) mainStarted(tid int32) {
	th := &s.threads[tid]
	th.mainWaits = false
	if th.proc < 0 {
		return
	}
	p := &s.procs[th.proc]
	if p.main.await != tid+1 {
		return
	}
	p.main.await = 0
	if d := s.mainPlan(p); d > 0 {
		s.threads[p.main.tid-1].cpuLeft = d
		s.enqueueThread(p.main.tid-1, false, -1)
	}
}
