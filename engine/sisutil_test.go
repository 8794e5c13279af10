package engine

import (
	"strconv"
	"testing"
	"time"
)

// nr_idle_scan (update_idle_cpu_scan): on 2 cores the search looks at both
// cores when they are idle, at one while they are at most 60% busy and at
// none from 61% on; on 8 cores at 50% busy it looks at 5; at 85% busy
// (100/117) it stops on any number of cores.
func TestIdleScan(t *testing.T) {
	for _, c := range []struct {
		cores int
		util  float64
		want  int
	}{{2, 0, 2}, {2, 0.30, 1}, {2, 0.60, 1}, {2, 0.61, 0}, {2, 0.95, 0}, {8, 0.50, 5}, {8, 0.85, 0}, {64, 0.86, 0}} {
		s := NewLane(mustParse(t, "model=sync requests=1 cores="+strconv.Itoa(c.cores)), 0, Options{})
		s.kern.pelt = pelt{util: c.util}
		if got := s.idleScan(); got != c.want {
			t.Errorf("idleScan() on %d cores at %.0f%% busy = %d, want %d", c.cores, 100*c.util, got, c.want)
		}
	}
}

// The cores' utilization is PELT's average: fully busy cores bring it from
// 0 to a half in 32 periods of 1024 µs, and to three quarters in 64; idle
// ones halve it again in as long.
func TestUtilizationHalfLife(t *testing.T) {
	s := NewLane(mustParse(t, "model=sync requests=1 cores=2"), 0, Options{})
	h := 32 * 1024 * time.Microsecond
	for i, want := range []float64{0.5, 0.75, 0.375} {
		s.now += h
		if i < 2 {
			s.m.busy += 2 * h
		}
		if got := s.utilization(); got < want-1e-9 || got > want+1e-9 {
			t.Errorf("after %d half-lives: utilization %.6f, want %.6f", i+1, got, want)
		}
	}
}

// With the cores busy (SIS_UTIL's search off), a process woken while its
// previous core runs another waits for that core though the other one is
// idle: a core that was idle already does not pull it (only the next
// tick's balance will); a core that its process has just left pulls it
// (sched_balance_newidle).
func TestWakeStaysOnBusyCore(t *testing.T) {
	s := NewLane(mustParse(t, "model=sync workers=2 cores=2 requests=1"), 0, Options{})
	s.now = 10 * time.Millisecond
	s.join(1, &s.procs[1].ent, 0)
	s.run(1, &s.procs[1].ent, 0)
	s.procs[0].ent.core = 1 // last ran on core 0, 5 ms ago
	s.procs[0].ent.ranAt = 5 * time.Millisecond
	s.kern.pelt = pelt{at: s.now, ran: s.m.busy + s.cli.cpu, util: 0.9}
	s.wake(0, -1)
	if c := s.procs[0].ent.core - 1; c != 0 {
		t.Fatalf("woke on core %d, want its busy previous core 0: the search for an idle core is off", c)
	}
	s.dispatch()
	if r := s.kern.rqs[0].ready; len(r) != 1 || r[0].pid != 0 {
		t.Errorf("core 0's waiting processes %v, want [0]: idle core 1 pulls nothing", r)
	}
	if s.kern.balAt == maxTime {
		t.Errorf("no balance armed, want the next tick's to pull process 0")
	}
	s.kern.pelt.util = 0.3
	if c := s.wakeCore(0, &entity{core: 1}); c != 1 {
		t.Errorf("at 30%% busy a process whose core is busy woke on core %d, want idle core 1", c)
	}
	s.kern.rqs[1].freedAt = s.now
	s.cfg.NewidleBalance = false
	s.dispatch()
	if r := s.kern.rqs[0].ready; len(r) != 1 {
		t.Errorf("newidle=false: core 0's waiting processes %v, want [0]: core 1, just left, pulls nothing", r)
	}
	s.cfg.NewidleBalance = true
	s.dispatch()
	if r := s.kern.rqs[0].ready; len(r) != 0 {
		t.Errorf("core 0's waiting processes %v, want none: core 1, just left, pulls process 0", r)
	}
}
