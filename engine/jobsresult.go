package engine

import "time"

// Jobs is what a lane's background jobs (background=N) did, beside its
// requests: the request answers 202 as it enqueues its job, and the job's
// latency runs from that enqueue to the moment its RQ worker stored the
// result (RQ's enqueued_at to ended_at).
type Jobs struct {
	Workers       int     `json:"workers"`  // RQ worker processes now
	Enqueued      int64   `json:"enqueued"` // jobs redis-server has put in its list
	Finished      int64   `json:"finished"`
	Queued        int     `json:"queued"`         // in Redis's list now, waiting for a worker
	Running       int     `json:"running"`        // held by a worker now, not yet finished
	PeakQueued    int     `json:"peak_queued"`    // most jobs in the list at once
	ThroughputJPS float64 `json:"throughput_jps"` // jobs finished per simulated second
	LatencyMS     Latency `json:"latency_ms"`     // of finished jobs, from enqueued to finished
	MemoryMB      float64 `json:"memory_mb"`      // peak resident memory of the RQ workers and their horses
	CPUPerJobMS   float64 `json:"cpu_ms_per_job"` // the RQ workers' CPU (their horses' too) and redis-server's per finished job
}

// jobsResult returns the lane's job figures, or nil without background jobs.
func (s *Sim) jobsResult() *Jobs {
	q := &s.jobs
	if !q.on() {
		return nil
	}
	out := &Jobs{Enqueued: q.enqueued, Finished: q.finished,
		Queued: q.list.len(), PeakQueued: q.peakList, MemoryMB: round3(float64(q.peakRSS) / mib)}
	for i := range q.workers {
		w := &q.workers[i]
		if !w.gone {
			out.Workers++
		}
		if w.job >= 0 && w.step != jobReap { // a reaped job has finished
			out.Running++
		}
	}
	if secs := s.now.Seconds(); secs > 0 {
		out.ThroughputJPS = round3(float64(q.finished) / secs)
	}
	if q.finished > 0 {
		out.LatencyMS = latencyOf(&q.lat, q.latSum, q.finished, q.latMax)
		out.CPUPerJobMS = ms(q.cpu / time.Duration(q.finished))
	}
	return out
}

// JobQueue returns the number of jobs waiting in Redis's list now.
func (s *Sim) JobQueue() int { return s.jobs.list.len() }

// JobWorkerSnap is one RQ worker, placed for drawing.
type JobWorkerSnap struct {
	Busy  bool          // it holds a job (its horse runs it)
	Step  string        // idle, fork, call, resume, succeed or reap
	Job   int64         // the request whose job it runs, or 0
	N     int64         // that job's place in the order of enqueues (from 1), or 0
	Since time.Duration // when it entered Step
	OnCPU bool          // its process is on a core now
}

// JobsSnap is a lane's background jobs at one moment: Redis's list and the
// RQ workers.
type JobsSnap struct {
	Queued   int   // jobs in Redis's list
	Oldest   int64 // the request of the job at the list's head, or 0
	Enqueued int64
	Finished int64
	Workers  []JobWorkerSnap
}

// snapJobs fills js; it leaves Workers empty without background jobs.
func (s *Sim) snapJobs(js *JobsSnap) {
	q := &s.jobs
	js.Queued, js.Enqueued, js.Finished, js.Oldest = q.list.len(), q.enqueued, q.finished, 0
	if q.list.len() > 0 {
		js.Oldest = q.all[*q.list.first()].seq
	}
	js.Workers = js.Workers[:0]
	for i := range q.workers {
		w := &q.workers[i]
		if w.gone {
			continue // a view leaves an exited worker out
		}
		ws := JobWorkerSnap{Busy: w.job >= 0, Step: jobStepNames[w.step], Since: w.since,
			OnCPU: q.procs[i].running >= 0}
		if w.job >= 0 {
			ws.Job, ws.N = q.all[w.job].seq, q.all[w.job].n
		}
		js.Workers = append(js.Workers, ws)
	}
}
