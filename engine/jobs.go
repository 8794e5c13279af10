package engine

import (
	"strings"
	"time"
)

// Background jobs (background=N): RQ 1.13 on Redis 7. The request's handler
// calls Queue.enqueue, which saves the job's hash and RPUSHes its id onto
// the queue's Redis list in one pipeline (rq/queue.py enqueue_job), a round
// trip to redis-server (jobsredis.go), and answers 202 with the job's id
// without waiting for the job; the scenario's calls and cpu move
// from the request to the job. N `rq worker` processes, separate from the
// web server, take jobs from the list's head (rq/queue.py dequeue_any: BLPOP
// when the worker waits, so the list is first in, first out, and Redis
// serves the worker that has blocked longest first). A worker runs one job
// at a time: rq/worker.py work() loops dequeue_job_and_maintain_ttl, then
// execute_job, which by default FORKS a work horse for the job
// (fork_work_horse) and waits for it (monitor_work_horse, os.waitpid). The
// horse (main_work_horse -> perform_job) imports the job's function, which
// the parent worker never imported, so every job re-imports the job's
// module and what it imports; it then runs the function, stores the result
// (handle_job_success, which sets ended_at) and exits with os._exit.
// A SimpleWorker runs jobs in its own process without a fork; rq worker
// starts the forking Worker unless told otherwise, and that is modelled.
//
// Each RQ worker is one process with one thread on the machine's cores
// beside the web workers (parent and horse never run at once). A job's CPU,
// in order: jobForkCPU, jobImportCPU and the job's cpu before its first
// call; jobCallCPU after each upstream call; jobSuccessCPU, after which the
// job has finished; then jobReapCPU before the worker waits for the next.
//
// The enqueue in the web worker is a round trip to redis-server, a process
// of its own (jobsredis.go, which has its measurements).
//
// Measured on this project's 2-core VM (calibrate/apps/rq_jobs.py, a job of
// no calls that imports requests; docs/models.md): 300 jobs
// through one forking worker cost 69.1 ms of the worker's CPU each (its
// reaped horses included) and 1.25 ms of Redis's; with the job's module
// imported in the worker first (rq worker -c rq_preload) 11.0 ms and
// 0.93 ms; a SimpleWorker 1.5 ms and 0.41 ms. So the fork, the horse and
// RQ's Redis bookkeeping cost about 12 ms a job, and the horse's import of
// the job's module (requests and what it imports) 58 ms. Redis's own CPU
// for a job's dequeue and bookkeeping is charged to the job; its CPU for an
// enqueue runs on redis-server's process and is counted with the RQ
// workers' too (Jobs.CPUPerJobMS), not as the web worker's. The split of
// the 12 ms between before the job (fork, horse set-up, prepare_job_execution), after it
// (handle_job_success) and the reap (os._exit, waitpid, heartbeat) is not
// measured: the wall time between one job's ended_at and the next one's
// started_at was about a seventh of a job's.
const (
	jobEnqueueCPU = 500 * time.Microsecond  // Queue.enqueue in the handler up to its send, caches cold (jobsredis.go)
	jobForkCPU    = 9 * time.Millisecond    // dequeue, fork, the horse's set-up and prepare_job_execution
	jobImportCPU  = 58 * time.Millisecond   // the horse imports the job's module
	jobSuccessCPU = 1 * time.Millisecond    // handle_job_success: the result and ended_at into Redis
	jobReapCPU    = 2 * time.Millisecond    // the horse exits, the worker reaps it and heartbeats
	jobCallCPU    = 1600 * time.Microsecond // a requests.Session call after a wait, as the WSGI models charge (costs.go)
)

// Memory of the RQ workers, from /proc/PID/smaps_rollup of an idle `rq
// worker` and of a horse running a job: a worker is 29.3 MiB resident, of
// which 18.1 MiB private (the rest is libpython and shared libraries, shared
// with the other workers); a horse that has imported requests has 13.5 MiB
// of private pages.
// A web worker that enqueues imports rq and redis-py: 6.0 MiB more RSS
// (5.6 MiB private) in a process that has Flask and requests.
var (
	rqClientLib     = mb(6.0)
	rqWorkerRSS     = mb(29.3)
	rqWorkerPrivate = mb(18.1)
	rqHorsePrivate  = mb(13.5)
)

// evJobIODone: an RQ job's upstream call returns (a = RQ worker, b = its gen).
const evJobIODone = evGraceEnd + 1

// jobStep is where an RQ worker is with its job.
type jobStep uint8

