package scene

import (
	"fmt"
	"strings"
	"time"

	"playground/engine"
)

// Narrate says in one sentence where the requests of one lane wait and why:
// the line under the picture that a screen reader announces. It reads only
// the snapshot. The numbers in it are exact; the page decides how often to
// show a new sentence.
func Narrate(s *engine.Snapshot) string {
	loopName := "event loop"
	switch s.Model {
	case engine.ModelGevent:
		loopName = "gevent hub"
	case engine.ModelEventlet:
		loopName = "eventlet hub"
	}
	var n [16]int
	for i := range s.Requests {
		n[s.Requests[i].State]++
	}
	threads, loops, blocked, dead := 0, 0, 0, 0
	for _, w := range s.Workers {
		if !w.Alive {
			dead++
			continue
		}
		t := w.Lanes
		if w.Loop {
			loops++
			t--
			if w.Blocked {
				blocked++
			}
		}
		threads += t
	}
	busyThreads := 0
	for i := range s.Requests {
		q := &s.Requests[i]
		if q.Lane >= 0 && !(loops > 0 && q.Lane == 0) {
			busyThreads++
		}
	}
	onIO := "on the upstream" // where a request in StateIO waits
	switch {
	case s.Sleep:
		onIO = "in a sleep"
	case waitsOnRedis(s):
		onIO = "on Redis's reply to their enqueue"
	}
	inFlight := len(s.Requests)
	cpuWait := n[engine.StateWaitGIL] + n[engine.StateWaitCore] + n[engine.StateWaitLoop]

	var parts []string
	add := func(format string, a ...any) { parts = append(parts, fmt.Sprintf(format, a...)) }
	switch {
	case inFlight == 0 && dead == 0 && s.Now < time.Second && s.Jobs.Enqueued == 0:
		return "" // the run is starting: nothing to say yet
	case inFlight == 0 && dead == 0:
		return withJobs("The server is idle: no request is in flight.", s)
	case blocked > 0:
		add("%s blocked by a call that cannot yield: %s wait for it",
			plural(blocked, loopName+" is", loopName+"s are"), plural(n[engine.StateWaitLoop]+n[engine.StateQueued], "request", "requests"))
	case loops > 0 && threads == 0:
		free := "the " + loopName + " is free for others"
		if loops > 1 {
			free = fmt.Sprintf("the %d %ss are free for others", loops, loopName)
		}
		add("%s %s while %s", plural(n[engine.StateIO], "request waits", "requests wait"), onIO, free)
		if n[engine.StateWaitLoop] > 0 {
			add("%s ready for its turn", plural(n[engine.StateWaitLoop], "request is", "requests are"))
		}
	case threads > 0 && busyThreads >= threads:
		all := fmt.Sprintf("All %d threads are", threads)
		switch threads {
		case 1:
			all = "The only thread is"
		case 2:
			all = "Both threads are"
		}
		add("%s busy (%d %s, %d on the CPU or waiting for it)", all, n[engine.StateIO]+n[engine.StateBlocked]+n[engine.StateWaitPool], onIO, busyThreads-n[engine.StateIO]-n[engine.StateBlocked]-n[engine.StateWaitPool])
	case threads > 0:
		add("%d of %d threads are busy", busyThreads, threads)
	}
	if q := n[engine.StateQueued]; q > 0 && blocked == 0 {
		add("%s queue in the workers for a thread", plural(q, "request", "requests"))
	}
	if b := n[engine.StateBacklog]; b > 0 {
		add("%s wait in the kernel's listen queue", plural(b, "connection", "connections"))
	}
	if c := n[engine.StateConnecting]; c > 0 {
		add("the listen queue is full: %s dropped and retried", plural(c, "connection is", "connections are"))
	}
	if g := n[engine.StateWaitGIL]; g > 0 && cpuWait > 0 {
		add("%s for the GIL", plural(g, "thread waits", "threads wait"))
	}
	if c := n[engine.StateWaitCore]; c > 0 {
		add("%s for a free core", plural(c, "thread waits", "threads wait"))
	}
	if p := n[engine.StateWaitPool]; p > 0 {
		add("%s for an upstream connection", plural(p, "request waits", "requests wait"))
	}
	if dead > 0 {
		add("%s restarting", plural(dead, "worker is", "workers are"))
	}
	if len(parts) == 0 {
		return withJobs(fmt.Sprintf("%s in flight.", plural(inFlight, "request", "requests")), s)
	}
	s0 := strings.Join(parts, "; ")
	return withJobs(strings.ToUpper(s0[:1])+s0[1:]+".", s)
}

// waitsOnRedis reports whether every request that waits (StateIO) waits
// for Redis's reply to its job's enqueue, with no upstream call in flight
// (engine/jobsredis.go), and there is at least one.
func waitsOnRedis(s *engine.Snapshot) bool {
	io := 0
	for i := range s.Requests {
		if q := &s.Requests[i]; q.State == engine.StateIO {
			if q.Calls > 0 {
				return false
			}
			io++
		}
	}
	return io > 0
}
