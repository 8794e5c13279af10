package scene

import (
	"fmt"
	"strings"
	"time"

	"playground/engine"
)

// Narrate says in one sentence where the requests of one lane wait and why:
// the line under the picture that a screen reader announces. It reads only
// the snapshot.
//
// The page shows a new sentence at most every 2 s, while the picture and
// the numbers beside it change four times a second: a count that moves
// with every request (requests queued, connections in the listen queue,
// jobs in Redis's list) would disagree with them within a moment. So the
// sentence names where requests wait and leaves their number to the
// picture and the numbers; the only figures it quotes are the server's
// sizes, which a run keeps (its threads, its RQ workers).
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
	// A worker of one thread (sync, dev) is named as a worker: "Both
	// workers are busy", as the picture's boxes say.
	noun := "worker"
	for _, w := range s.Workers {
		if !w.Alive {
			dead++
			continue
		}
		if w.Loop || w.Lanes != 1 {
			noun = "thread"
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
		// Not "idle": at hundreds of requests a second, each answered in
		// a millisecond, most moments hold none.
		return withJobs("No request is in flight at this moment.", s)
	case blocked > 0:
		add("%s blocked by a call that cannot yield: %s for it",
			some(blocked, "the "+loopName+" is", loopName+"s are"), some(n[engine.StateWaitLoop]+n[engine.StateQueued], "a request waits", "requests wait"))
	case loops > 0 && threads == 0:
		free := "the " + loopName + " is free for others"
		if loops > 1 {
			free = fmt.Sprintf("the %d %ss are free for others", loops, loopName)
		}
		add("%s %s while %s", some(n[engine.StateIO], "a request waits", "requests wait"), onIO, free)
		if n[engine.StateWaitLoop] > 0 {
			add("%s ready for a turn", some(n[engine.StateWaitLoop], "a request is", "requests are"))
		}
	case threads > 0 && busyThreads >= threads:
		all := fmt.Sprintf("All %d %ss are", threads, noun)
		switch threads {
		case 1:
			all = "The only " + noun + " is"
		case 2:
			all = "Both " + noun + "s are"
		}
		waiting := n[engine.StateIO] + n[engine.StateBlocked] + n[engine.StateWaitPool]
		add("%s busy, %s", all, most(waiting, busyThreads, "waiting "+onIO, "on the CPU or waiting for it"))
	case threads > 0:
		add("some of the %s are free", plural(threads, noun, noun+"s"))
	}
	if q := n[engine.StateQueued]; q > 0 && blocked == 0 {
		add("%s in the workers for a thread", some(q, "a request queues", "requests queue"))
	}
	if b := n[engine.StateBacklog]; b > 0 {
		add("%s in the kernel's listen queue", some(b, "a connection waits", "connections wait"))
	}
	if c := n[engine.StateConnecting]; c > 0 {
		add("the listen queue is full: %s dropped and retried", some(c, "a connection is", "connections are"))
	}
	if g := n[engine.StateWaitGIL]; g > 0 && cpuWait > 0 {
		add("%s for the GIL", some(g, "a thread waits", "threads wait"))
	}
	if c := n[engine.StateWaitCore]; c > 0 {
		add("%s for a free core", some(c, "a thread waits", "threads wait"))
	}
	if p := n[engine.StateWaitPool]; p > 0 {
		add("%s for an upstream connection", some(p, "a request waits", "requests wait"))
	}
	if dead > 0 {
		add("%s restarting", some(dead, "a worker is", "workers are"))
	}
	if len(parts) == 0 {
		return withJobs(some(inFlight, "A request is", "Requests are")+" in flight.", s)
	}
	s0 := strings.Join(parts, "; ")
	return withJobs(strings.ToUpper(s0[:1])+s0[1:]+".", s)
}

// some says one or many of a thing without its count, which moves faster
// than the narration is read: "a request waits", "requests wait".
func some(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// most says what k of n busy things mostly do, these or the others:
// "mostly waiting on the upstream". Never "all": a request that computes
// for a few ms would make that untrue before the sentence is read.
func most(k, n int, these, others string) string {
	if 2*k >= n {
		return "mostly " + these
	}
	return "mostly " + others
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
