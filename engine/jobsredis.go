package engine

import "time"

// The enqueue's round trip to redis-server. Queue.enqueue (rq 1.13,
// rq/queue.py enqueue -> enqueue_call -> create_job, which touches no
// Redis, -> enqueue_job) builds the job and its hash in Python, then sends
// one transaction: enqueue_job takes connection.pipeline() (redis-py 4.3:
// MULTI..EXEC) and queues SADD rq:queues, HSET status (job.set_status),
// HSET of the whole hash (job.save; job.cleanup with no ttl adds nothing)
// and RPUSH of the job's id (push_job_id), and pipe.execute() writes them
// all at once and reads the six replies. Queue caches the server's version
// (get_redis_server_version) after the first enqueue, so each enqueue is
// that one round trip. The web worker's thread sleeps in the socket's read
// while redis-server, a process of its own on the same cores, wakes, reads
// the commands, runs them and writes the replies; the EXEC's RPUSH also
// answers the BLPOP of an idle rq worker, which wakes. Then the thread
// parses the replies and the view returns.
//
// The engine makes that a sleep of the request's thread (or greenlet; an
// asyncio task blocks its loop, as redis-py's socket is not the loop's):
// its CPU before the send (jobEnqueueCPU, charged as the request's handler
// CPU), then redis-server's CPU (redisEnqueueCPU) on the cores as one more
// process for the kernel's scheduler, one command batch at a time in the
// order they came (Redis runs commands on one thread), then the job is in
// the list and the request's thread runs jobEnqueueReplyCPU. On idle cores
// the wait is redis-server's CPU; on busy cores redis-server waits for a
// core like any process, and the web worker, which gave its core up, may
// find it taken by a horse when the reply wakes it.
//
// Measured with calibrate's Debian python3, rq 1.13, redis-py 4.3.4 and
// redis-server 7.0.15 on 127.0.0.1, 2000 enqueues of rq_jobs.work back to
// back: on a quiet machine (load 0.5) 348-398 µs of the thread's CPU per
// enqueue (p50) and 416-476 µs of wall time, so 80-120 µs a wait;
// redis-server's commandstats EXEC 22 µs a call. On the loaded machine
// (load 1-2, three runs of 2000-3000, thread CPU then 163-240 µs, p50), the
// thread's CPU up to the end of the pipeline's send was 70-79% of it (75%
// typically), and redis-server's CPU (its /proc schedstat) 0.19-0.25 of the
// thread's, and the thread waited 31-46 µs an enqueue (wall less CPU,
// medians), most of it inside the send, off its core, with the reply
// already there when it read: as when redis-server is woken on the sender's
// core and preempts it (the engine places redis-server as any woken
// process, engine/kernel.go).
//
// A request's enqueue is not back to back: its thread has waited for the
// request, and its caches are cold, as a requests call's are after a wait
// (costs.go, coldExtra). scripts/measure/enqueuecold.py enqueues with a
// pause before each: 176-240 µs of the thread's CPU back to back, 563 µs
// after 10 ms, 649-658 µs after 100 ms and 671-684 µs after 1 s (p50, two
// runs, 2026-12-02 16:06 UTC, load average 6-9 from other programs; not
// measured quiet). The engine charges a request's enqueue the cold figure,
// 670 µs, split as the send's 75% before it (jobEnqueueCPU, 500 µs) and the
// rest after the reply; redis-server's CPU is the quiet figure's share.
// With the back-to-back split (280 and 90 µs) the engine charged a request
// 0.93 ms of the web worker's CPU in row background and 0.87 in
// background-backlog against the real 1.07-1.40 and 1.20; now 1.16 and 1.17.
const (
	jobEnqueueReplyCPU = 170 * time.Microsecond // reading the six replies and returning the job (cold, see above)
	redisEnqueueCPU    = 80 * time.Microsecond  // redis-server: read MULTI..EXEC, run it, write the replies, serve a BLPOP
)

// redisPid is redis-server's pid for the CPU scheduler (cpuProc): below
// zero like an RQ worker's, outside the clients' range and above any RQ
// worker's ^i.
const redisPid int32 = clientPid + maxClientThreads

// redisCmd is an enqueue's transaction waiting for, or running on,
// redis-server: the request that sent it (with its generation, so that a
// request its worker lost is not woken) and the job it pushes.
type redisCmd struct {
	req int32
	gen uint32
	job int32
}

// redisServer is the lane's redis-server: one process with one thread that
// runs the commands sent to it, first come first served.
type redisServer struct {
	proc proc
	tid  int32 // its thread in Sim.threads, or -1 before the lane has jobs
	cmds ring[redisCmd]
	busy bool // it runs the oldest of cmds
}

// startRedis makes the lane's redis-server process, once.
func (s *Sim) startRedis() {
	rs := &s.jobs.redis
	rs.proc = proc{alive: true, running: -1, loop: -1}
	rs.tid = int32(len(s.threads))
	s.threads = append(s.threads, thread{proc: redisPid, req: -1})
}

// sendEnqueue sends r's transaction, which carries job id, to
// redis-server; r sleeps until the reply (redisDone).
func (s *Sim) sendEnqueue(r *request, id int32) {
	rs := &s.jobs.redis
	rs.cmds.push(redisCmd{req: r.id, gen: r.gen, job: id})
	if s.unit.handlerLoop && s.unit != unitGreenlet {
		// An asyncio task that calls redis-py blocks its loop.
		s.procs[r.proc].blocked = true
		s.setState(r, stBlocked)
	} else {
		if s.unit.handlerLoop {
			s.yieldLoop(r) // gevent's patched socket yields the hub
		}
		s.setState(r, stIO)
	}
	if !rs.busy {
		rs.busy = true
		s.wantCPU(rs.tid, redisEnqueueCPU)
	}
}

// redisDone follows redis-server running its oldest transaction: the job
// is in the list (an idle rq worker's BLPOP takes it), the request that
// sent it wakes, and redis-server goes on with the next.
func (s *Sim) redisDone() {
	rs := &s.jobs.redis
	c := rs.cmds.pop()
	if rs.cmds.len() > 0 {
		s.wantCPU(rs.tid, redisEnqueueCPU)
	} else {
		rs.busy = false
	}
	s.pushJob(c.job)
	r := &s.reqs[c.req]
	if r.gen != c.gen {
		return // its worker has gone
	}
	pid := r.proc
	p := &s.procs[pid]
	unblocked := p.blocked
	p.blocked = false
	r.wakes = 0 // the measured CPU is the thread's own; a hub's wake-up is not measured for it
	s.runCPU(r, s.unit.handlerLoop, jobEnqueueReplyCPU, stepCalls)
	if unblocked {
		s.pullBacklog(pid)
	}
}
