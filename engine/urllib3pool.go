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
// Session), u3mutex: its waiters first in, first out, a free mutex taken by
// whoever reaches it first (a woken waiter that finds it taken waits again,
// first in line). A take costs its taker one turn of the hub (the sleep); a
// waiter, woken, takes two (its wake-up, then its own sleep). The sleeps
// and wake-ups are loop callbacks (libev.go). Each turn runs u3TurnCPU,
// which the call's resume includes for the two uncontended turns of a call
// (its put and its take). The put comes u3PutAfter into the return, the
// rest of the return after it.

// u3stage is where a request's calls are in urllib3's pool.
type u3stage uint8

const (
	u3Idle  u3stage = iota // its next call takes a connection
	u3Taken                // its call has taken one and not yet gone out
	u3Out                  // its call is out: its return puts the connection back
	u3Back                 // its last call has returned: it reads the response, then puts it back
	u3Put                  // its last call's connection is back: its resume has run
)

// u3TurnCPU is the CPU of a turn of the hub a greenlet takes in the pool's
// mutex: a gevent.sleep(0)'s callback and switch, or a semaphore's wake-up,
// and the queue's few lines around it (not measured alone: the trace's
// callbacks ran 10-30 µs).
const u3TurnCPU = 20 * time.Microsecond

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
	if r.u3cb {
		r.u3cb = false
		return s.u3Turn(r, stepCalls)
	}
	if r.u3 == u3Out {
		if s.u3Pass(r, stepCalls) {
			return true
		}
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
		return s.runCPU(r, true, min(u3PutAfter, s.resumeCPU(r)-s.sendCost(r)), stepRespond)
	case r.u3 == u3Back && r.u3cb:
		r.u3cb = false
		return s.u3Turn(r, stepRespond)
	case r.u3 == u3Back:
		if s.u3Pass(r, stepRespond) {
			return true
		}
		r.u3 = u3Put
	}
	return false
}

// u3mutex is urllib3's pool mutex in one worker: gevent's LockType, a
// BoundedSemaphore(1) (gevent/thread.py, gevent/_semaphore.py).
type u3mutex struct {
	held     bool  // a greenlet holds it
	notified int32 // the waiter whose wake-up is queued as a callback, or -1
	wait     fifo  // greenlets blocked in acquire, first in, first out
}

// reset frees the mutex and forgets its waiters, keeping their memory.
func (m *u3mutex) reset() {
	m.held, m.notified = false, -1
	m.wait.clear()
}

// u3Pass takes r through its worker's pool mutex once, going on at next
// each time it has waited: it takes the mutex if it is free or waits for
// it, gives the hub up holding it (the notify's sleep), and then lets it
// go. It reports whether r must wait; false once r has let the mutex go.
//
// A release frees the mutex and, if greenlets wait, queues the semaphore's
// notifier, a loop callback that switches to the first of them
// (_AbstractLinkable._check_and_notify, loop.run_callback). Until that
// waiter runs, the mutex is free to anyone: a greenlet that reaches the
// pool meanwhile takes it in acquire's fast path (counter > 0), and the
// woken waiter, finding it held, waits again, first in line.
func (s *Sim) u3Pass(r *request, next step) bool {
	p := &s.procs[r.proc]
	m := &p.u3
	if r.u3left == 0 {
		if m.notified == r.id {
			m.notified = -1
			if m.held {
				m.wait.insert(0, r.id) // taken meanwhile: wait again
				r.step = next
				s.yieldLoop(r)
				s.setState(r, stWaitPool)
				return true
			}
		} else if m.held {
			m.wait.push(r.id)
			r.step = next
			s.yieldLoop(r)
			s.setState(r, stWaitPool)
			return true
		}
		m.held = true
		r.u3left = 2 // held, one turn to take: the notify's sleep
	}
	if r.u3left > 1 {
		r.u3left--
		return s.u3Turn(r, next)
	}
	r.u3left = 0
	m.held = false
	if m.notified < 0 && m.wait.len() > 0 {
		id := m.wait.pop()
		m.notified = id
		s.reqs[id].u3cb = true
		s.proceed(id)
	}
	return false
}

// u3Turn gives the hub up for one of r's turns in the pool (a sleep(0), or
// a notifier's wake-up), which gevent runs as a loop callback, and then
// runs the turn's CPU. It reports that r waits. A greenlet that sleeps on
// the hub with nothing else to run before the next poll (the last of its
// turn's, or of the callbacks' pass) keeps it: its callback is the next
// the hub runs.
func (s *Sim) u3Turn(r *request, next step) bool {
	p := &s.procs[r.proc]
	if o, ok := p.turn.order.(*libevOrder); !ok || s.threads[p.loop].req != r.id || !o.passEnds(&p.turn.wait) {
		s.yieldLoop(r)
	}
	r.wakes = 1
	if s.runCPU(r, true, u3TurnCPU, next) {
		s.u3Callback(&s.procs[r.proc], r)
	}
	return true
}

// u3Callback moves r, just queued for worker p's hub, to where gevent runs
// a callback: behind the greenlets that the hub's current turn has yet to
// run and the callbacks queued before it, ahead of the next poll (libev.go).
func (s *Sim) u3Callback(p *proc, r *request) {
	if p.turn.wait.len() == 0 || *p.turn.wait.last() != r.id {
		return // it has the hub already
	}
	if o, ok := p.turn.order.(*libevOrder); ok {
		o.callback(&p.turn.wait)
	}
}

// u3PutAfter is how far into the return from a call its put comes: traced,
// 250 µs mean from the wake to the put (requests reads the body's end and
// urllib3's release_conn puts the connection back); the rest of the return
// runs after the put.
const u3PutAfter = 250 * time.Microsecond
