package engine

import "time"

// urllib3's connection pool under gevent. requests keeps its connections in
// urllib3's HTTPConnectionPool, whose pool is a queue.LifoQueue
// (urllib3/connectionpool.py:_get_conn, _put_conn, urllib3 1.26). Every
// call takes a connection with pool.get(block=False) before it is sent and
// puts it back with pool.put(block=False) once its response is read. Both
// run under the queue's mutex (python3.11/queue.py: `with self.not_empty`,
// `with self.not_full`), and both end with Condition.notify, which checks
// that its caller holds the mutex with _is_owned: threading.Condition's
// fallback tries lock.acquire(False) and takes a failure as "owned"
// (python3.11/threading.py:282), since the lock has no _is_owned of its own.
//
// After gevent's monkey-patching that mutex is gevent.thread.LockType, a
// BoundedSemaphore whose failed non-blocking acquire calls gevent.sleep()
// to "make spin locks work" (gevent/thread.py:131-141, gevent 22.10). So
// every take and every put gives the hub up once while it holds the mutex,
// and a greenlet that reaches the pool meanwhile blocks on it
// (gevent/_semaphore.py acquire, _wait) until the holder comes back, lets it
// go and the semaphore's notifier wakes the waiter, which then gives the hub
// up once more in its own notify. Traced on the real worker (row gevent,
// greenlet.settrace), 84% of the returns and 46% of the takes waited for
// the mutex, 14 ms on average.
//
// eventlet's green lock does not yield on a failed non-blocking acquire
// (eventlet/semaphore.py acquire: `if not blocking and self.locked():
// return False`), so its notify holds the mutex for no turn and nobody waits
// (spec.u3Lock is false there; the trace saw no wait).
//
// The engine keeps the mutex per worker (the app's one module-level
// Session), with its waiters first in, first out (u3Pass says who gets it).
// A free mutex costs its taker one turn of the hub (the sleep); a waiter,
// woken, takes two (its wake-up, then its own sleep). Each turn runs
// u3TurnCPU, which the call's resume includes for the two uncontended
// turns of a call (its put and its take).

// u3stage is where a request's calls are in urllib3's pool.
type u3stage uint8

const (
	u3Idle  u3stage = iota // its next call takes a connection
	u3Taken                // its call has taken one and not yet gone out
	u3Out                  // its call is out: its return puts the connection back
	u3Rest                 // it has put the connection back and runs the rest of its return
	u3Back                 // its last call has returned: it reads the response, then puts it back
	u3Put                  // its last call's connection is back: its resume has run
)

// u3TurnCPU is the CPU of a turn of the hub a greenlet takes in the pool's
// mutex: a semaphore's wake-up and the queue's few lines up to the notify's
// sleep, traced on the real worker (row gevent, greenlet.settrace, tracer
// included): 10.4 µs on average from a take's wake-up to its sleep (p50
// 7.3), 19.1 (p50 10.6) for a put's.
const u3TurnCPU = 10 * time.Microsecond

// u3Applies reports whether r's calls go through urllib3's pool mutex
// holding it across a turn: requests calls on gevent that yield the hub
// one at a time.
func (s *Sim) u3Applies(r *request) bool {
	return s.cost.u3Lock && s.tripsApply(r)
}

// u3CPU is the CPU of coming back from r's call that its turns in the pool
// run (resumeCPU charges the rest): a put's and a take's.
func (s *Sim) u3CPU(r *request) time.Duration {
	if !s.u3Applies(r) {
		return 0
	}
	return 2 * u3TurnCPU
}

// u3Calls runs r's pool work before its next call goes out: the put of its
// last call's connection, then the take of this call's. It reports whether
// r must wait (for the mutex or for its turn of the hub).
func (s *Sim) u3Calls(r *request) bool {
	if !s.u3Applies(r) {
		return false
	}
	if r.u3 == u3Out {
		if s.u3Pass(r, stepCalls) {
			return true
		}
		r.u3 = u3Rest
		_, after := s.u3Split(r, s.resumeCPU(r))
		r.wakes = 0
		if s.runCPU(r, true, after, stepCalls) {
			return true
		}
	}
	if r.u3 == u3Rest {
		r.u3 = u3Idle
	}
	if r.u3 == u3Idle {
		if s.u3Pass(r, stepCalls) {
			return true
		}
		r.u3 = u3Taken
	}
	return false
}

// u3BeforePut is how much of coming back from a call runs before the
// call's put: urllib3 puts the connection back as requests reads the
// response's end (HTTPResponse.release_conn), and requests, Flask and
// gunicorn's write run after. Traced on the real worker (row gevent): 250
// µs on average from a greenlet's wake-up by the response to its put (p50
// 150), 361 µs from the put's sleep to its next wait (p50 194).
const u3BeforePut = 250 * time.Microsecond

// u3Split splits d, the CPU of coming back from r's call, at its put:
// all of it runs before when r's calls do not go through the pool.
func (s *Sim) u3Split(r *request, d time.Duration) (before, after time.Duration) {
	if !s.u3Applies(r) || d <= u3BeforePut {
		return d, 0
	}
	return u3BeforePut, d - u3BeforePut
}

// u3Sent marks r's call, which has taken its connection, as gone out.
func (s *Sim) u3Sent(r *request) {
	if r.u3 == u3Taken {
		r.u3 = u3Out
	}
}

