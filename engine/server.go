package engine

import "time"

// proc is one worker process.
type proc struct {
	alive   bool
	gen     uint32 // bumped when the worker dies; requests and connections remember it
	running int32  // the thread on a core, or -1
	readyQ  fifo   // threads waiting for the GIL
	queued  bool   // waiting in Sim.coreQ

	loop int32      // the event loop or gevent hub thread, or -1
	pool threadPool // threads that run the WSGI app

	conns     int           // connections the worker holds (gthread's nr_conns, gevent's pool)
	kept      int           // gthread: of those, parked for keep-alive
	tasks     int           // greenlets or coroutines alive, for memory
	blocked   bool          // the loop is stuck in a call it cannot yield on
	holdSince time.Duration // when the loop's current task took it, for gevent's timeout
	busySince time.Duration // when the sync worker took its current request

	memRSS, memVSZ int64 // this worker's memory, bytes
	extraThreads   int   // threads beyond the main one

	upInUse int  // upstream connections open
	upWait  fifo // requests waiting for an upstream connection (one entry a call)

	threadIDs []int32 // every thread this worker slot has had
	freeTids  []int32 // of those, the ones that exited, to reuse
}

// threadPool is a set of threads that serve requests from one FIFO queue,
// like Python's ThreadPoolExecutor: an idle thread is reused, a new one is
// started while fewer than max exist (0 means no limit), and otherwise the
// request waits.
type threadPool struct {
	max     int
	size    int
	idle    []int32
	waiting fifo
	main    bool // the pool's one thread is the process's main thread: it costs no extra memory
}

// bootProc starts (or restarts) worker slot pid.
func (s *Sim) bootProc(pid int32) {
	p := &s.procs[pid]
	p.alive = true
	p.running, p.loop = -1, -1
	p.conns, p.kept, p.tasks, p.upInUse = 0, 0, 0, 0
	p.blocked = false
	p.freeTids = append(p.freeTids[:0], p.threadIDs...)
	p.pool = threadPool{max: s.poolMax(), main: s.cfg.Model == ModelDev || s.cfg.Model == ModelSync}
	if k := s.cfg.Model.kind(); k == kindLoop || k == kindBridge {
		p.loop = s.newThread(pid, false)
		s.threads[p.loop].loop = true
	}
	p.memRSS, p.memVSZ, p.extraThreads = 0, 0, 0
	rss := s.cost.procRSS
	if pid > 0 {
		rss = s.cost.extraRSS // it shares the rest with the first worker and the master
	}
	// The app's HTTP client is imported in each worker after fork (no
	// --preload), so it is private to each; a Flask async view adds aiohttp.
	lib := s.cost.clientLib
	if s.cfg.asyncView() {
		lib += asyncViewLib
	}
	s.addProcMem(pid, rss+lib, s.cost.procVSZ+lib)
}

// hasMaster reports whether a supervising process runs beside the workers:
// gunicorn's arbiter always, uvicorn's multiprocess manager with --workers > 1.
func (c *Config) hasMaster() bool {
	return c.Model.gunicorn() || c.Model.uvicorn() && c.Workers > 1
}

func (s *Sim) poolMax() int {
	switch s.cfg.Model {
	case ModelGthread:
		return s.cfg.Threads
	case ModelDevThreaded:
		return 0
	case ModelUvicornWsgi:
		return uvicornWsgiThreads
	}
	return 1 // dev, sync, and the single thread of WsgiToAsgi's executor
}

// newThread makes a thread for worker pid; extra says it adds a thread's memory.
func (s *Sim) newThread(pid int32, extra bool) int32 {
	p := &s.procs[pid]
	var tid int32
	if n := len(p.freeTids); n > 0 {
		tid = p.freeTids[n-1]
		p.freeTids = p.freeTids[:n-1]
		old := &s.threads[tid]
		*old = thread{proc: pid, gen: old.gen + 1, req: -1, ready: old.ready, lane: old.lane}
		old.ready.clear()
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
	case pl.max == 0 || pl.size < pl.max:
		pl.size++
		tid = s.newThread(r.proc, !pl.main)
	default:
		pl.waiting.push(r.id)
		s.setState(r, stQueued)
		return false
	}
	s.bindThread(r, tid)
	return true
}

func (s *Sim) bindThread(r *request, tid int32) {
	s.threads[tid].req = r.id
	r.thread = tid
	if s.cfg.Model == ModelSync {
		s.procs[r.proc].busySince = s.now
	}
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
	if pl.waiting.len() > 0 {
		next := &s.reqs[pl.waiting.pop()]
		s.bindThread(next, tid)
		s.proceed(next.id)
		return
	}
	if pl.max == 0 {
		pl.size-- // the thread exits
		p.freeTids = append(p.freeTids, tid)
		s.threadMem(r.proc, -1)
		return
	}
	pl.idle = append(pl.idle, tid)
}

// canAccept reports whether worker p would take a new connection now, as
// its worker class decides in its accept loop.
func (s *Sim) canAccept(p *proc) bool {
	if !p.alive {
		return false
	}
	switch s.cfg.Model {
	case ModelDev, ModelSync:
		// One request at a time: the worker selects on the listener only
		// when it is not handling one.
		return len(p.pool.idle) > 0 || p.pool.size < p.pool.max
	case ModelGthread:
		// run(): "if self.nr_conns < self.worker_connections" it polls the
		// listener and accepts, whether or not a thread is free.
		return p.conns < s.cfg.WorkerConnections
	case ModelGevent:
		// StreamServer stops accepting while its Pool(worker_connections)
		// is full; a blocked hub accepts nothing.
		return p.conns < s.cfg.WorkerConnections && !p.blocked
	case ModelDevThreaded:
		return true
	}
	// uvicorn: the event loop accepts whenever it runs.
	return !p.blocked
}

