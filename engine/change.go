package engine

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Change is a live change in a scenario, written KEY@TIME=VALUE: from
// simulated time At on, key Key has the value Values[i] in lane i, taken the
// way the real server takes it (gunicorn's arbiter spawns or retires
// workers; a new upstream latency applies to the calls that start after it).
type Change struct {
	At     time.Duration
	Key    string
	Values []string // one per lane, as canonical scenario text writes them
}

// String encodes the change as scenario text: "workers@10s=4", or a comma
// list when its lanes' values differ.
func (ch Change) String() string {
	v := ch.Values[0]
	if ch.differs() {
		v = strings.Join(ch.Values, ",")
	}
	return ch.name() + "=" + v
}

// differs reports whether the change's lanes take different values.
func (ch Change) differs() bool {
	return slices.ContainsFunc(ch.Values, func(v string) bool { return v != ch.Values[0] })
}

// name is the change's key and time, as errors name it: "workers@10s".
func (ch Change) name() string { return ch.Key + "@" + ch.At.String() }

// Live reports whether a lane of model m can take a change of key k while
// it runs (KEY@TIME=VALUE), and if not, why not, in words that say what the
// real server does instead.
func (k Key) Live(m Model) (bool, string) {
	if k.live == nil {
		return false, notLiveMsg(k.Name)
	}
	why := k.live(m)
	return why == "", why
}

// LiveKeys returns the names of the keys that a lane of model m can change
// while it runs, in the order of Keys.
func LiveKeys(m Model) []string {
	var out []string
	for _, k := range keyTable {
		if ok, _ := k.Live(m); ok {
			out = append(out, k.Name)
		}
	}
	return out
}

// liveKeysText lists every key that some model can change live, naming the
// models when not all of them can: "workers (on sync, gthread and gevent),
// clients, ...".
func liveKeysText() string {
	var out []string
	for _, k := range keyTable {
		if k.live == nil {
			continue
		}
		var on []string
		for _, m := range Models() {
			if k.live(m) == "" {
				on = append(on, m.String())
			}
		}
		if len(on) < len(Models()) {
			out = append(out, k.Name+" (on "+andList(on)+")")
		} else {
			out = append(out, k.Name)
		}
	}
	return strings.Join(out, ", ")
}

// notLiveMsg says why key name cannot change while a run goes on.
func notLiveMsg(name string) string {
	return name + " cannot change while the server runs: the server (or the run) reads it once, at the start. " +
		"gunicorn re-reads its settings only on HUP, which replaces every worker " +
		"(gunicorn/arbiter.py:245-252, 431-485), and the engine does not model that reload; " +
		"start the run again with the new value. Keys that can change live: " + liveKeysText()
}

// liveFor makes k a key that can change live on the models for which why
// returns ""; effect, if not nil, makes a Sim act on the new value the
// moment it applies (otherwise the value is read where it is next used).
func (k Key) liveFor(why func(Model) string, effect func(*Sim)) Key {
	k.live, k.effect = why, effect
	return k
}

// liveAll makes k a key that every model can change live.
func (k Key) liveAll(effect func(*Sim)) Key {
	return k.liveFor(func(Model) string { return "" }, effect)
}

// liveOnlyIn restricts which lanes act on a change of k (a change of
// clients means something only to closed-loop clients); who names them.
func (k Key) liveOnlyIn(lane func(*Config) bool, who string) Key {
	k.liveLane, k.liveLaneTo = lane, who
	return k
}

// takeChange checks a change of k to value in the lane whose scenario
// config is c. It returns the value as canonical text and whether the lane
// acts on it; refused says why the lane's model cannot take it although the
// lane ignores the key anyway; msg says what is wrong, if anything.
func (k *Key) takeChange(c *Config, value string) (canon string, use bool, refused, msg string) {
	if k.live == nil {
		return "", false, "", notLiveMsg(k.Name)
	}
	cp := *c
	if err := k.set(&cp, value); err != nil {
		msg := err.Error()
		if value == "" {
			msg = "the value is empty; " + msg
		}
		return "", false, "", msg
	}
	if k.liveLane != nil {
		use = k.liveLane(c)
	} else {
		use = k.applies == nil || k.applies(c)
	}
	if why := k.live(c.Model); why != "" {
		if use {
			return "", false, "", why
		}
		refused = why
	}
	return k.get(&cp), use, refused, ""
}

// usedBy names the lanes that act on a change of k, for "does nothing here".
func (k *Key) usedBy() string {
	if k.liveLane != nil {
		return k.liveLaneTo
	}
	return k.appliesTo
}

// parseAt parses the TIME of KEY@TIME; the run's duration, if it has one,
// bounds it.
func parseAt(text string, duration time.Duration) (time.Duration, string) {
	allowed := "allowed: a time of 0s or more, written like 10s, 1.5s or 250ms"
	if duration > 0 {
		allowed = fmt.Sprintf("allowed: a time from 0s to the run's duration, %v, written like 10s, 1.5s or 250ms", duration)
	}
	at, err := time.ParseDuration(text)
	switch {
	case err != nil:
		return 0, fmt.Sprintf("the time %q is not a duration; %s", text, allowed)
	case at < 0:
		return 0, fmt.Sprintf("the time %v is before the start; %s", at, allowed)
	case duration > 0 && at > duration:
		return 0, fmt.Sprintf("the time %v is after the end of the run (duration=%v); %s", at, duration, allowed)
	}
	return at, ""
}

// checkChanges checks every change against every lane, puts each value in
// canonical text and sorts the changes into time order (ties in key order,
// in the order given).
func (sc *Scenario) checkChanges() error {
	for ci := range sc.Changes {
		ch := &sc.Changes[ci]
		k := &keyTable[keyIndex(ch.Key)]
		used, refused := false, ""
		for i := range sc.Lanes {
			canon, use, why, msg := k.takeChange(&sc.Lanes[i], ch.Values[i])
			if msg != "" {
				return &ScenarioError{Key: ch.name(), Value: ch.Values[i], Msg: msg}
			}
			ch.Values[i] = canon
			used = used || use
			if refused == "" {
				refused = why
			}
		}
		if !used {
			msg := refused
			if msg == "" {
				msg = "does nothing here; it applies to " + k.usedBy()
			}
			return &ScenarioError{Key: ch.name(), Value: strings.Join(ch.Values, ","), Msg: msg}
		}
	}
	slices.SortStableFunc(sc.Changes, func(a, b Change) int {
		if a.At != b.At {
			return compareDur(a.At, b.At)
		}
		return keyIndex(a.Key) - keyIndex(b.Key)
	})
	return nil
}

func compareDur(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// AddChange appends the live change KEY@AT=VALUE to the scenario, checked
// as ParseScenario checks one written in its text, and keeps the changes in
// time order (a change at the same time as others of its key goes after
// them). In a comparison, value may be a comma list with one value per
// lane. The scenario must come from ParseScenario; on an error it is left
// as it was, and the error is a *ScenarioError that names the pair.
func (sc *Scenario) AddChange(key string, at time.Duration, value string) error {
	name := key + "@" + at.String()
	if strings.ContainsAny(key+value, " \t\r\n&=@") {
		return &ScenarioError{Key: name, Value: value, Msg: "a key or value may not hold spaces, '&', '=' or '@'"}
	}
	next, err := ParseScenario(sc.String() + " " + name + "=" + value)
	if err != nil {
		return err
	}
	*sc = next
	return nil
}
