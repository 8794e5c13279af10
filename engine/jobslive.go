package engine

// Live changes of background (background@T=N): RQ workers are separate
// processes that can be started or stopped at any time. New ones block on
// the queue at once. Fewer: the newest workers get SIGTERM, which rq takes
// as a warm shutdown (rq/worker.py request_stop: "Warm shut down requested"):
// an idle worker exits at once, a busy one after its job. Jobs left in
// Redis's list stay there. Requests enqueue a job while background > 0; from
// a change to 0 on, they make their calls themselves.

// setBackground applies a change of background.
func (s *Sim) setBackground() {
	q := &s.jobs
	active := 0
	for i := range q.workers {
		if w := &q.workers[i]; !w.gone && !w.retiring {
			active++
		}
	}
	if n := s.cfg.rqWorkers(); n > active {
		s.startJobs(n - active)
		return
	}
	for i := len(q.workers) - 1; i >= 0 && active > s.cfg.rqWorkers(); i-- {
		w := &q.workers[i]
		if w.gone || w.retiring {
			continue
		}
		active--
		w.retiring = true
		if w.job < 0 {
			q.idle.remove(int32(i))
			s.jobWorkerExit(int32(i))
		}
	}
}

// jobWorkerExit ends RQ worker wi's process.
func (s *Sim) jobWorkerExit(wi int32) {
	q := &s.jobs
	w := &q.workers[wi]
	w.gone, w.step, w.since = true, jobIdle, s.now
	q.addMemory(-w.rss)
	if w.rss != rqWorkerRSS {
		return
	}
	// The shared pages it counted stay for the workers left: the next one
	// counts them.
	for i := range q.workers {
		if o := &q.workers[i]; !o.gone {
			o.rss += rqWorkerRSS - rqWorkerPrivate
			q.addMemory(rqWorkerRSS - rqWorkerPrivate)
			return
		}
	}
}

// enqueues reports whether the lane's requests enqueue their work now.
func (s *Sim) enqueues() bool { return s.cfg.Background > 0 && s.jobs.python }

// backgroundLive says why a lane of model m cannot take a change of
// background: only a Python app enqueues RQ jobs.
func backgroundLive(m Model) string {
	if !pythonSpec(specOf(m)) {
		return "background applies to " + modelsWhere(pythonSpec) + ": " + m.String() + "'s app is not Python and enqueues no RQ jobs"
	}
	return ""
}
