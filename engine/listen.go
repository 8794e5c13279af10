package engine

import (
	"cmp"
	"slices"
)

// The listen socket that a server's workers share, and its queue.

// canAccept reports whether worker p would take a new connection now, as
// its model's accept rule decides.
// A retiring worker accepts nothing.
func (s *Sim) canAccept(p *proc) bool { return p.alive && !p.retiring && s.sp.accept(s, p) }

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
	ready := s.readyProcs[:0]
	for i := range s.procs {
		if s.canAccept(&s.procs[i]) {
			ready = append(ready, int32(i))
		}
	}
	s.readyProcs = ready
	switch len(ready) {
	case 0:
		return -1
	case 1:
		return ready[0]
	}
	if s.sp.host.roundRobin {
		return slices.MinFunc(ready, func(a, b int32) int { return cmp.Compare(s.procs[a].handedAt, s.procs[b].handedAt) })
	}
	return ready[s.rng.IntN(len(ready))]
}

// accept hands r's new connection to worker pid.
func (s *Sim) accept(pid int32, r *request) {
	p := &s.procs[pid]
	r.proc, r.procGen = pid, p.gen
	r.accepted = s.now
	r.newConn = true
	s.handoffs++
	p.handedAt = s.handoffs
	s.openConn(pid)
	s.startTask(pid)
	r.step = stepStart
	s.proceed(r.id)
}

// pullBacklog lets worker p take connections waiting in the listen queue;
// a retiring worker that has let go of a request or connection may exit.
func (s *Sim) pullBacklog(pid int32) {
	if s.procs[pid].retiring {
		s.maybeExit(pid)
		return
	}
	for s.backlog.len() > 0 && s.canAccept(&s.procs[pid]) {
		s.accept(pid, &s.reqs[s.backlog.pop()])
	}
}
