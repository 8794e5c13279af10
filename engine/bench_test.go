package engine

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkMillionRequests is the large run: 1,000,000 requests from
// 500 clients on gthread 4x8. It reports simulated requests per second of
// wall time (req/s) and the bytes allocated per simulated request.
func BenchmarkMillionRequests(b *testing.B) {
	benchScenario(b, "model=gthread workers=4 threads=8 io=100ms io-dist=exp clients=500 requests=1000000")
}

// BenchmarkKeepalive is a closed loop of 1,000 clients that keep their
// connections alive, on gthread 4x8.
func BenchmarkKeepalive(b *testing.B) {
	benchScenario(b, "model=gthread workers=4 threads=8 io=100ms io-dist=exp clients=1000 requests=300000")
}

// mmcScenario is the M/M/c model of BenchmarkMMc, of scripts/bench/simpy_mmc.py
// and of floorMMc: Poisson arrivals at 2.4/s, 3 sync workers on 3 cores, an
// exponential upstream call of mean 1s (plus the worker's 2.047ms of CPU).
// The call comes back exactly when drawn (io-late=0s, not the default
// 300µs of lateness), so that the service time is the floor's and SimPy's.
const mmcScenario = "model=sync workers=3 cores=3 rate=2.4 io=1s io-dist=exp io-late=0s requests=%d"

// mmcRequests is how many requests each side simulates per op: few, so
// that the sides take turns often and a burst of load from elsewhere falls
// on both.
const mmcRequests = 50000

// BenchmarkMMc runs the engine and the floor (floorMMc) on the same M/M/c
// model, one after the other in each op, so that load from elsewhere falls
// on both alike. It reports each one's simulated requests per second of wall
// time (req/s for the engine, floor-req/s) and the engine's fraction of the
// floor (of-floor).
func BenchmarkMMc(b *testing.B) {
	sc, err := ParseScenario(fmt.Sprintf(mmcScenario, mmcRequests))
	if err != nil {
		b.Fatal(err)
	}
	cpu := serverCPU(ModelSync)
	var engine, floor time.Duration
	var done int64
	for b.Loop() {
		t0 := time.Now()
		r := New(sc.Lanes[0], Options{}).Run()
		t1 := time.Now()
		floorMMc(mmcRequests, 3, 2.4, cpu, time.Second, 1)
		engine += t1.Sub(t0)
		floor += time.Since(t1)
		done += r.Completed + r.Failed.Total()
	}
	n := float64(b.N * mmcRequests)
	b.ReportMetric(float64(done)/engine.Seconds(), "req/s")
	b.ReportMetric(n/floor.Seconds(), "floor-req/s")
	b.ReportMetric(floor.Seconds()/engine.Seconds(), "of-floor")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkMMcAlone runs the engine (engine) or the floor (floor) alone on
// BenchmarkMMc's model, mmcRequests requests per op, for tools that count
// what one side does, such as scripts/bench/instructions.
func BenchmarkMMcAlone(b *testing.B) {
	sc, err := ParseScenario(fmt.Sprintf(mmcScenario, mmcRequests))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("engine", func(b *testing.B) {
		for b.Loop() {
			New(sc.Lanes[0], Options{}).Run()
		}
	})
	b.Run("floor", func(b *testing.B) {
		cpu := serverCPU(ModelSync)
		for b.Loop() {
			floorMMc(mmcRequests, 3, 2.4, cpu, time.Second, 1)
		}
	})
}

func benchScenario(b *testing.B, text string) {
	sc, err := ParseScenario(text)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var done int64
	for b.Loop() {
		r := New(sc.Lanes[0], Options{}).Run()
		done += r.Completed + r.Failed.Total()
	}
	b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(0, "ns/op")
}

// sweepText is the page's 64-point sweep (TestSweepSpeedFigure): sync and
// gevent, 1 to 32 workers, 200 clients, io=100ms, 20,000 requests a point.
const sweepText = "model=sync,gevent workers=1..32 io=100ms clients=200 requests=20000"

// BenchmarkSweepPoint runs one point of the page's sweep per op, as the
// page's sweep workers do (RunPoint): sync and gevent with 1, 16 and 32
// workers (sync1 ... gevent32), for tools that count what one point does,
// such as scripts/bench/sweep-instructions.
func BenchmarkSweepPoint(b *testing.B) {
	for _, c := range []struct {
		name string
		i    int
	}{{"sync1", 0}, {"sync16", 15}, {"sync32", 31}, {"gevent1", 32}, {"gevent16", 32 + 15}, {"gevent32", 32 + 31}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if r := RunPoint(sweepText, c.i, 1<<30); r.Point == nil {
					b.Fatalf("point %d: %+v", c.i, r)
				}
			}
		})
	}
}
