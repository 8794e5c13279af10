package engine

import "time"

// proc is one worker process.
type proc struct {
	alive    bool
	retiring bool   // told to stop (gunicorn's TTOU): it accepts nothing and exits when it holds nothing
	gone     bool   // no process in this slot: a retired worker exited (a new one may take the slot)
	age      int64  // gunicorn's worker.age: the order the arbiter spawned it in
	gen      uint32 // bumped when the worker dies; requests and connections remember it
	running  int32  // the thread on a core, or -1
	readyQ   fifo   // threads waiting for the GIL
	gilNext  int32  // a thread (+1) drawn to take the GIL when the process next gets a core, out of readyQ; 0 if none
	queued   bool   // waiting for a core, in Sim.kern.ready
	ent      entity // its place in the kernel's run queue (engine/kernel.go)

	loop int32    // the event loop or gevent hub thread, or -1
	turn resource // the loop, one task at a time: its tasks wait here for their turn
	// The loop's current iteration (loopTurn): how many tasks it runs (those
	// ready as it began) and how many of them have yet to take the loop.
	iterN, iterLeft int32
	readyNext       int32      // waiters woken in this iteration, queued ahead of the next one's I/O (pool.go, readyFirst)
	pool            threadPool // threads that run the WSGI app

	conns     int           // connections the worker holds (gthread's nr_conns, gevent's pool)
	open      int           // connections open in the worker, whatever the model counts (uvicorn's server_state.connections)
	unmade    int           // of open, new connections its loop has yet to accept (limit.go)
	parsed    int           // requests past uvicorn's limit check and not done (its server_state.tasks; limit.go)
	goneConns int           // connections closed in the loop's current iteration: uvicorn counts them until the next (limit.go)
	goneTasks int           // tasks done in the loop's current iteration: uvicorn counts them until the next (limit.go)
	served    int           // requests it has begun to handle (gunicorn's worker.nr)
	maxServed int           // it retires after this many (gunicorn's worker.max_requests); 0 for never
	kept      int           // idle kept-alive connections parked in the worker (gthread's _keep)
	tasks     int           // greenlets or coroutines alive, for memory
	blocked   bool          // the loop is stuck in a call it cannot yield on
	holdSince time.Duration // when the loop's current task took it, for gevent's timeout
	heldFor   int32         // client+1 whose next request the loop is held for (holdLoop), or 0
	// acceptLeft is how many more connections the hub's accept callback
	// running at acceptAt may take (hubaccept.go).
	acceptLeft int
	acceptAt   time.Duration
	busySince  time.Duration // when a pool thread last took a request, for the sync worker's timeout
	handedAt   int64         // Sim.handoffs when it last got a new connection, for a round-robin primary
	burstJoin  int32         // the connection of the current burst from which it races for accepts (burst.go)

	memRSS, memVSZ int64 // this worker's memory, bytes
	extraThreads   int   // threads beyond the main one

	up       resource // upstream connections; requests wait for one (one entry a call)
	httpLock resource // httpcore's pool lock: httpx's calls take it in turn (httpxturns.go)
	// upOpen is how many upstream connections the client has opened
	// (pool.go).
	upOpen int
	// upKeyed is aiohttp's host key in the connector's _waiters: a new
	// call waits even with a connection free (pool.go).
	upKeyed bool

	main mainThread // the thread that admits work to the pool, on a model that has one (mainthread.go)

	threadIDs []int32 // every thread this worker slot has had
	freeTids  []int32 // of those, the ones that exited, to reuse
}

// threadPool is a set of threads that serve requests from one FIFO queue,
// like Python's ThreadPoolExecutor: an idle thread is reused, a new one is
// started while fewer than max exist (0 means no limit), and otherwise the
// request waits. Its resource counts the threads started (n).
type threadPool struct {
	resource
	idle []int32
	main bool // the pool's first thread is the process's main thread: it costs no extra memory
	// newest says that a freed thread goes to the request that has waited
	// least, not longest (spec.wakeNewest).
	newest bool
}

// next takes the waiting request that a freed thread goes to; the queue must
// not be empty.
func (pl *threadPool) next() int32 {
	if pl.newest {
		return pl.wait.popNewest()
	}
	return pl.wait.pop()
}

// idleThread is the accept rule of a worker that serves one request at a
// time: it takes a connection only when its thread is free.
func idleThread(_ *Sim, p *proc) bool { return len(p.pool.idle) > 0 || !p.pool.full() }

