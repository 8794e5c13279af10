package engine

import (
	"cmp"
	"slices"
	"time"
)

// The listen socket that a server's workers share, and its queue.

// canAccept reports whether worker p would take a new connection now, as
// its model's accept rule decides.
// A retiring worker accepts nothing.
func (s *Sim) canAccept(p *proc) bool { return p.alive && !p.retiring && s.sp.accept(s, p) }

// connect sends r's connection to the listen socket shared by the workers:
// its request reaches the socket now, its SYN a moment before.
func (s *Sim) connect(r *request) {
	if s.admit(r) {
		return
	}
	// The accept queue is full. On a socket with TCP_DEFER_ACCEPT the SYN
	// may have found room that the request no longer finds: the
	// connection is half-open (halfopen.go).
	if s.sp.host.deferAccept && r.retries == 0 && s.synAnswered(r) {
		s.halfOpen(r)
		return
	}
	// Linux drops the SYN, and the client's kernel sends it again
	// (synBackoff, on the timer wheel: synResendAt).
	s.setState(r, stConnecting)
	s.after(synResendAt(s.now, r.retries)-s.now, evRetrySYN, r.id, r.gen)
	r.retries++
}

// admit hands r's connection to an idle worker or puts it in the accept
// queue, and reports whether there was room. Linux refuses a connection
// only when the accept queue holds more than the listen backlog
// (include/net/sock.h sk_acceptq_is_full: sk_ack_backlog >
// sk_max_ack_backlog), so it holds backlog+1.
func (s *Sim) admit(r *request) bool {
	// A connection given to a worker whose main thread has yet to accept it
	// is still in the accept queue (mainthread.go): when that queue is full
	// the SYN is dropped as below.
	if s.backlog.len() == 0 && s.unaccepted() <= s.backlogCap {
		if pid := s.pickWorker(); pid >= 0 {
			s.accept(pid, r)
			return true
		}
	}
	q := s.backlog.len() + s.unaccepted() // mainthread.go
	if q > s.backlogCap {
		return false
	}
	s.backlog.push(r.id)
	s.setState(r, stBacklog)
	s.m.peakBacklog = max(s.m.peakBacklog, q+1)
	return true
}

// retrySYN handles the listen socket's timers (evRetrySYN): a >= 0 is
// the client's kernel resending request a's SYN, or its request if the
// connection is half-open; a < 0 is the server's timer of request -a-1's
// half-open connection (halfopen.go).
func (s *Sim) retrySYN(a int32, gen uint32) {
	if a < 0 {
		if pid, ok := acceptTimerPid(a); ok {
			if !s.procs[pid].retiring {
				s.turnAccept(pid) // it has the GIL back (gilBackAt), or its hub polls (hubaccept.go)
			}
			return
		}
		s.synAckTimer(-a-1, gen)
		return
	}
	r := &s.reqs[a]
	if r.gen != gen {
		return
	}
	if r.accepted >= 0 {
		s.resendRequest(r)
		return
	}
	if r.state != stConnecting {
		return
	}
	if int(r.retries) > synRetries+synLinearRetries {
		s.fail(r, causeConnectFailed)
		return
	}
	s.connect(r)
}

// synBackoff is how long the client's kernel waits after its n-th
// retransmission of a dropped SYN (n = 0 after the first SYN) before the
// next: 1s for the first five waits, then 2s, 4s, ... up to 64s before it
// gives up (costs.go).
func synBackoff(n uint8) time.Duration {
	if int(n) <= synLinearRetries {
		return synRTO
	}
	return synRTO << (int(n) - synLinearRetries)
}

// synResendAt is when the client's kernel resends a SYN whose timer it
// armed at now, after its n-th resend. The SYN retransmit timer is a
// timer_list (inet_csk_reset_xmit_timer: jiffies + icsk_rto), and the
// timer wheel fires it at the first tick of its level's granularity
// strictly after its expiry, never early (kernel/time/timer.c,
// calc_wheel_index and calc_index: (expires >> LVL_SHIFT) + 1). A 1s or 2s
// timer sits on level 1, 8 jiffies (32 ms at HZ=250) apart, so the linear
// resends come 1.024s apart, not 1s; a 4s one on level 2, 64 jiffies apart.
// Timers armed within one 32 ms bucket fire together: the wheel keeps
// dropped clients in lock-step, it does not spread them. The engine's
// jiffies count from the run's start (the real phase is arbitrary).
func synResendAt(now time.Duration, n uint8) time.Duration {
	return wheelAfter(now, synBackoff(n))
}

