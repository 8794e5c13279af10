package engine

// gunicorn's --max-requests and --max-requests-jitter (max-requests,
// max-requests-jitter). Each worker draws its own limit as it starts:
// max_requests + randint(0, max_requests_jitter) (gunicorn/workers/base.py:
// 56-60). Every request it begins to handle counts (self.nr += 1 in
// sync.py:175, gthread.py:311, base_async.py:99, before the app runs), and
// the one that reaches the limit sets alive = False: the worker finishes
// what it holds, answers with Connection: close, and exits; the arbiter
// reaps it and spawns a replacement (arbiter.py reap_workers, then
// manage_workers). The engine runs the same path as a worker told to stop
// (workers.go: retire, then workerExit): the old worker's interpreter tears
// down for gunicornExit before the arbiter reaps it, the replacement boots
// for gunicornBoot, the other workers serve meanwhile, and its memory is a
// fresh worker's.

// setMaxRequests draws worker p's limit as it boots (randint(0, jitter) is
// inclusive).
func (s *Sim) setMaxRequests(p *proc) {
	p.served, p.maxServed = 0, 0
	if s.cfg.MaxRequests == 0 || !s.sp.owns(keyMaxRequests) {
		return
	}
	p.maxServed = s.cfg.MaxRequests
	if j := s.cfg.MaxRequestsJitter; j > 0 {
		p.maxServed += s.rng.IntN(j + 1)
	}
}

// countServed counts a request that worker pid begins to handle (and the
// memory it stops sharing, unshareMem), and retires the worker when it
// reaches its limit.
func (s *Sim) countServed(pid int32) {
	p := &s.procs[pid]
	p.served++
	s.unshareMem(pid)
	if p.maxServed == 0 {
		return
	}
	if p.served >= p.maxServed && !p.retiring { // the first to reach it clears alive
		s.m.kills++ // a restart, as Result.WorkerRestarts counts them
		s.retire(pid)
	}
}
