package engine

// The worker timeout: a master that kills a worker that has stopped
// notifying it, and boots a replacement.

// arbiterTick is gunicorn's Arbiter.murder_workers: a worker that has not
// notified the arbiter for longer than the timeout is killed. When a worker
// last notified is its model's heartbeat rule; New schedules the ticks only
// for a model that has one.
func (s *Sim) arbiterTick() {
	for i := range s.procs {
		p := &s.procs[i]
		if !p.alive {
			continue
		}
		if since := s.sp.heartbeat(s, p); since >= 0 && s.now-since > s.cfg.Timeout {
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
	}
	s.dropProcCPU(pid)
	s.addProcMem(pid, -p.memRSS, -p.memVSZ)
	p.alive = false
	p.gen++
	p.turn.reset(1)
	p.up.reset(s.upLimit)
	p.pool.wait.clear()
	s.m.kills++
	s.after(s.cost.boot, evWorkerBoot, pid, 0)
}

func (s *Sim) workerBooted(pid int32) {
	s.bootProc(pid)
	s.pullBacklog(pid)
}