const (
	jobIdle    jobStep = iota // blocked in BLPOP on the queue
	jobFork                   // forking the horse, which imports the job's module and runs its cpu
	jobCall                   // the horse waits on an upstream call
	jobResume                 // the horse comes back from a call
	jobSucceed                // the horse stores the result
	jobReap                   // the horse exits; the worker reaps it
)

var jobStepNames = []string{"idle", "fork", "call", "resume", "succeed", "reap"}

// job is one enqueued job: the work its request would have done.
type job struct {
	seq      int64  // the request that enqueued it
	draws    uint64 // that request's key for draws (request.draws)
	n        int64  // its place in the order of enqueues, from 1
	enqueued time.Duration
	cpu      time.Duration
	lat      []float64 // each upstream call's latency, as a multiple of io
	call     int       // calls done
}

// rqWorker is one `rq worker` process and its horse.
type rqWorker struct {
	tid      int32 // its thread in Sim.threads
	job      int32 // the job it runs, or -1
	step     jobStep
	since    time.Duration
	gen      uint32 // bumped at each call, so a stale call's end is ignored
	rss      int64  // its memory, without its horse's
	retiring bool   // told to stop (SIGTERM, a warm shutdown): it exits after its job
	gone     bool   // it has exited
}

// jobQueue is a lane's RQ: the Redis list, the jobs and the workers.
type jobQueue struct {
	list    fifo // ids of jobs waiting in Redis's list, oldest first
	all     []job
	free    freeIDs // job slots to reuse
	workers []rqWorker
	procs   []proc // the workers' processes, for the CPU scheduler
	idle    fifo   // workers blocked in BLPOP, longest first

	enqueued, finished int64
	lat                histogram
	latSum             float64
	latMax             time.Duration
	peakList           int
	rss, peakRSS       int64
	seriesDone         int64         // jobs finished in the current series step
	cpu                time.Duration // CPU the RQ workers have run so far (sliceEnd counts it)
	python             bool          // the lane's app can enqueue (pythonApp), read once at New
	redis              redisServer   // redis-server, which runs the enqueues' transactions (jobsredis.go)
}

// on reports whether the lane has had background jobs.
func (q *jobQueue) on() bool { return len(q.workers) > 0 }

// startJobs starts n more RQ workers, each blocked on the queue (or taking
// the job at its head).
func (s *Sim) startJobs(n int) {
	q := &s.jobs
	if !q.on() {
		q.lat = newHistogram(7)
		s.startRedis()
	}
	for range n {
		i := int32(len(q.workers))
		q.procs = append(q.procs, proc{alive: true, running: -1, loop: -1})
		tid := int32(len(s.threads))
		s.threads = append(s.threads, thread{proc: ^i, req: -1, lane: 0})
		// The first worker's RSS counts whole; each further one adds its
		// private pages (the rest is shared libraries).
		rss := rqWorkerPrivate
		if q.rss == 0 {
			rss = rqWorkerRSS
		}
		q.workers = append(q.workers, rqWorker{tid: tid, job: -1, rss: rss})
		q.addMemory(rss)
		s.jobIdle(i)
	}
}

// jobIdle makes RQ worker wi wait for the next job: it takes the list's
// head at once if there is one, or blocks in BLPOP.
func (s *Sim) jobIdle(wi int32) {
	q := &s.jobs
	if q.list.len() > 0 {
		s.dequeueJob(wi)
		return
	}
	q.idle.push(wi)
}

func (q *jobQueue) addMemory(d int64) {
	q.rss += d
	q.peakRSS = max(q.peakRSS, q.rss)
}

// cpuProc returns the process pid of the CPU scheduler: a web worker, or
// (pid < 0) RQ worker ^pid, redis-server (redisPid) or a client thread
// (clientcpu.go).
func (s *Sim) cpuProc(pid int32) *proc {
	if pid >= 0 {
		return &s.procs[pid] // a web worker: the common case, at one look
	}
	if isClientPid(pid) {
		return &s.cli.procs[pid-clientPid] // the clients' (clientcpu.go)
	}
	if pid == redisPid {
		return &s.jobs.redis.proc // redis-server (jobsredis.go)
	}
	return &s.jobs.procs[^pid]
}

