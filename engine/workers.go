package engine

import (
	"slices"
	"time"
)

// A live change of workers on gunicorn: the arbiter's TTIN and TTOU. Each
// signal moves num_workers by one and calls manage_workers
// (gunicorn/arbiter.py:269-285), which spawns workers while fewer than
// num_workers exist and sends SIGTERM to the oldest ones while more do
// (arbiter.py:545-557). A worker told to stop accepts nothing more, finishes
// the requests it holds, and exits (workers/base.py:190-191 handle_exit
// clears alive; sync.py:61, gthread.py:193-229 and ggevent.py:85-110 leave
// their loops and finish what they hold), within graceful_timeout.

// The events of a retiring worker (queue.go holds the others).
const (
	evWorkerExit evKind = evRetrySYN + 1 + iota // a retiring worker that holds nothing exits (a = worker, b = generation)
	evGraceEnd                                  // a retiring worker's graceful_timeout is up (a = worker, b = generation)
)

// manageWorkers is Arbiter.manage_workers for the number of workers now in
// the config. Retiring workers still count, as they stay in WORKERS until
// they are reaped: a worker spawned to replace them waits for them to exit.
func (s *Sim) manageWorkers() {
	var workers []int32 // gunicorn's WORKERS: every slot with a process
	for i := range s.procs {
		if !s.procs[i].gone {
			workers = append(workers, int32(i))
		}
	}
	// spawn_workers forks one after another and sleeps 0.1 x random() s
	// after each (arbiter.py:613-623).
	var delay time.Duration
	for n := len(workers); n < s.cfg.Workers; n++ {
		s.spawnWorker(delay)
		delay += time.Duration(s.rng.Float64() * float64(100*time.Millisecond))
	}
	// Sorted by age, the oldest are told to stop first (SIGTERM to one that
	// already retires changes nothing).
	slices.SortFunc(workers, func(a, b int32) int { return int(s.procs[a].age - s.procs[b].age) })
	for i := 0; i < len(workers)-s.cfg.Workers; i++ {
		s.retire(workers[i])
	}
}

// spawnWorker forks a worker after delay, into an empty slot if there is
// one; it boots (the same boot time as a replacement's) and then accepts.
func (s *Sim) spawnWorker(delay time.Duration) {
	pid := int32(slices.IndexFunc(s.procs, func(p proc) bool { return p.gone }))
	if pid < 0 {
		s.procs = append(s.procs, proc{running: -1, loop: -1})
		pid = int32(len(s.procs) - 1)
	}
	p := &s.procs[pid]
	p.gone = false
	s.workerAge++
	p.age = s.workerAge
	s.after(delay+s.cost.boot, evWorkerBoot, pid, p.gen)
}

// retire sends worker pid gunicorn's SIGTERM: it stops accepting, closes the
// connections it keeps alive (gthread closes its poller, gthread.py:223-224,
// and never reads them again; gevent's greenlets still serve them), and
// exits once it holds no request, or when graceful_timeout is up.
func (s *Sim) retire(pid int32) {
	p := &s.procs[pid]
	switch {
	case p.gone || p.retiring:
		return
	case !p.alive: // still booting: it never accepts
		s.leaveSlot(pid)
		return
	}
	p.retiring = true
	if !s.sp.termServesKept {
		for i := range s.traffic.clients {
			cn := &s.traffic.clients[i].conn
			if cn.open && cn.proc == pid && cn.procGen == p.gen {
				cn.open = false
				cn.gen++ // cancels its keep-alive timer
				p.kept--
				s.closeConn(pid)
			}
		}
	}
	s.after(gunicornGraceful, evGraceEnd, pid, p.gen)
	s.maybeExit(pid)
}

// maybeExit lets a retiring worker that holds nothing exit: it leaves its
// loop, and the arbiter reaps it once its interpreter has torn down
// (cost.exit, gunicornExit); until then it holds its slot and accepts
// nothing.
func (s *Sim) maybeExit(pid int32) {
	if p := &s.procs[pid]; p.retiring && p.kept == 0 && !s.holdsRequests(pid) {
		s.after(s.cost.exit, evWorkerExit, pid, p.gen)
	}
}

// holdsRequests reports whether worker pid holds a request.
func (s *Sim) holdsRequests(pid int32) bool {
	gen := s.procs[pid].gen
	for i := range s.reqs {
		if r := &s.reqs[i]; r.live && r.proc == pid && r.procGen == gen {
			return true
		}
	}
	return false
}

// workerExit is a retiring worker exiting: the arbiter reaps it and spawns
// a worker if fewer than the number of workers are left (handle_chld,
// arbiter.py:240-243, then manage_workers).
func (s *Sim) workerExit(pid int32, gen uint32) {
	p := &s.procs[pid]
	if p.gen != gen || !p.retiring || p.kept > 0 || s.holdsRequests(pid) {
		return
	}
	s.stopWorker(pid, causeWorkerTimeout) // it holds nothing: nothing fails
	s.leaveSlot(pid)
	s.manageWorkers()
}

// graceEnd is a retiring worker's graceful_timeout: it exits all the same,
// and the requests it still holds fail (gthread.py:229 stops waiting for
// them; ggevent.py:112-115 kills their greenlets).
func (s *Sim) graceEnd(pid int32, gen uint32) {
	p := &s.procs[pid]
	if p.gen != gen || !p.retiring {
		return
	}
	s.stopWorker(pid, causeWorkerTimeout)
	s.leaveSlot(pid)
	s.manageWorkers()
}

// leaveSlot empties worker pid's slot, whose process has exited (or never
// booted). If it held the memory the workers share, another live worker
// holds it now (the shared pages stay mapped in the others).
func (s *Sim) leaveSlot(pid int32) {
	p := &s.procs[pid]
	p.alive, p.retiring, p.gone = false, false, true
	p.gen++
	if s.baseProc != pid {
		return
	}
	s.baseProc = -1
	for i := range s.procs {
		if q := &s.procs[i]; q.alive && !q.retiring {
			s.baseProc = int32(i)
			s.addProcMem(int32(i), s.cost.procRSS-s.cost.extraRSS, 0)
			return
		}
	}
}
