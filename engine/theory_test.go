package engine

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// erlangC returns the probability that an arrival waits in an M/M/c queue
// with offered load a = λ/μ, and the mean wait in units of 1/μ.
func erlangC(c int, a float64) (pWait, meanWait float64) {
	// Erlang B by its stable recurrence, then C from B.
	b := 1.0
	for k := 1; k <= c; k++ {
		b = a * b / (float64(k) + a*b)
	}
	rho := a / float64(c)
	pWait = b / (1 - rho + rho*b)
	meanWait = pWait / (float64(c) - a)
	return pWait, meanWait
}

func TestErlangCFormula(t *testing.T) {
	// Textbook values: c=2, a=1 gives C = 1/3; c=1 is M/M/1 with C = rho.
	if p, _ := erlangC(2, 1); math.Abs(p-1.0/3) > 1e-12 {
		t.Errorf("erlangC(2, 1) = %v, want 1/3", p)
	}
	if p, w := erlangC(1, 0.5); math.Abs(p-0.5) > 1e-12 || math.Abs(w-1) > 1e-12 {
		t.Errorf("erlangC(1, 0.5) = %v, %v; want 0.5, 1", p, w)
	}
}

// TestMMcMatchesErlangC runs c sync workers under Poisson arrivals with
// exponential upstream calls (an M/M/c queue: the server's own CPU is under
// half a percent of the service time and has cores to spare) and checks the
// mean wait and the probability of waiting against Erlang C. Twenty seeds
// give independent replications; Erlang C must lie inside the 99%
// confidence interval of their mean.
func TestMMcMatchesErlangC(t *testing.T) {
	cases := []struct {
		c    int
		rate float64
	}{{4, 30}, {1, 7}, {8, 70}}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("c=%d,rate=%v", tc.c, tc.rate), func(t *testing.T) {
			const io = 100 * time.Millisecond
			service := (io + serverCPU(ModelSync)).Seconds()
			pWant, wUnits := erlangC(tc.c, tc.rate*service)
			wWant := wUnits * service * 1000 // ms
			const reps = 20
			var ws, ps []float64
			for seed := 1; seed <= reps; seed++ {
				r := run1(t, fmt.Sprintf("model=sync workers=%d cores=64 rate=%v io=100ms io-dist=exp requests=20000 seed=%d", tc.c, tc.rate, seed))
				ws = append(ws, r.Wait.MeanMS)
				ps = append(ps, r.Wait.Fraction)
			}
			wMean, wHalf := meanCI99(ws)
			pMean, pHalf := meanCI99(ps)
			t.Logf("mean wait %.2f ± %.2f ms (Erlang C %.2f); P(wait) %.4f ± %.4f (Erlang C %.4f)", wMean, wHalf, wWant, pMean, pHalf, pWant)
			if math.Abs(wMean-wWant) > wHalf {
				t.Errorf("mean wait %.2f ± %.2f ms, Erlang C says %.2f ms", wMean, wHalf, wWant)
			}
			if math.Abs(pMean-pWant) > pHalf {
				t.Errorf("P(wait) %.4f ± %.4f, Erlang C says %.4f", pMean, pHalf, pWant)
			}
		})
	}
}

// meanCI99 returns the mean of xs and the half-width of its 99% confidence
// interval (Student's t with 19 degrees of freedom: 2.861).
func meanCI99(xs []float64) (mean, half float64) {
	if len(xs) != 20 {
		panic("meanCI99 wants 20 replications")
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ss / float64(len(xs)-1))
	return mean, 2.861 * sd / math.Sqrt(float64(len(xs)))
}