// u3Back runs, before r's response, the CPU of coming back from its last
// call and then that call's put: respond charges then no resume. It
// reports whether r must wait.
func (s *Sim) u3Back(r *request) bool {
	switch {
	case r.u3 == u3Out && s.u3Applies(r):
		r.u3 = u3Back
		r.wakes = s.callWakes()
		before, _ := s.u3Split(r, s.resumeCPU(r))
		return s.runCPU(r, true, before, stepRespond)
	case r.u3 == u3Back:
		if s.u3Pass(r, stepRespond) {
			return true
		}
		r.u3 = u3Put
	}
	return false
}

// u3mutex is a worker's urllib3 pool mutex, gevent.thread.LockType (a
// BoundedSemaphore of 1): held or not, the greenlets blocked on it first in,
// first out (the semaphore's links), and whether its notifier is scheduled.
type u3mutex struct {
	held     bool
	wait     fifo
	notified bool
	// inCallback: the task on the hub took it for a callback's turn
	// (u3Callback), and runs on in the hub's run of its callbacks until it
	// gives the hub up, as does the next request of its connection if it
	// serves it at once (holdLoop).
	inCallback bool
}

// reset frees the mutex and forgets its waiters, keeping its memory.
func (m *u3mutex) reset() {
	m.held, m.notified, m.inCallback = false, false, false
	m.wait.clear()
}

// r.u3left while r goes through the mutex.
const (
	u3Free     = 0 // r does not hold the mutex
	u3Release  = 1 // r holds it and lets it go when it next runs
	u3Sleep    = 2 // r holds it and gives the hub up once (the notify's sleep)
	u3Woken    = 3 // r, first waiter, is the notifier's: it takes the mutex if it is still free
	u3Notified = 4 // r, first waiter, is to be woken by the notifier
)

// u3Pass takes r through its worker's pool mutex once, going on at next
// each time it has waited. It reports whether r must wait; false once r has
// let the mutex go.
//
// gevent's semaphore lets any greenlet take a free mutex (acquire: `if
// self.counter > 0`), waiters or not; release only schedules the notifier
// (AbstractLinkable._check_and_notify, loop.run_callback), which, if the
// mutex is still free when it runs, switches to the first waiter, which
// takes it (_notify_link_list: `if only_while_ready and not
// self.ready(): break`). So a greenlet that comes in between takes the
// mutex ahead of the waiters, which wait for the next release.
func (s *Sim) u3Pass(r *request, next step) bool {
	p := &s.procs[r.proc]
	m := &p.u3
	switch r.u3left {
	case u3Notified:
		r.u3left = u3Woken
		return s.u3Turn(p, r, next)
	case u3Woken:
		m.notified = false
		if m.held { // taken meanwhile: r waits on, first
			r.u3left = u3Free
			r.step = next
			s.yieldLoop(r)
			s.setState(r, stWaitPool)
			return true
		}
		m.wait.pop()
		m.held = true
		r.u3left = u3Sleep
	case u3Free:
		if m.held {
			m.wait.push(r.id)
			r.step = next
			s.yieldLoop(r)
			s.setState(r, stWaitPool)
			return true
		}
		m.held = true
		r.u3left = u3Sleep
		s.u3Barge(p)
	}
	if r.u3left == u3Sleep {
		r.u3left = u3Release
		s.yieldLoop(r)
		return s.u3Turn(p, r, next)
	}
	r.u3left = u3Free
	m.held = false
	if m.wait.len() > 0 && !m.notified {
		m.notified = true
		w := &s.reqs[*m.wait.first()]
		w.u3left = u3Notified
		s.proceed(w.id)
	}
	return false
}

// u3Barge is a greenlet taking worker p's free mutex while its notifier
// is scheduled: the notifier, when it runs, finds the mutex taken and
// switches to nobody, so the first waiter, whose wake-up was queued,
// waits on (until the next release schedules the notifier again).
func (s *Sim) u3Barge(p *proc) {
	m := &p.u3
	if !m.notified {
		return
	}
	m.notified = false
	w := &s.reqs[*m.wait.first()]
	if w.u3left == u3Woken && p.turn.wait.remove(w.id) {
		w.u3left, w.u3cb = u3Free, false
		s.setState(w, stWaitPool)
	}
}

// u3Turn queues r for a turn of worker p's hub that runs u3TurnCPU, as a
// gevent callback (u3Callback), and goes on at next.
func (s *Sim) u3Turn(p *proc, r *request, next step) bool {
	front := p.u3.inCallback
	r.wakes = 1
	if s.runCPU(r, true, u3TurnCPU, next) {
		s.u3Callback(p, r, front)
	}
	return true
}

// u3Callback moves r, just queued for worker p's hub, to where gevent runs
// a callback (loop.run_callback: a gevent.sleep(0), a semaphore's
// notifier). The hub runs its callbacks before its next poll, one after
// another, including those they add: so a callback added by a greenlet the
// last poll woke waits for the rest of that poll's watchers (the
// iteration's other tasks), and one added in the callbacks' own run
// (front) goes behind the callbacks queued at the head, ahead of any I/O.
func (s *Sim) u3Callback(p *proc, r *request, front bool) {
	if p.turn.wait.len() == 0 || *p.turn.wait.last() != r.id {
		return // it has the hub already
	}
	p.turn.wait.popNewest()
	r.u3cb = true
	if front {
		at := 0
		for at < p.turn.wait.len() && s.reqs[p.turn.wait.at(at)].u3cb {
			at++
		}
		p.turn.wait.insert(at, r.id)
		return
	}
	at := int(max(p.iterLeft, 0) + p.readyNext)
	p.turn.wait.insert(min(at, p.turn.wait.len()), r.id)
	p.readyNext++
}