// connect sends r's connection to the listen socket shared by the workers.
func (s *Sim) connect(r *request) {
	if s.backlog.len() == 0 {
		if pid := s.pickWorker(); pid >= 0 {
			s.accept(pid, r)
			return
		}
	}
	if s.backlog.len() < s.backlogCap {
		s.backlog.push(r.id)
		s.setState(r, stBacklog)
		s.m.peakBacklog = max(s.m.peakBacklog, s.backlog.len())
		return
	}
	// The accept queue is full: Linux drops the SYN, and the client's
	// kernel sends it again after 1s, 2s, 4s, ... After the sixth retry is
	// dropped (63s in) it waits once more, 64s, and then gives up (127s).
	s.setState(r, stConnecting)
	s.after(synRTO<<r.retries, evRetrySYN, r.id, r.gen)
	r.retries++
}

func (s *Sim) retrySYN(id int32, gen uint32) {
	r := &s.reqs[id]
	if r.gen != gen {
		return
	}
	if int(r.retries) > synRetries {
		s.fail(r, causeConnectFailed)
		return
	}
	s.connect(r)
}

// pickWorker chooses which idle worker wins a new connection. Every worker
// waits on the same listening socket, the kernel wakes them all, and the
// first to call accept() wins: there is no balancing, so the engine draws
// the winner at random among the workers ready to accept. Measured on
// gunicorn gthread -w 2 --threads 5 with 10 clients opening a connection
// per request: splits of 5/5 and 6/4, and 7/4 with 11, as a fair draw
// gives. (A burst of connections that then stay kept alive splits more
// unevenly on the real server: docs/calibration.md, section 2.)
func (s *Sim) pickWorker() int32 {
	n := 0
	for i := range s.procs {
		if s.canAccept(&s.procs[i]) {
			n++
		}
	}
	if n == 0 {
		return -1
	}
	k := 0
	if n > 1 {
		k = s.rng.IntN(n)
	}
	for i := range s.procs {
		if s.canAccept(&s.procs[i]) {
			if k == 0 {
				return int32(i)
			}
			k--
		}
	}
	panic("engine: pickWorker lost count")
}

// accept hands r's new connection to worker pid.
func (s *Sim) accept(pid int32, r *request) {
	p := &s.procs[pid]
	r.proc, r.procGen = pid, p.gen
	r.accepted = s.now
	r.newConn = true
	switch s.cfg.Model {
	case ModelGthread:
		p.conns++
	case ModelGevent:
		p.conns++
		s.addTasks(pid, 1)
	case ModelAsyncio, ModelWsgiToAsgi, ModelUvicornWsgi:
		s.addTasks(pid, 1)
	}
	r.step = stepStart
	s.proceed(r.id)
}

// pullBacklog lets worker p take connections waiting in the listen queue.
func (s *Sim) pullBacklog(pid int32) {
	for s.backlog.len() > 0 && s.canAccept(&s.procs[pid]) {
		s.accept(pid, &s.reqs[s.backlog.pop()])
	}
}

func (s *Sim) addTasks(pid int32, n int) {
	s.procs[pid].tasks += n
	s.addProcMem(pid, int64(n)*s.cost.taskRSS, int64(n)*s.cost.taskVSZ)
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

// arbiterTick is gunicorn's Arbiter.murder_workers: a worker that has not
// notified the arbiter for longer than the timeout is killed. A sync worker
// notifies only between requests, so a request longer than the timeout
// kills it. A gevent worker notifies from a greenlet every second, so it dies
// when one greenlet holds the hub that long (a call gevent cannot patch, or
// long CPU). A gthread worker's main thread notifies every second whatever
// its pool threads do, so it is never killed for a slow request, and the
// engine runs no arbiter for it.
func (s *Sim) arbiterTick() {
	for i := range s.procs {
		p := &s.procs[i]
		if !p.alive {
			continue
		}
		var since time.Duration = -1
		switch s.cfg.Model {
		case ModelSync:
			if len(p.pool.idle) == 0 && p.pool.size == 1 {
				since = p.busySince
			}
		case ModelGevent:
			if s.threads[p.loop].req >= 0 {
				since = p.holdSince
			}
		}
		if since >= 0 && s.now-since > s.cfg.Timeout {
			s.killWorker(int32(i))
		}
	}
}

// killWorker ends worker pid (gunicorn's SIGABRT after a timeout): every
// request it holds fails, its connections close, and the arbiter boots a
// replacement.
func (s *Sim) killWorker(pid int32) {
	p := &s.procs[pid]
	for i := range s.reqs {
		r := &s.reqs[i]
		if !r.live || r.proc != pid || r.procGen != p.gen {
			continue
		}
		s.upstream -= int(r.inIO)
		if !r.orphan {
			s.fail(r, causeWorkerTimeout)
		}
		s.freeReq(r)
	}
	for _, tid := range p.threadIDs {
		th := &s.threads[tid]
		th.gen++
		th.req = -1
		th.ready.clear()
	}
	s.dropProcCPU(pid)
	s.addProcMem(pid, -p.memRSS, -p.memVSZ)
	p.alive = false
	p.gen++
	p.upWait.clear()
	p.pool.waiting.clear()
	s.m.kills++
	s.after(s.cost.boot, evWorkerBoot, pid, 0)
}

func (s *Sim) workerBooted(pid int32) {
	s.bootProc(pid)
	s.pullBacklog(pid)
}