// Every model, loaded or not, with timeouts or not, obeys Little's law and
// loses no request.
var lawScenarios = []string{
	"model=dev io=50ms clients=5 duration=30s",
	"model=dev-threaded io=200ms rate=80 io-dist=exp duration=30s",
	"model=sync workers=3 io=100ms rate=40 io-dist=lognormal client-timeout=300ms duration=60s",
	"model=gthread workers=2 threads=4 io=1s clients=30 think=200ms client-timeout=2s duration=60s",
	"model=gthread workers=2 threads=4 cpu=30ms calls=0 clients=20 duration=20s",
	"model=gevent workers=2 io=100ms blocking=true clients=40 timeout=1s duration=30s",
	"model=sync workers=2 io=1s io-dist=exp clients=10 timeout=2s duration=60s",
	"model=asyncio io=100ms calls=5 parallel=true rate=500 io-dist=exp duration=20s",
	"model=asyncio io=50ms blocking=true burst=300 client-timeout=3s",
	"model=wsgi-to-asgi workers=2 io=100ms clients=20 keepalive=false duration=20s",
	"model=uvicorn-wsgi io=100ms cpu=2ms clients=50 duration=20s",
	"model=gthread view=async calls=3 parallel=true io=100ms threads=2 clients=10 duration=20s",
	"model=sync backlog=5 io=1s burst=40 client-timeout=10s",
	"model=gevent worker-connections=10 io=200ms rate=100 cache=0.5 duration=20s",
}

func TestLittlesLawAndConservation(t *testing.T) {
	for _, text := range append(lawScenarios, liveScenarios...) {
		t.Run(text, func(t *testing.T) {
			r := run1(t, text)
			if got := r.Completed + r.Failed.Total() + int64(r.InFlight); got != r.Arrived {
				t.Errorf("completed %d + failed %d + in flight %d = %d, want arrived %d",
					r.Completed, r.Failed.Total(), r.InFlight, got, r.Arrived)
			}
			l := r.Little
			lambdaW := l.ArrivalRate * l.MeanTimeInFlight / 1000
			if !near(l.MeanInFlight, lambdaW, 0.002) {
				t.Errorf("Little's law: L = %.3f, λW = %.3f × %.3f ms = %.3f", l.MeanInFlight, l.ArrivalRate, l.MeanTimeInFlight, lambdaW)
			}
			if r.Completed == 0 {
				t.Errorf("no request completed")
			}
		})
	}
}

// TestTimelinesAgreeWithCounters checks the time-in-flight integral against
// the sum of per-request timelines, which are kept by separate code.
func TestTimelinesAgreeWithCounters(t *testing.T) {
	for _, text := range []string{
		"model=gthread workers=2 threads=3 io=100ms io-dist=exp burst=200",
		"model=gevent io=100ms calls=2 blocking=true burst=50",
		"model=wsgi-to-asgi io=20ms burst=100",
	} {
		t.Run(text, func(t *testing.T) {
			sc, err := ParseScenario(text)
			if err != nil {
				t.Fatal(err)
			}
			s := New(sc.Lanes[0], Options{Timelines: 1000})
			r := s.Run()
			tls := s.Timelines()
			if int64(len(tls)) != r.Completed {
				t.Fatalf("%d timelines, want one per completed request (%d)", len(tls), r.Completed)
			}
			var sum time.Duration
			for _, tl := range tls {
				sum += tl.End - tl.Sent
				var segs time.Duration
				prev := tl.Sent
				for _, sg := range tl.Segments {
					if sg.Start != prev {
						t.Fatalf("request %d: segment %v starts at %v, previous ended %v", tl.Seq, sg.State, sg.Start, prev)
					}
					segs += sg.End - sg.Start
					prev = sg.End
				}
				if segs != tl.End-tl.Sent {
					t.Fatalf("request %d: segments add to %v, life is %v\n%s", tl.Seq, segs, tl.End-tl.Sent, tl)
				}
			}
			mean := float64(sum) / float64(len(tls)) / 1e6
			if !near(r.Little.MeanTimeInFlight, mean, 1e-4) || !near(r.LatencyMS.Mean, mean, 1e-4) {
				t.Errorf("timelines give mean %.3f ms; counters give %.3f (Little) and %.3f (latency)", mean, r.Little.MeanTimeInFlight, r.LatencyMS.Mean)
			}
		})
	}
}
