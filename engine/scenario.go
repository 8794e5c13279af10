package engine

import (
	"fmt"
	"strings"
)

// MaxLanes is the most lanes a comparison may have.
const MaxLanes = 8

// Scenario is parsed scenario text: one Config per lane, the live changes,
// and the range of a sweep. A scenario without a comma list has one lane; a
// comparison has one lane per listed value, and all its lanes share the
// seed and so the traffic.
type Scenario struct {
	Lanes []Config
	// Changes are the live changes (KEY@TIME=VALUE), in time order, ties
	// in key order; AddChange adds one.
	Changes []Change
	// Sweep is the range (KEY=A..B), or nil. A sweep is not run lane by
	// lane but point by point (Points, Point); its Lanes hold the range's
	// first value.
	Sweep *Sweep
}

// ScenarioError is a problem with scenario text. It names the key and value
// at fault and says what is allowed.
type ScenarioError struct {
	Key   string // the key at fault ("workers", or "workers@10s" for a live change), or "" when the problem is not one key's
	Value string // the value at fault, if any
	Msg   string // what is wrong and what is allowed
}

func (e *ScenarioError) Error() string {
	switch {
	case e.Key == "":
		return "scenario: " + e.Msg
	case e.Value == "":
		return fmt.Sprintf("scenario: %s: %s", e.Key, e.Msg)
	}
	return fmt.Sprintf("scenario: %s=%s: %s", e.Key, e.Value, e.Msg)
}

// ParseScenario parses scenario text: key=value pairs separated by spaces,
// newlines or '&' (so a URL query string is a scenario), live changes
// written KEY@TIME=VALUE (workers@10s=4: from simulated second 10 on), and
// at most one range, KEY=A..B or KEY=A..B/STEP, that makes the scenario a
// sweep (see Sweep), with an optional goal, target=p99<300ms (see Target).
// Parsing is strict: an unknown key, a repeated key, a bad value, an
// out-of-range number, a value that no lane's model can use, a bad time, a
// key that cannot change live, or a bad range or goal is a *ScenarioError;
// a sweep is checked at every one of its points.
func ParseScenario(text string) (Scenario, error) {
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '&'
	})
	var p parsed
	seen := make([]bool, len(keyTable))
	p.lanes = 1
	var target *Target
	ranged := -1 // the index in p.pairs of the pair with a range
	var rangeText string
	for _, f := range fields {
		name, value, ok := strings.Cut(f, "=")
		if !ok {
			return Scenario{}, &ScenarioError{Msg: fmt.Sprintf("%q is not key=value", f)}
		}
		keyName, atText, change := strings.Cut(name, "@")
		if keyName == targetKey {
			t, err := parseTargetPair(name, value, change, target != nil)
			if err != nil {
				return Scenario{}, err
			}
			target = t
			continue
		}
		idx := keyIndex(keyName)
		if idx < 0 {
			return Scenario{}, &ScenarioError{Key: name, Value: value, Msg: unknownKeyMsg(keyName)}
		}
		k := &keyTable[idx]
		if !change {
			if seen[idx] {
				return Scenario{}, &ScenarioError{Key: name, Msg: "given twice; give each key once (a comma list compares values; KEY@TIME=VALUE changes it during the run)"}
			}
			seen[idx] = true
		}
		values := strings.Split(value, ",")
		if strings.Contains(value, "..") {
			switch {
			case change:
				return Scenario{}, &ScenarioError{Key: name, Value: value,
					Msg: "a live change takes one value (or a comma list, one per lane); a range KEY=A..B goes on a key without @TIME, and the changes apply at every point of the sweep"}
			case len(values) > 1:
				return Scenario{}, &ScenarioError{Key: name, Value: value,
					Msg: "a range cannot be part of a comma list; sweep the key with KEY=A..B and compare lanes with comma lists on other keys"}
			case ranged >= 0:
				return Scenario{}, &ScenarioError{Key: name, Value: value,
					Msg: fmt.Sprintf("%s has a range already (%s=%s); a sweep has one range: sweep one key and compare the others with comma lists",
						p.pairs[ranged].key.Name, p.pairs[ranged].key.Name, rangeText)}
			}
			ranged, rangeText = len(p.pairs), value
		} else if len(values) > 1 {
			if k.single {
				return Scenario{}, &ScenarioError{Key: name, Value: value,
					Msg: "takes one value; the lanes of a comparison share it"}
			}
			if len(values) > MaxLanes {
				return Scenario{}, &ScenarioError{Key: name, Value: value,
					Msg: fmt.Sprintf("lists %d values; a comparison has at most %d lanes", len(values), MaxLanes)}
			}
			if p.lanes > 1 && len(values) != p.lanes {
				return Scenario{}, &ScenarioError{Key: name, Value: value,
					Msg: fmt.Sprintf("lists %d values but %s lists %d; lists pair up lane by lane, so give them the same length", len(values), p.listKey, p.lanes)}
			}
			p.lanes, p.listKey = len(values), name
		}
		p.pairs = append(p.pairs, pair{key: k, values: values, change: change, at: atText})
	}
	if ranged < 0 {
		if target != nil {
			return Scenario{}, &ScenarioError{Key: targetKey, Value: target.String(),
				Msg: "a goal marks the cheapest point of a sweep; give one key a range too, like workers=1..32"}
		}
		return p.build()
	}
	return p.buildSweep(ranged, rangeText, target)
}