// enqueueJob is Queue.enqueue at the end of r's handler, whose CPU up to
// the send has run: r's work becomes a job, r's transaction goes to
// redis-server (jobsredis.go), and r waits for its reply. It reports that
// r waits.
func (s *Sim) enqueueJob(r *request) bool {
	q := &s.jobs
	id, fresh := q.free.take(len(q.all))
	if fresh {
		q.all = append(q.all, job{})
	}
	j := &q.all[id]
	// RQ stamps enqueued_at before it sends the job (enqueue_job).
	j.seq, j.enqueued, j.cpu, j.call = r.seq, s.now, r.jobCPU, 0
	j.draws = r.draws
	j.lat = append(j.lat[:0], r.lat...)
	r.lat = r.lat[:0]
	s.sendEnqueue(r, id)
	return true
}

// pushJob puts job id at the tail of Redis's list, as redis-server runs
// its enqueue's RPUSH, from which on it counts as enqueued; an idle
// worker's BLPOP takes it at once.
func (s *Sim) pushJob(id int32) {
	q := &s.jobs
	q.enqueued++
	q.all[id].n = q.enqueued
	q.list.push(id)
	q.peakList = max(q.peakList, q.list.len())
	if q.idle.len() > 0 {
		s.dequeueJob(q.idle.pop())
	}
}

// dequeueJob gives the job at the head of the list to idle worker wi: its
// BLPOP returns, and it forks a horse for the job.
func (s *Sim) dequeueJob(wi int32) {
	q := &s.jobs
	w := &q.workers[wi]
	w.job = q.list.pop()
	q.addMemory(rqHorsePrivate)
	j := &q.all[w.job]
	s.jobCPU(wi, jobFork, jobForkCPU+jobImportCPU+j.cpu)
}

// jobCPU moves worker wi to step st, which runs d of CPU on its thread.
func (s *Sim) jobCPU(wi int32, st jobStep, d time.Duration) {
	w := &s.jobs.workers[wi]
	w.step, w.since = st, s.now
	s.wantCPU(w.tid, d)
}

// jobCPUDone continues RQ worker wi after its step's CPU, or redis-server
// (wi = ^redisPid) after a transaction's.
func (s *Sim) jobCPUDone(wi int32) {
	if wi == ^redisPid {
		s.redisDone()
		return
	}
	q := &s.jobs
	w := &q.workers[wi]
	j := &q.all[w.job]
	switch w.step {
	case jobFork, jobResume:
		if j.call < len(j.lat) {
			w.step, w.since = jobCall, s.now
			w.gen++
			s.upstream++
			s.m.peakUpstream = max(s.m.peakUpstream, s.upstream)
			lat := s.callLatency(j.lat[j.call])
			if lat > 0 {
				lat += s.traffic.late(s, j.draws, j.call) // as beginIO
			}
			if s.cfg.UpstreamCPU > 0 {
				s.upstreamRead(-wi-1, w.gen, lat) // upstreamcpu.go
				return
			}
			s.after(lat, evJobIODone, wi, w.gen)
			return
		}
		s.jobCPU(wi, jobSucceed, jobSuccessCPU)
	case jobSucceed:
		d := s.now - j.enqueued
		q.finished++
		q.seriesDone++
		q.lat.add(d)
		q.latSum += float64(d)
		q.latMax = max(q.latMax, d)
		s.jobCPU(wi, jobReap, jobReapCPU)
	case jobReap:
		q.addMemory(-rqHorsePrivate)
		q.free.put(w.job)
		w.job, w.step, w.since = -1, jobIdle, s.now
		if w.retiring {
			s.jobWorkerExit(wi) // the warm shutdown it was told of
			return
		}
		s.jobIdle(wi)
	default:
		panic("engine: RQ worker finished CPU while " + jobStepNames[w.step])
	}
}

// jobIODone ends RQ worker wi's upstream call.
func (s *Sim) jobIODone(wi int32, gen uint32) {
	w := &s.jobs.workers[wi]
	if w.gen != gen || w.step != jobCall {
		return
	}
	s.upstream--
	s.jobs.all[w.job].call++
	s.jobCPU(wi, jobResume, jobCallCPU)
}

// rqWorkers returns lane c's RQ workers: background, in a lane whose app
// can enqueue (a comparison may set it in a lane that ignores it).
func (c *Config) rqWorkers() int {
	if !pythonApp(c) {
		return 0
	}
	return c.Background
}

// pythonApp reports whether lane c's app is Python, which can enqueue an
// RQ job (Node's app is JavaScript).
func pythonApp(c *Config) bool { return pythonSpec(c.spec()) }

// pythonSpec reports whether model sp's app is Python.
func pythonSpec(sp *spec) bool {
	c := DefaultConfig()
	return !strings.HasSuffix(sp.real(&c).App, ".js")
}
