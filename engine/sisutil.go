package engine

import (
	"math"
	"time"
)

// How far a woken process looks for an idle core: SIS_UTIL, a scheduler
// feature on by default since Linux 6.0 (kernel/sched/fair.c of 6.18,
// update_idle_cpu_scan and select_idle_cpu). When a woken process's own
// core and the core its waker picked are busy, select_idle_sibling searches
// the cache domain (every core here) for an idle one, but only as many
// cores as nr_idle_scan says, and none when it is 0. Periodic balancing
// sets nr_idle_scan from the domain's summed utilization (the PELT
// averages of the cores, util_avg, whose half-life is 32 ms):
//
//	x = sum_util / cores (in 1024ths of a core)
//	y = 1024 - min(1024, x*x*pct*pct / (10000*1024)), pct = imbalance_pct 117
//	nr_idle_scan = cores*y / 1024
//
// so the search shrinks as the cores fill and stops at 85% (100/117) busy;
// on 2 cores it looks at the other core only while they are at most 60%
// busy (x*117/100 <= 1/sqrt(2)). Above that a woken process stays on its
// busy core, or the waker's, and waits its turn there while the other core
// idles, until a balance pulls it (kernel.go): on the calibration machine
// (2 vCPUs, 2026-12-02, ftrace's sched_wakeup and sched_switch around 4
// processes that each spin 2 ms of CPU and sleep 2 ms, scripts/measure/
// wakeplace.py) 86 of 96 wake-ups that found their previous core busy and
// the other one idle stayed on the busy one and waited for it (p50 0.8 ms,
// p90 1.6 ms), and 104 times a core went idle while two of them were
// runnable on the other, it pulled one 16 times. Other jobs at nice 19 kept
// the cores' utilization high, so these figures say what happens at high
// utilization, not where the search stops. In the real sync-4w-2ms row
// (loaded) the 4 workers migrated 176 times in 4,996 requests.
//
// Two pieces make this in the engine: the search's limit (idleScan), and
// that only a core its process has just left balances (newlyIdle): an idle
// core halts, and a wake-up queued on another core does not wake it; the
// busy core's next tick does (nohz_balancer_kick, kernel.go armBalance).
// Together they take sync-4w-2ms from 784.0 to 775.8 requests a second;
// the real ones did 594-777 in 8 quiet runs, with 0.4 of the 2 cores idle.
//
// The engine keeps the utilization as PELT does, a geometric average of
// the cores' busy time that halves every 32 ms (32 periods of 1024 µs), of
// the CPU the cores have run (the server's and the clients', counted as
// each slice ends), and brings it up to date when a wake-up asks, rather
// than at each balance: it changes little in between. Not modelled:
// select_idle_sibling's recent_used_cpu, which sends a process back to the
// core of its wake-up before last when that one is idle, past SIS_UTIL's
// limit (after a migration, the core it came from); and the scan starting
// after the waker's core rather than the previous one on more than 2 cores.

// pelt is the state of the cores' utilization average.
type pelt struct {
	at   time.Duration // when util was last brought up to date
	ran  time.Duration // the CPU the cores had run then
	util float64       // the cores' average busy fraction, 0..1
}

// peltHalfLife is PELT's half-life: 32 periods of 1024 µs.
const peltHalfLife = 32 * 1024 * time.Microsecond

// sisPct is the cache domain's imbalance_pct, which sets where the search
// stops.
const sisPct = 117

// utilization brings the cores' average busy fraction up to now and
// returns it.
func (s *Sim) utilization() float64 {
	p := &s.kern.pelt
	if d := s.now - p.at; d > 0 {
		ran := s.m.busy + s.cli.cpu
		frac := min(float64(ran-p.ran)/(float64(d)*float64(s.cores)), 1)
		keep := detExp(-math.Ln2 * float64(d) / float64(peltHalfLife))
		p.util = float64(p.util*keep) + float64(frac*(1-keep))
		p.at, p.ran = s.now, ran
	}
	return p.util
}

// idleScan returns nr_idle_scan: how many cores a woken process's search
// for an idle core may look at now.
func (s *Sim) idleScan() int {
	x := int64(s.utilization() * 1024)
	t := min(x*x*sisPct*sisPct/(10000*1024), 1024)
	return int(int64(s.cores) * (1024 - t) / 1024)
}

// idleCore returns an idle core for a process woken while its previous
// core, prev, is busy: the first idle one of the cores after prev, as many
// as idleScan allows (all of them for a process that has not run yet), or
// -1.
func (s *Sim) idleCore(prev int) int {
	k := &s.kern
	n := len(k.rqs)
	if s.freeCores == 0 {
		return -1
	}
	if prev >= 0 {
		n = min(n, s.idleScan())
	}
	for i := 1; i <= n; i++ {
		if c := (prev + i) % len(k.rqs); k.rqs[c].idle() {
			return c
		}
	}
	return -1
}

// newlyIdle reports whether core c, free, has just been left by its
// process, so that it balances as it goes idle (sched_balance_newidle) and
// may pull a process that waits elsewhere. With newidle=false it never
// does: on the calibration machine, in a traced run of sync-4w-2ms
// (2026-12-02 16:44 UTC, other jobs at nice 19 on 0.6 cores), a core went
// idle 456 times while two or more workers were runnable on the other and
// pulled one 18 times (scripts/measure/wakeplace.py); whether its kernel's
// newly-idle balance gives up for its cost (avg_idle against
// max_newidle_lb_cost) or for the vendor's vCPU packing is not known, so
// the harness sets it (calibrate.WithClient) and the default stays Linux's. A core that was idle already
// halts and pulls nothing until a balance wakes it (the busy core's tick
// kicks it, kernel.go armBalance): a process woken onto a busy core while
// it idles waits there.
func (s *Sim) newlyIdle(c int) bool {
	return s.cfg.NewidleBalance && s.kern.rqs[c].freedAt == s.now
}