// bootProc starts (or restarts) worker slot pid.
func (s *Sim) bootProc(pid int32) {
	p := &s.procs[pid]
	p.alive = true
	p.running, p.loop = -1, -1
	p.conns, p.kept, p.tasks, p.open = 0, 0, 0, 0
	p.unmade, p.parsed = 0, 0
	s.setMaxRequests(p)
	p.blocked = false
	p.freeTids = append(p.freeTids[:0], p.threadIDs...)
	p.pool.reset(s.sp.threads(&s.cfg))
	p.pool.idle, p.pool.main, p.pool.newest = p.pool.idle[:0], s.sp.mainThread, s.sp.wakeNewest
	p.turn.reset(1)
	s.hubOrder(pid)
	p.iterN, p.iterLeft, p.readyNext = 0, 0, 0
	p.heldFor = 0
	p.acceptLeft, p.acceptAt = 0, -1
	p.up.reset(s.upLimit)
	p.httpLock.reset(1)
	p.upOpen, p.upKeyed = 0, false
	s.bootMain(pid)
	if s.unit.serverLoop {
		p.loop = s.newThread(pid, false)
		s.threads[p.loop].loop = true
	}
	p.memRSS, p.memVSZ, p.extraThreads = 0, 0, 0
	// The first worker holds the memory the workers share; each other one
	// adds its private memory (it shares the rest with the first worker and
	// the master).
	rss := s.cost.extraRSS
	if s.baseProc < 0 || pid == s.baseProc {
		rss, s.baseProc = s.cost.procRSS, pid
	}
	// The app's HTTP client is imported in each worker after fork (no
	// --preload), so it is private to each, unless the master imported it
	// (spec.appInMaster); a Flask async view adds aiohttp.
	lib := s.cost.clientLib
	if s.sp.appInMaster && pid != s.baseProc {
		lib = 0
	}
	if s.asyncView {
		lib += asyncViewLib
	}
	if s.cfg.rqWorkers() > 0 {
		lib += rqClientLib // the app imports rq and redis-py to enqueue
	}
	if s.sp.tasks == tasksForked {
		return // a place for a child per request; the parent is the master
	}
	s.addProcMem(pid, rss+lib, s.cost.procVSZ+lib)
}

// newThread makes a thread for worker pid; extra says it adds a thread's memory.
func (s *Sim) newThread(pid int32, extra bool) int32 {
	p := &s.procs[pid]
	var tid int32
	if n := len(p.freeTids); n > 0 {
		tid = p.freeTids[n-1]
		p.freeTids = p.freeTids[:n-1]
		old := &s.threads[tid]
		*old = thread{proc: pid, gen: old.gen + 1, req: -1, lane: old.lane}
	} else {
		tid = int32(len(s.threads))
		s.threads = append(s.threads, thread{proc: pid, req: -1, lane: int32(len(p.threadIDs))})
		p.threadIDs = append(p.threadIDs, tid)
	}
	if extra {
		s.threadMem(pid, 1)
	}
	return tid
}

// takeThread binds a pool thread to r, or queues r for one; it reports
// whether r has its thread.
func (s *Sim) takeThread(r *request) bool {
	p := &s.procs[r.proc]
	pl := &p.pool
	var tid int32
	switch {
	case len(pl.idle) > 0:
		tid = pl.idle[len(pl.idle)-1]
		pl.idle = pl.idle[:len(pl.idle)-1]
	case pl.take(r.id):
		tid = s.newThread(r.proc, !pl.main || pl.n > 1)
	default:
		s.setState(r, stQueued)
		return false
	}
	s.bindThread(r, tid)
	return true
}

func (s *Sim) bindThread(r *request, tid int32) {
	s.threads[tid].req = r.id
	r.thread = tid
	s.procs[r.proc].busySince = s.now
}

// releaseThread frees r's pool thread for the next waiting request, or lets
// it idle (or, on dev-threaded, exit: werkzeug starts a thread a connection).
func (s *Sim) releaseThread(r *request) {
	tid := r.thread
	if tid < 0 {
		return
	}
	r.thread = -1
	p := &s.procs[r.proc]
	s.threads[tid].req = -1
	pl := &p.pool
	if pl.wait.len() > 0 {
		next := &s.reqs[pl.next()]
		s.bindThread(next, tid)
		s.proceed(next.id)
		return
	}
	if pl.max == 0 {
		pl.n-- // the thread exits
		p.freeTids = append(p.freeTids, tid)
		s.threadMem(r.proc, -1)
		return
	}
	pl.idle = append(pl.idle, tid)
}

// threadMem counts a thread that starts (delta 1) or exits (-1) in worker pid.
func (s *Sim) threadMem(pid int32, delta int) {
	p := &s.procs[pid]
	n := p.extraThreads
	if delta > 0 {
		n++
	}
	rss, vsz := threadMemory(n, s.cfg.Cores)
	p.extraThreads += delta
	s.addProcMem(pid, int64(delta)*rss, int64(delta)*vsz)
}

// addProcMem changes worker pid's memory, and the server's.
func (s *Sim) addProcMem(pid int32, rss, vsz int64) {
	p := &s.procs[pid]
	p.memRSS += rss
	p.memVSZ += vsz
	s.m.addMemory(rss, vsz)
}