// targetKey is the goal of a sweep: a key of the scenario text, not of a
// lane (see Target).
const targetKey = "target"

// parseTargetPair parses target=VALUE, written name=value.
func parseTargetPair(name, value string, change, again bool) (*Target, error) {
	switch {
	case change:
		return nil, &ScenarioError{Key: name, Value: value, Msg: "a goal is not part of the run and cannot change during it; write target=" + value}
	case again:
		return nil, &ScenarioError{Key: name, Msg: "given twice; a sweep has one goal"}
	}
	t, msg := parseTarget(value)
	if msg != "" {
		return nil, &ScenarioError{Key: name, Value: value, Msg: msg}
	}
	return t, nil
}

// pair is one key=value or KEY@TIME=VALUE of scenario text.
type pair struct {
	key    *Key
	values []string
	change bool
	at     string // a change's TIME, checked once the duration is known
}

// parsed is scenario text split into pairs, before the lanes are built.
type parsed struct {
	pairs   []pair
	lanes   int
	listKey string // the last key with a comma list
}

// buildSweep builds the sweep whose range is the value of pair ranged, and
// checks each of its points as a scenario of its own. The scenario's lanes
// take the first value.
func (p *parsed) buildSweep(ranged int, text string, target *Target) (Scenario, error) {
	k := p.pairs[ranged].key
	sw, msg := k.parseRange(text, p.lanes)
	if msg != "" {
		return Scenario{}, &ScenarioError{Key: k.Name, Value: text, Msg: msg}
	}
	sw.Target = target
	var first Scenario
	for j, v := range sw.Values {
		p.pairs[ranged].values = []string{v}
		sc, err := p.build()
		if err != nil {
			return Scenario{}, err
		}
		if j == 0 {
			first = sc
		}
		// A point must run as written: clients=0 would give the lane the default clients.
		for i := range sc.Lanes {
			want := first.Lanes[i]
			err := k.set(&want, v)
			want.settleThreads()
			if err != nil || want != sc.Lanes[i] {
				return Scenario{}, &ScenarioError{Key: k.Name, Value: text,
					Msg: fmt.Sprintf("at %s=%s the lane would not run as written (it would take %s=%s); start the range where the value holds",
						k.Name, v, k.Name, k.get(&sc.Lanes[i]))}
			}
		}
	}
	first.Sweep = sw
	return first, nil
}