// wheelAfter is when a kernel timer_list armed at now to expire d later
// fires: at the first tick of its level's granularity strictly after its
// expiry (synResendAt).
func wheelAfter(now, d time.Duration) time.Duration {
	armed := int64(now / jiffy)
	expires := armed + int64(d/jiffy)
	shift := wheelShift(expires - armed)
	return time.Duration(((expires>>shift)+1)<<shift) * jiffy
}

// wheelShift is LVL_SHIFT of the timer wheel's level for a timer delta
// jiffies away: level n starts at LVL_START(n) = 63 << 3(n-1) jiffies and
// its granularity is 1 << 3n jiffies.
func wheelShift(delta int64) uint {
	shift := uint(0)
	for start := int64(63); delta >= start; start <<= 3 {
		shift += 3
	}
	return shift
}

// pickWorker chooses which idle worker wins a new connection. Every worker
// waits on the same listening socket, the kernel wakes them all, and the
// first to call accept() wins: there is no balancing. A model with
// spec.acceptLate runs the burst race (acceptBurst, burst.go): the workers
// on a core share a burst by fair draws, and one the kernel queued behind
// a running task joins late, so a burst of kept-alive connections either
// splits about evenly or goes nearly all to one worker, as measured on
// gthread (docs/calibration.md). Otherwise a worker that accepted a moment
// ago is still awake in its accept loop while the others are still waking
// up, so within acceptAwake of its last accept it wins again with the
// model's probability (spec.acceptStay); else the engine draws the winner
// uniformly among the workers ready to accept. Spaced arrivals (a new
// connection per request) split evenly, as measured: 304/296 requests on
// gthread -w 2; there a worker whose main thread is busy loses to one that
// sleeps in select (selecting, burst.go).
func (s *Sim) pickWorker() int32 {
	ready := s.readyProcs[:0]
	last := int32(-1)
	for i := range s.procs {
		if s.canAccept(&s.procs[i]) {
			ready = append(ready, int32(i))
			if int32(i) == s.lastAccept {
				last = int32(i)
			}
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
	if s.sp.acceptLate > 0 {
		return s.acceptBurst(ready)
	}
	if last >= 0 && s.now-s.lastAcceptAt <= acceptAwake && s.rng.Float64() < s.sp.acceptStay {
		return last
	}
	return ready[s.rng.IntN(len(ready))]
}

// accept hands r's new connection to worker pid.
func (s *Sim) accept(pid int32, r *request) {
	p := &s.procs[pid]
	unread := r.accepted >= 0 // made by a bare ACK: its request is yet to come (halfopen.go)
	r.proc, r.procGen = pid, p.gen
	r.accepted = s.now
	r.newConn = true
	s.handoffs++
	p.handedAt = s.handoffs
	if s.sp.maxAccept != nil {
		s.hubAccepted(pid, r.state != stBacklog) // before lastAccept: it asks whether a burst starts
	}
	s.lastAccept, s.lastAcceptAt = pid, s.now
	s.openConn(pid)
	s.limitArrived(r)
	s.startTask(pid)
	r.step = stepStart
	if unread {
		s.awaitRequest(r)
		return
	}
	if s.sp.mainTurn != nil {
		s.mainAccept(pid, r) // its main thread accepts it (mainthread.go)
		return
	}
	s.proceed(r.id)
}

// pullBacklog lets worker p take connections waiting in the listen queue;
// a retiring worker that has let go of a request or connection may exit.
func (s *Sim) pullBacklog(pid int32) {
	if s.procs[pid].retiring {
		s.maybeExit(pid)
		return
	}
	if s.backlog.len() > 0 && s.sp.host.deferAccept {
		// uWSGI (the one host with deferAccept): the thread may have to
		// wait for the GIL before it accepts (halfopen.go).
		if at := s.gilBackAt(pid); at > s.now {
			s.after(at-s.now, evRetrySYN, acceptTimer(pid), 0)
			return
		}
	}
	s.acceptWaiting(pid)
}

// acceptWaiting lets worker pid's free threads take connections waiting in
// the listen queue.
func (s *Sim) acceptWaiting(pid int32) {
	for s.backlog.len() > 0 && s.canAccept(&s.procs[pid]) {
		s.accept(pid, &s.reqs[s.backlog.pop()])
	}
}
