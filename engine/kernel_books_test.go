package engine

import "testing"

// The run queues keep four things beside the queues themselves, so that
// dispatch and pick_eevdf need not scan the cores or the processes: the
// count of waiting processes, the count of cores with two or more runnable
// processes, the count of cores that run nothing (Sim.freeCores), and each
// waiting process's virtual runtime and deadline. After every event of
// runs where processes wait for cores (RQ horses, clients on the server's
// cores, workers recycled by max-requests, live changes of workers), each
// must equal what the queues and the processes say.
func TestKernelBookkeeping(t *testing.T) {
	for _, text := range []string{
		"model=sync workers=12 cores=2 cpu=5ms io=20ms io-dist=exp clients=100 requests=3000",
		"model=sync workers=9 cores=3 cpu=3ms io=10ms clients=60 client-cpu=1ms max-requests=40 max-requests-jitter=10 requests=3000",
		"model=gthread workers=5 threads=4 cores=2 cpu=8ms io=30ms clients=80 background=3 requests=2000",
		"model=gevent workers=6 cores=4 cpu=2ms io=40ms io-dist=lognormal clients=300 requests=4000 workers@2s=2",
	} {
		sc, err := ParseScenario(text)
		if err != nil {
			t.Fatal(err)
		}
		s := New(sc.Lanes[0], Options{})
		waited, crowdedSeen := 0, 0
		for step := 0; s.Step(); step++ {
			k := &s.kern
			waiting, crowded, free := 0, 0, 0
			for c := range k.rqs {
				q := &k.rqs[c]
				waiting += len(q.ready)
				if q.cur == noProc {
					free++
				}
				if q.n >= 2 {
					crowded++
				}
				for _, w := range q.ready {
					if e := &s.cpuProc(w.pid).ent; w.v != e.v || w.dl != e.dl {
						t.Fatalf("%s: step %d: process %d waits on core %d with v %v, dl %v; its entity has v %v, dl %v",
							text, step, w.pid, c, w.v, w.dl, e.v, e.dl)
					}
				}
			}
			if k.waiting != waiting || k.crowded != crowded {
				t.Fatalf("%s: step %d: counted %d waiting and %d crowded cores, the queues hold %d and %d",
					text, step, k.waiting, k.crowded, waiting, crowded)
			}
			if s.freeCores != free {
				t.Fatalf("%s: step %d: %d free cores counted, %d run nothing", text, step, s.freeCores, free)
			}
			if waiting > 0 {
				waited++
			}
			if crowded > 0 {
				crowdedSeen++
			}
		}
		if waited == 0 || crowdedSeen == 0 {
			t.Errorf("%s: no process ever waited for a core (%d steps with one waiting, %d with a crowded core): the check saw nothing",
				text, waited, crowdedSeen)
		}
	}
}