// build builds the lanes and the live changes from the pairs, and checks
// them.
func (in *parsed) build() (Scenario, error) {
	pairs, lanes, listKey := in.pairs, in.lanes, in.listKey
	sc := Scenario{Lanes: make([]Config, lanes)}
	for i := range sc.Lanes {
		c := DefaultConfig()
		c.Clients = 0 // set below unless rate or burst is given
		for _, p := range pairs {
			if p.change {
				continue
			}
			v := p.values[0]
			if len(p.values) > 1 {
				v = p.values[i]
			}
			if err := p.key.set(&c, v); err != nil {
				msg := err.Error()
				if v == "" {
					msg = "the value is empty; " + msg
				}
				return Scenario{}, &ScenarioError{Key: p.key.Name, Value: v, Msg: msg}
			}
		}
		sc.Lanes[i] = c
	}
	for _, p := range pairs {
		if !p.change {
			continue
		}
		at, msg := parseAt(p.at, sc.Lanes[0].Duration) // duration is one value for every lane
		if msg != "" {
			return Scenario{}, &ScenarioError{Key: p.key.Name + "@" + p.at, Value: strings.Join(p.values, ","), Msg: msg}
		}
		ch := Change{At: at, Key: p.key.Name, Values: make([]string, lanes)}
		for i := range ch.Values {
			ch.Values[i] = p.values[0]
			if len(p.values) > 1 {
				ch.Values[i] = p.values[i]
			}
		}
		sc.Changes = append(sc.Changes, ch)
	}
	for i := range sc.Lanes {
		if err := sc.Lanes[i].settleTraffic(); err != nil {
			return Scenario{}, err
		}
		sc.Lanes[i].settleThreads()
		if err := sc.Lanes[i].checkClient(); err != nil {
			return Scenario{}, err
		}
	}
	if err := sc.checkChanges(); err != nil {
		return Scenario{}, err
	}
	if lanes > 1 && sc.allLanesEqual() {
		return Scenario{}, &ScenarioError{Key: listKey, Msg: "the comma lists give lanes that are all the same; a comparison needs lanes that differ"}
	}
	if err := sc.checkApplies(); err != nil {
		return Scenario{}, err
	}
	return sc, nil
}

func (sc *Scenario) allLanesEqual() bool {
	for _, c := range sc.Lanes[1:] {
		if c != sc.Lanes[0] {
			return false
		}
	}
	for _, ch := range sc.Changes {
		for _, v := range ch.Values[1:] {
			if v != ch.Values[0] {
				return false
			}
		}
	}
	return true
}

// settleTraffic checks that a lane has one kind of traffic, and gives it the
// default (closed-loop clients) when none was named.
func (c *Config) settleTraffic() error {
	n := 0
	for _, set := range []bool{c.Clients > 0, c.Rate > 0, c.Burst > 0} {
		if set {
			n++
		}
	}
	if n > 1 {
		return &ScenarioError{Msg: "clients, rate and burst are three kinds of traffic; give one of them"}
	}
	if n == 0 {
		c.Clients = DefaultConfig().Clients
	}
	return nil
}

// checkApplies rejects a value that differs from the default on a key that
// no lane uses, such as threads=4 on sync workers: it would do nothing, and a
// reader would think it did something.
func (sc *Scenario) checkApplies() error {
	def := DefaultConfig()
	for _, k := range keyTable {
		if k.applies == nil {
			continue
		}
		used, changed := false, ""
		for i := range sc.Lanes {
			c := &sc.Lanes[i]
			if k.applies(c) {
				used = true
			}
			if !k.isDefault(c, &def) && changed == "" {
				changed = k.get(c)
			}
		}
		if changed != "" && !used {
			return &ScenarioError{Key: k.Name, Value: changed, Msg: "does nothing here; it applies to " + k.appliesTo}
		}
	}
	return nil
}

// Ignored lists the keys of this lane whose non-default values it does not
// use (another lane of its comparison does), with who they apply to.
func (c *Config) Ignored() []string {
	def := DefaultConfig()
	var out []string
	for _, k := range keyTable {
		if k.applies != nil && !k.applies(c) && !k.isDefault(c, &def) {
			out = append(out, k.Name+" (applies to "+k.appliesTo+")")
		}
	}
	return out
}

