package engine

import (
	"slices"
	"time"
)

// Live changes on a running Sim. A change at time T applies after every
// event at or before T, so that a change added while the run is paused at T
// gives the same run as the same change read from scenario text and
// replayed from 0.

// laneChange is one live change of one lane.
type laneChange struct {
	at    time.Duration
	key   int // index in keyTable
	value string
}

// NewLane builds a simulation of lane i of sc, with the live changes that
// the lane acts on. It panics, as New does, on a scenario that
// ParseScenario would not give, and on a sweep, whose points run one by one
// (NewLane(sc.Point(j), 0, opt)).
func NewLane(sc Scenario, i int, opt Options) *Sim {
	if sc.Sweep != nil {
		panic("engine: NewLane of a sweep (" + sc.Sweep.Key + "=" + sc.Sweep.Range + "); run its points: NewLane(sc.Point(j), 0, opt)")
	}
	s := New(sc.Lanes[i], opt)
	for _, ch := range sc.Changes {
		k := keyIndex(ch.Key)
		if k < 0 {
			panic("engine: unknown key in a change: " + ch.Key)
		}
		value, use, _, msg := keyTable[k].takeChange(&s.base, ch.Values[i])
		if msg != "" {
			panic("engine: " + ch.name() + ": " + msg)
		}
		if use {
			s.changes = append(s.changes, laneChange{at: ch.At, key: k, value: value})
		}
	}
	return s
}

// Change schedules the live change KEY@AT=VALUE in this lane, checked as
// ParseScenario checks one written in scenario text, so that a view can
// change a running server: the change applies at AT, after the events of
// that moment, on the next Step, RunUntil or Advance. AT must not be before
// Now, nor after the run's duration if it has one; a change at Now whose
// key comes before one already applied at Now is refused (it would apply in
// another order when the run is replayed from its scenario text). The
// error is a *ScenarioError that names the pair.
func (s *Sim) Change(at time.Duration, key, value string) error {
	name := key + "@" + at.String()
	fail := func(msg string) error { return &ScenarioError{Key: name, Value: value, Msg: msg} }
	k := keyIndex(key)
	if k < 0 {
		return fail(unknownKeyMsg(key))
	}
	canon, use, refused, msg := keyTable[k].takeChange(&s.base, value)
	switch {
	case msg != "":
		return fail(msg)
	case refused != "":
		return fail(refused)
	case !use:
		return fail("does nothing here; it applies to " + keyTable[k].usedBy())
	}
	if _, msg := parseAt(at.String(), s.base.Duration); msg != "" {
		return fail(msg)
	}
	if s.ended {
		return fail("the run has ended, at " + s.now.String())
	}
	if at < s.now {
		return fail("the run is at " + s.now.String() + " already; a change cannot apply in the past")
	}
	ch := laneChange{at: at, key: k, value: canon}
	pos := len(s.changes)
	for pos > 0 && (s.changes[pos-1].at > at || s.changes[pos-1].at == at && s.changes[pos-1].key > k) {
		pos--
	}
	if pos < s.nextChange {
		return fail("a change of a later key at " + at.String() + " has already applied; give this one a later time")
	}
	s.changes = slices.Insert(s.changes, pos, ch)
	return nil
}

// Takes reports whether this lane acts on a change of key while it runs:
// its model can change the key live, and the lane uses the key (a change of
// clients means nothing to a lane with rate). In a comparison, a view calls
// Change on the lanes that take the key; Scenario.AddChange checks that one
// does.
func (s *Sim) Takes(key string) bool {
	k := keyIndex(key)
	if k < 0 {
		return false
	}
	_, use, _, msg := keyTable[k].takeChange(&s.base, keyTable[k].get(&s.base))
	return use && msg == ""
}

// Scenario returns the lane's scenario: its scenario's config, and the
// live changes it acts on (those given to NewLane and Change), applied or
// not yet.
func (s *Sim) Scenario() Scenario {
	sc := Scenario{Lanes: []Config{s.base}}
	for _, ch := range s.changes {
		sc.Changes = append(sc.Changes, Change{At: ch.at, Key: keyTable[ch.key].Name, Values: []string{ch.value}})
	}
	return sc
}

// dueChange returns the next live change if it comes before the next event
// (a change applies after the events of its moment), or nil.
func (s *Sim) dueChange() *laneChange {
	if s.nextChange == len(s.changes) {
		return nil
	}
	ch := &s.changes[s.nextChange]
	if s.q.len() > 0 && s.q.peek().at <= ch.at {
		return nil
	}
	return ch
}

// applyChange sets the lane's config to the change's value and lets the
// key's effect act on it.
func (s *Sim) applyChange(ch *laneChange) {
	s.nextChange++
	k := &keyTable[ch.key]
	if err := k.set(&s.cfg, ch.value); err != nil {
		panic("engine: a checked change does not apply: " + err.Error())
	}
	if k.effect != nil {
		k.effect(s)
	}
	if s.trafficOver() {
		s.ended = true
	}
}

// setClients is a change of clients: new clients join now; when there are
// fewer, the clients beyond the number send no new request (each finishes
// the one it has in flight).
func (s *Sim) setClients() {
	t := &s.traffic
	n := s.cfg.Clients
	for i := t.active; i < n; i++ {
		if i == len(t.clients) {
			t.clients = append(t.clients, client{})
		}
		if cl := &t.clients[i]; !cl.busy {
			cl.busy = true
			t.sendAfter(s, int32(i), 0)
		}
	}
	for i := n; i < t.active; i++ {
		t.clients[i].busy = true // it has a request in flight, or its next one due
	}
	t.active = n
}

// shown returns how many closed-loop clients a view draws: those that
// send, and any beyond them that still have a request in flight.
func (t *traffic) shown() int {
	for i := len(t.clients) - 1; i >= t.active; i-- {
		if t.clients[i].busy {
			return i + 1
		}
	}
	return t.active
}

// setRate is a change of rate: the next open-loop arrival is drawn afresh
// at the new rate (a Poisson process has no memory), and the one that was
// due is cancelled.
func (s *Sim) setRate() {
	t := &s.traffic
	t.rateGen++
	if s.cfg.Rate > 0 {
		s.after(t.interArrival(s.cfg.Rate), evArrive, -1, t.rateGen)
	}
}
