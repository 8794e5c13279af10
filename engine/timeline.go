package engine

import (
	"fmt"
	"strings"
	"time"
)

// Segment is one stretch of a request's life spent in one state.
type Segment struct {
	State      State
	Start, End time.Duration
}

// Timeline is the life of one request, from sent to let go, in segments.
type Timeline struct {
	Seq      int64         // arrival number, from 1
	Client   int           // closed-loop client, or -1
	Worker   int           // worker process that accepted it, or -1
	Sent     time.Duration // when its client sent it
	End      time.Duration // when the server let go of it (or the client, if never accepted)
	Outcome  string        // "ok", or the failure cause; "+ served for nobody" if the server went on after the client left
	Segments []Segment
}

// String renders the timeline in words, one segment a line.
func (t Timeline) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "request %d (client %d, worker %d): sent %v, ended %v, %s\n",
		t.Seq, t.Client, t.Worker, t.Sent, t.End, t.Outcome)
	for _, sg := range t.Segments {
		fmt.Fprintf(&b, "  %10v  %-10s %v\n", sg.Start, sg.State, sg.End-sg.Start)
	}
	return b.String()
}

// timelineRing keeps the timelines of the most recent finished requests.
type timelineRing struct {
	keep     int
	ring     []Timeline
	start, n int
}

// keepRequest keeps r's timeline; the ring must keep some (keep > 0).
func (tr *timelineRing) keepRequest(s *Sim, r *request) {
	if tr.ring == nil {
		tr.ring = make([]Timeline, tr.keep)
	}
	i := (tr.start + tr.n) % tr.keep
	if tr.n == tr.keep {
		tr.start = (tr.start + 1) % tr.keep
	} else {
		tr.n++
	}
	t := &tr.ring[i]
	outcome := "ok"
	if r.failed != noCause {
		outcome = causeNames[r.failed]
		if r.failed == causeClientTimeout && r.accepted >= 0 && r.failedAt < s.now {
			outcome += " + served for nobody"
		}
	}
	*t = Timeline{Seq: r.seq, Client: int(r.client), Worker: int(r.proc), Sent: r.sent, End: s.now,
		Outcome: outcome, Segments: append(t.Segments[:0], r.segs...)}
}

// Timelines returns the kept timelines of finished requests, oldest first.
// It returns nil unless the Sim was made with Options.Timelines > 0.
func (s *Sim) Timelines() []Timeline {
	tr := &s.timelns
	var out []Timeline
	for i := 0; i < tr.n; i++ {
		t := tr.ring[(tr.start+i)%tr.keep]
		t.Segments = append([]Segment(nil), t.Segments...)
		out = append(out, t)
	}
	return out
}
