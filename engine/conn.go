package engine

// Connections on the worker's side: what a worker holds for each open
// connection and each request, and keep-alive. A model's spec says what it
// counts: connection slots (against worker_connections), and a greenlet per
// connection or a coroutine per request.

// openConn counts a new connection that worker pid accepted.
func (s *Sim) openConn(pid int32) {
	s.procs[pid].open++
	s.connMem(pid, 1)
	if s.sp.slots {
		s.procs[pid].conns++
	}
	if s.sp.tasks == tasksPerConn {
		s.addTasks(pid, 1)
	}
}

// closeConn counts a connection of worker pid that closed.
func (s *Sim) closeConn(pid int32) {
	s.procs[pid].open--
	s.connMem(pid, -1)
	if s.sp.slots {
		s.procs[pid].conns--
	}
	if s.sp.tasks == tasksPerConn { // the greenlet ends with its connection
		s.addTasks(pid, -1)
	}
}

// startTask counts a request that starts on worker pid: a new coroutine,
// for a model that makes one per request.
func (s *Sim) startTask(pid int32) {
	switch s.sp.tasks {
	case tasksPerRequest:
		s.addTasks(pid, 1)
	case tasksForked:
		s.addChild(pid, 1)
	}
}

// endTask counts a request of worker pid that has finished.
func (s *Sim) endTask(pid int32) {
	switch s.sp.tasks {
	case tasksPerRequest:
		s.addTasks(pid, -1)
	case tasksForked:
		s.addChild(pid, -1)
	}
}

// addChild counts a child process that worker slot pid forks (n = 1) for a
// request, or that exits (-1): its private memory, and the address space it
// maps, the parent's.
func (s *Sim) addChild(pid int32, n int) {
	c := &s.cost
	s.addProcMem(pid, int64(n)*c.extraRSS, int64(n)*(c.procVSZ+c.clientLib))
}

func (s *Sim) addTasks(pid int32, n int) {
	s.procs[pid].tasks += n
	s.addProcMem(pid, int64(n)*s.cost.taskRSS, int64(n)*s.cost.taskVSZ)
}

// keepConn decides, as r's response goes out, whether the server keeps the
// connection open for the client's next request, and parks it if so.
func (s *Sim) keepConn(r *request) bool {
	ka := s.cost.keepalive
	if r.client < 0 || !s.cfg.Keepalive || ka == 0 || r.orphan {
		return false
	}
	p := &s.procs[r.proc]
	if s.keptLimits && p.kept >= s.keptLimit {
		return false
	}
	p.kept++
	cn := &s.traffic.clients[r.client].conn
	cn.open, cn.answered = true, s.now
	cn.proc, cn.procGen = r.proc, p.gen
	cn.gen++
	// The client sends its next request Think from now (finish tells it
	// after this), and that request takes the connection and cancels the
	// timer. So the timer can only fire if it is due first: at a tie it is,
	// being scheduled before the client's next send.
	if ka <= s.cfg.Think {
		s.after(ka, evKeepaliveEnd, r.client, cn.gen)
	}
	return true
}

// reuseConn sends r on its client's kept-alive connection, straight to the
// worker that holds it.
func (s *Sim) reuseConn(r *request, cn *conn) {
	cn.open = false
	cn.gen++
	pid := cn.proc
	p := &s.procs[pid]
	r.proc, r.procGen, r.accepted = pid, p.gen, s.now
	r.newConn = false
	r.early = s.now-cn.answered < s.sp.cycleGap
	// The connection leaves the worker's keep-alive poller. A task per
	// connection (a greenlet) reads the next request itself; a model with a
	// task per request starts one.
	p.kept--
	s.startTask(pid)
	r.step = stepStart
	if s.sp.mainTurn != nil {
		s.mainReadable(pid, r) // its main thread hands it out (mainthread.go)
		return
	}
	s.proceed(r.id)
}

// keepaliveEnd closes an idle kept-alive connection whose time is up.
func (s *Sim) keepaliveEnd(client int32, gen uint32) {
	cn := &s.traffic.clients[client].conn
	if !cn.open || cn.gen != gen {
		return
	}
	cn.open = false
	p := &s.procs[cn.proc]
	if !p.alive || p.gen != cn.procGen {
		return
	}
	p.kept--
	s.closeConn(cn.proc)
	s.pullBacklog(cn.proc)
}
