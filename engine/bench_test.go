package engine

import "testing"

// BenchmarkMillionRequests is the large run: 1,000,000 requests from
// 500 clients on gthread 4x8. It reports simulated requests per second of
// wall time (req/s) and the bytes allocated per simulated request.
func BenchmarkMillionRequests(b *testing.B) {
	benchScenario(b, "model=gthread workers=4 threads=8 io=100ms io-dist=exp clients=500 requests=1000000")
}

// BenchmarkMMc is the M/M/c model that SimPy runs in scripts/bench/simpy_mmc.py.
func BenchmarkMMc(b *testing.B) {
	benchScenario(b, "model=sync workers=4 cores=64 rate=30 io=100ms io-dist=exp requests=1000000")
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
