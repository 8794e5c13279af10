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
// Session) as a resource of one unit with its waiters first in, first out,
// handed to the first waiter as the holder lets it go. A free mutex costs
// its taker one turn of the hub (the sleep); a waiter, woken, takes two
// (its wake-up, then its own sleep). Each turn runs u3TurnCPU, which the
// call's resume includes for the two uncontended turns of a call (its
// put and its take).

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
		return s.runCPU(r, true, s.resumeCPU(r), stepRespond)
	case r.u3 == u3Back:
		if s.u3Pass(r, stepRespond) {
			return true
		}
		r.u3 = u3Put
	}
	return false
}

// u3Pass takes r through its worker's pool mutex once, going on at next
// each time it has waited: it takes the mutex or waits for it, gives the
// hub up holding it, and then lets it go to the first waiter. It reports
// whether r must wait; false once r has let the mutex go.
func (s *Sim) u3Pass(r *request, next step) bool {
	p := &s.procs[r.proc]
	if r.u3left == 0 {
		if !p.u3.take(r.id) {
			r.step = next
			s.yieldLoop(r)
			s.setState(r, stWaitPool)
			return true
		}
		r.u3left = 2 // held, one turn to take: the notify's sleep
	}
	if r.u3left > 1 {
		r.u3left--
		s.yieldLoop(r)
		r.wakes = 1
		front := r.u3cb
		if s.runCPU(r, true, u3TurnCPU, next) {
			s.u3Callback(p, r, front)
		}
		return true
	}
	r.u3left = 0
	if id, ok := p.u3.release(); ok {
		w := &s.reqs[id]
		w.u3left = 3 // handed the mutex: its wake-up and its own sleep
		w.u3cb = r.u3cb
		s.proceed(id)
	}
	r.u3cb = false
	return false
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
