package engine

// The worker timeout: a master that kills a worker that has stopped
// notifying it, and boots a replacement.

// arbiterTick is gunicorn's Arbiter.murder_workers: a worker that has not
// notified the arbiter for longer than the timeout is killed. When a worker
// last notified is its model's heartbeat rule; New schedules the ticks only
// for a model that has one.
//
// Most ticks can kill no one: Sim.tick calls it only from arbiterQuiet on
// (arbiterQuietUntil), so that a run whose requests are all far shorter
// than the timeout asks the heartbeat rules once a timeout, not every
// second. The tick still comes every second, so events at the same
// instant keep their order.
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
	s.arbiterQuietUntil()
}

// arbiterQuietUntil sets the time before which no tick can kill a worker
// (arbiterQuiet), for as long as no worker slot is added (arbiterProcs).
// The heartbeat rules (spec.heartbeat) say that a worker last notified when
// its thread took its request (proc.busySince, sync) or when its loop's
// current task took the loop (proc.holdSince, gevent and eventlet, whose
// workers have a loop); each of those fields is set to the time it is set.
// So whatever a rule returns at a later tick is one of the values those
// fields hold now, or a time from now on: no earlier than their least, and
// no worker can be killed until that least is more than the timeout ago. A live change (Step)
// clears the bound, as it may change the timeout or the workers.
// TestArbiterQuietKillsNoOne checks the bound against the rules tick by
// tick.
func (s *Sim) arbiterQuietUntil() {
	least := s.now
	for i := range s.procs {
		p := &s.procs[i]
		least = min(least, p.busySince)
		if p.loop >= 0 {
			least = min(least, p.holdSince)
		}
	}
	s.arbiterQuiet, s.arbiterProcs = least+s.cfg.Timeout+1, len(s.procs)
}

// killWorker ends worker pid (gunicorn's SIGABRT after a timeout): every
// request it holds fails, its connections close, and the arbiter boots a
// replacement (or, if the worker was retiring, spawns only as many as
// the number of workers asks for).
func (s *Sim) killWorker(pid int32) {
	s.stopWorker(pid, causeWorkerTimeout)
	s.m.kills++
	p := &s.procs[pid]
	if p.retiring {
		s.leaveSlot(pid)
		s.manageWorkers()
		return
	}
	s.workerAge++
	p.age = s.workerAge
	s.after(s.cost.boot, evWorkerBoot, pid, p.gen)
}

// stopWorker ends worker pid's process: every request it holds fails with
// cause c, its threads and CPU are let go, its memory freed.
func (s *Sim) stopWorker(pid int32, c cause) {
	p := &s.procs[pid]
	for i := range s.reqs {
		r := &s.reqs[i]
		if !r.live || r.proc != pid || r.procGen != p.gen {
			continue
		}
		if !s.sleep {
			s.upstream -= int(r.inIO)
		}
		if !r.orphan {
			s.fail(r, c)
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
	p.iterN, p.iterLeft, p.readyNext = 0, 0, 0
	p.heldFor = 0
	p.up.reset(s.upLimit)
	p.httpLock.reset(1)
	p.upOpen, p.upKeyed = 0, false
	p.pool.wait.clear()
	s.stopMain(pid)
}

// workerBooted is a worker of generation gen done booting: it accepts.
func (s *Sim) workerBooted(pid int32, gen uint32) {
	if p := &s.procs[pid]; p.gen != gen || p.gone {
		return // told to stop while it booted
	}
	s.bootProc(pid)
	s.pullBacklog(pid)
}
