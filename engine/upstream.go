package engine

import "time"

// Upstream calls. Each worker has its own pool of upstream connections
// (its HTTP client's), of Config.poolSize connections; a call waits for one
// in a FIFO queue.

// callUpstream starts r's next upstream call, or queues it for one of the
// worker's upstream connections.
func (s *Sim) callUpstream(r *request) {
	p := &s.procs[r.proc]
	r.pending++
	r.issued++
	if s.sleep {
		s.beginIO(r) // a sleep takes no connection
		return
	}
	if !s.takeConn(p, r) {
		s.waitMem(r.proc, 1)
		if r.inIO == 0 {
			s.setState(r, stWaitPool)
		}
		return
	}
	s.goOut(p, r)
}

func (s *Sim) beginIO(r *request) {
	p := &s.procs[r.proc]
	if !s.sleep {
		s.upstream++
		s.m.peakUpstream = max(s.m.peakUpstream, s.upstream)
		s.addProcMem(r.proc, s.callMem, s.callMem)
	}
	lat := s.callLatency(r.lat[r.call]) // io as it is when the call starts
	if r.slow {
		lat = time.Duration(r.lat[r.call] * float64(s.cfg.SlowIO))
	}
	if lat > 0 && !s.sleep {
		// The upstream's timer fires late; a sleep's timer is the app's
		// own, and a call of no latency waits on no timer.
		lat += s.traffic.late(s, r.draws, int(r.call))
	}
	r.call++
	r.inIO++
	r.hot = lat == 0
	if r.blocking && s.unit.handlerLoop {
		p.blocked = true
		s.setState(r, stBlocked)
	} else {
		s.setState(r, stIO)
	}
	if s.cfg.UpstreamCPU > 0 && !s.sleep {
		s.upstreamRead(r.id, r.gen, lat) // upstreamcpu.go: the upstream's CPU first
		return
	}
	s.after(lat, evIODone, r.id, r.gen)
}

func (s *Sim) ioDone(id int32, gen uint32) {
	r := &s.reqs[id]
	if r.gen != gen {
		return
	}
	pid := r.proc
	p := &s.procs[pid]
	r.inIO--
	r.pending--
	if !s.sleep {
		s.upstream--
		s.addProcMem(pid, -s.callMem, -s.callMem)
		if s.inTurnRelease(r) {
			r.heldConns++ // its task gives it back when it runs (giveBackConns)
		} else {
			s.releaseConn(pid)
		}
	}
	if r.pending > 0 {
		if r.inIO == 0 {
			s.setState(r, stWaitPool)
		}
		return
	}
	if s.callbackWakes(r) {
		return // asyncioturns.go: the task runs after the callback
	}
	unblocked := p.blocked
	p.blocked = false
	s.proceed(id)
	if unblocked {
		s.pullBacklog(pid)
	}
}
