package engine

// Upstream calls. Each worker has its own pool of upstream connections
// (its HTTP client's), of Config.poolSize connections; a call waits for one
// in a FIFO queue.

// callUpstream starts r's next upstream call, or queues it for one of the
// worker's upstream connections.
func (s *Sim) callUpstream(r *request) {
	p := &s.procs[r.proc]
	r.pending++
	r.issued++
	if !p.up.take(r.id) {
		if r.inIO == 0 {
			s.setState(r, stWaitPool)
		}
		return
	}
	s.beginIO(r)
}

func (s *Sim) beginIO(r *request) {
	p := &s.procs[r.proc]
	s.upstream++
	s.m.peakUpstream = max(s.m.peakUpstream, s.upstream)
	lat := r.lat[r.call]
	r.call++
	r.inIO++
	if s.cfg.Blocking && s.unit.handlerLoop {
		p.blocked = true
		s.setState(r, stBlocked)
	} else {
		s.setState(r, stIO)
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
	s.upstream--
	r.inIO--
	r.pending--
	if next, ok := p.up.release(); ok {
		s.beginIO(&s.reqs[next])
	}
	if r.pending > 0 {
		if r.inIO == 0 {
			s.setState(r, stWaitPool)
		}
		return
	}
	unblocked := p.blocked
	p.blocked = false
	s.proceed(id)
	if unblocked {
		s.pullBacklog(pid)
	}
}