// String encodes the scenario as canonical text: model first, then every key
// whose value differs from the default, in the order of Keys, then a
// sweep's goal, then the live changes in time order (ties in key order); a
// key or change whose lanes differ carries a comma list, and a swept key its
// range. ParseScenario(s.String()) gives s back.
func (sc Scenario) String() string {
	def := DefaultConfig()
	var b strings.Builder
	for _, k := range keyTable {
		vals := make([]string, len(sc.Lanes))
		same, isDefault := true, true
		for i := range sc.Lanes {
			vals[i] = k.get(&sc.Lanes[i])
			same = same && vals[i] == vals[0]
			// clients=0 only says that the lane has rate or burst traffic,
			// which parsing works out again.
			isDefault = isDefault && (k.isDefault(&sc.Lanes[i], &def) || k.Name == "clients" && vals[i] == "0")
		}
		swept := sc.Sweep != nil && sc.Sweep.Key == k.Name
		if isDefault && k.Name != "model" && !swept {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k.Name)
		b.WriteByte('=')
		if swept {
			b.WriteString(sc.Sweep.Range)
		} else if same {
			b.WriteString(vals[0])
		} else {
			b.WriteString(strings.Join(vals, ","))
		}
	}
	if sc.Sweep != nil && sc.Sweep.Target != nil {
		b.WriteString(" " + targetKey + "=" + sc.Sweep.Target.String())
	}
	for _, ch := range sc.Changes {
		b.WriteByte(' ')
		b.WriteString(ch.String())
	}
	return b.String()
}

// LaneLabels names each lane by the keys whose values set it apart, such as
// "model=gevent threads=1"; a scenario with one lane gets its model's name.
func (sc Scenario) LaneLabels() []string {
	labels := make([]string, len(sc.Lanes))
	if len(sc.Lanes) == 1 {
		labels[0] = "model=" + sc.Lanes[0].Model.String()
		return labels
	}
	def := DefaultConfig()
	for _, k := range keyTable {
		first := k.get(&sc.Lanes[0])
		differ, set := false, false
		for i := range sc.Lanes {
			differ = differ || k.get(&sc.Lanes[i]) != first
			set = set || !k.isDefault(&sc.Lanes[i], &def)
		}
		// Lanes that differ only by their models' defaults (fastapi's 40
		// threads against gthread's 1) are told apart by their models.
		if !differ || !set {
			continue
		}
		for i := range sc.Lanes {
			labels[i] = addLabel(labels[i], k.Name, k.get(&sc.Lanes[i]))
		}
	}
	for _, ch := range sc.Changes {
		if !ch.differs() {
			continue
		}
		for i, v := range ch.Values {
			labels[i] = addLabel(labels[i], ch.name(), v)
		}
	}
	return labels
}

// addLabel appends name=value to a lane's label.
func addLabel(label, name, value string) string {
	if label != "" {
		label += " "
	}
	return label + name + "=" + value
}

// String encodes one lane as canonical scenario text.
func (c Config) String() string { return Scenario{Lanes: []Config{c}}.String() }

func keyIndex(name string) int {
	for i := range keyTable {
		if keyTable[i].Name == name {
			return i
		}
	}
	return -1
}

// unknownKeyMsg names the closest key, if one is close, and lists them all.
func unknownKeyMsg(name string) string {
	names := make([]string, len(keyTable))
	best, bestDist := "", 3
	for i, k := range keyTable {
		names[i] = k.Name
		if d := editDistance(name, k.Name); d < bestDist {
			best, bestDist = k.Name, d
		}
	}
	if d := editDistance(name, targetKey); d < bestDist {
		best = targetKey
	}
	msg := "unknown key"
	if best != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", best)
	}
	return msg + "; keys: " + strings.Join(names, ", ") + "; and a sweep's goal, " + targetKey + "=p99<300ms"
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
