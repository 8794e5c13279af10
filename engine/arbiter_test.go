package engine

import "testing"

// TestArbiterQuietKillsNoOne checks the bound that lets the arbiter's ticks
// skip the heartbeat rules (arbiterQuietUntil): after every event of runs
// that kill workers, recycle them, change them live and hold gevent's loop
// for a kept-alive client, whenever the bound says that no tick could kill,
// no worker's heartbeat rule says it is overdue. It also checks that the
// bound did let ticks skip, and that the runs killed workers.
func TestArbiterQuietKillsNoOne(t *testing.T) {
	for _, text := range []string{
		"model=sync workers=2 io=500ms calls=3 clients=6 timeout=1s duration=60s seed=37",
		"model=sync workers=3 io=1s io-dist=exp calls=2 rate=2 timeout=3s duration=120s seed=5",
		"model=sync workers=4 io=2s io-dist=lognormal rate=1.5 timeout=5s max-requests=7 duration=200s seed=8",
		"model=sync workers=2 io=800ms io-dist=exp clients=4 timeout=2s duration=90s workers@30s=5 workers@70s=1 seed=9",
		"model=gevent workers=2 io=300ms io-dist=exp blocking=true clients=30 timeout=1s duration=30s seed=11",
		"model=gevent workers=2 io=1s io-dist=exp blocking=true clients=3 think=100ms timeout=3s duration=120s seed=12",
		"model=gevent workers=1 io=2s io-dist=exp blocking=true clients=2 timeout=3s duration=300s seed=14",
		"model=gevent workers=2 io=1500ms io-dist=exp blocking=true clients=1 timeout=2s duration=300s seed=15",
		"model=eventlet workers=1 io=1s io-dist=exp blocking=true clients=3 timeout=2s duration=300s seed=16",
		"model=eventlet workers=3 io=700ms io-dist=exp blocking=true rate=3 timeout=2s max-requests=20 duration=120s seed=13",
	} {
		t.Run(text, func(t *testing.T) {
			sc, err := ParseScenario(text)
			if err != nil {
				t.Fatal(err)
			}
			for lane, c := range sc.Lanes {
				s := New(c, Options{})
				quiet := 0
				for s.Step() {
					if s.now >= s.arbiterQuiet || len(s.procs) != s.arbiterProcs {
						continue
					}
					quiet++
					for i := range s.procs {
						p := &s.procs[i]
						if !p.alive {
							continue
						}
						if since := s.sp.heartbeat(s, p); since >= 0 && s.now-since > s.cfg.Timeout {
							t.Fatalf("lane %d at %v: worker %d last notified at %v, more than the timeout %v ago, but the arbiter is quiet until %v",
								lane, s.now, i, since, s.cfg.Timeout, s.arbiterQuiet)
						}
					}
				}
				if r := s.Result(); quiet == 0 || r.WorkerRestarts == 0 {
					t.Errorf("lane %d: %d events in quiet times and %d workers killed, want some of both", lane, quiet, r.WorkerRestarts)
				}
			}
		})
	}
}
