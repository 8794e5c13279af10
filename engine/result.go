package engine

import (
	"math"
	"time"
)

// Result is what one lane did, as of the moment it is taken. Its JSON form
// is the contract of `sim -json`: the fields named in the README keep their
// names and meanings.
type Result struct {
	Scenario       string   `json:"scenario"` // the lane's canonical scenario text
	Completed      int64    `json:"completed"`
	Failed         Failures `json:"failed"`
	ThroughputRPS  float64  `json:"throughput_rps"` // completed per simulated second
	LatencyMS      Latency  `json:"latency_ms"`     // of completed requests, from sent to answered
	Wait           Wait     `json:"wait"`           // before the handler first runs
	PeakInFlight   int      `json:"peak_in_flight"` // most requests sent and not yet answered or failed
	PeakUpstream   int      `json:"peak_upstream"`  // most upstream calls in flight at once
	MemoryMB       Memory   `json:"memory_mb"`      // peak memory of the server's processes
	SimSeconds     float64  `json:"sim_seconds"`
	Arrived        int64    `json:"arrived"`
	InFlight       int      `json:"in_flight"`
	Wasted         int64    `json:"wasted"` // served after their client had given up
	PeakBacklog    int      `json:"peak_backlog"`
	WorkerRestarts int64    `json:"worker_restarts"` // workers replaced: killed by the worker timeout, or recycled by max-requests
	CPUUtil        float64  `json:"cpu_utilisation"` // the server's (and RQ workers') busy core time over all cores' time; the clients' (client-cpu) is not counted
	Little         Little   `json:"little"`
	Ignored        []string `json:"ignored,omitempty"` // keys this lane does not use (another lane does)
	Jobs           *Jobs    `json:"jobs,omitempty"`    // background jobs (background=N), beside the requests
}

// Failures counts failed requests by cause.
type Failures struct {
	ClientTimeout int64 `json:"client-timeout"`      // the client gave up waiting
	WorkerTimeout int64 `json:"worker-timeout"`      // gunicorn killed the worker that held it
	ConnectFailed int64 `json:"connect-failed"`      // the listen queue stayed full through every SYN retry, or a half-open connection never got its request in
	Unavailable   int64 `json:"service-unavailable"` // HTTP 503: uvicorn's limit-concurrency was reached
	ServerError   int64 `json:"server-error"`        // HTTP 500: asgiref's WsgiToAsgi refused a request ("would deadlock")
}

// Total returns the number of failed requests.
func (f Failures) Total() int64 {
	return f.ClientTimeout + f.WorkerTimeout + f.ConnectFailed + f.Unavailable + f.ServerError
}

// Latency summarises latencies in milliseconds. Quantiles are within 1% of
// the exact value; the mean and the maximum are exact.
type Latency struct {
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
}

// Wait is how long requests waited between being sent and their handler's
// first slice of CPU: in the listen queue, in a worker's queue, for the event
// loop, for the GIL or a core. For the bridges (wsgi-to-asgi, uvicorn-wsgi)
// the handler is the WSGI app, so the wait includes the queue for its
// thread.
type Wait struct {
	MeanMS   float64 `json:"mean_ms"`
	Fraction float64 `json:"fraction"` // of started requests, the share that waited at all
}

// Memory is peak memory in MB (2^20 bytes): resident is what the processes
// really use; virtual is address space reserved, most of it thread stacks
// that are never touched.
type Memory struct {
	Resident float64 `json:"resident"`
	Virtual  float64 `json:"virtual"`
}

// Little holds the three terms of Little's law, L = λW, measured apart:
// the mean number of requests in flight, the arrival rate, and the mean
// time a request spends in flight (counting those still in flight up to now).
type Little struct {
	MeanInFlight     float64 `json:"mean_in_flight"`
	ArrivalRate      float64 `json:"arrival_rate"`
	MeanTimeInFlight float64 `json:"mean_time_in_flight_ms"`
}

// Result returns the lane's result as of now.
func (s *Sim) Result() Result {
	m := &s.m
	secs := s.now.Seconds()
	r := Result{
		Scenario:  s.Scenario().String(),
		Completed: m.completed,
		Failed: Failures{ClientTimeout: m.failed[causeClientTimeout],
			WorkerTimeout: m.failed[causeWorkerTimeout], ConnectFailed: m.failed[causeConnectFailed],
			Unavailable: m.failed[causeUnavailable], ServerError: m.failed[causeServerError]},
		PeakInFlight:   m.peakInFlight,
		PeakUpstream:   m.peakUpstream,
		MemoryMB:       Memory{Resident: round3(float64(m.peakRSS) / mib), Virtual: round3(float64(m.peakVSZ) / mib)},
		SimSeconds:     round3(secs),
		Arrived:        m.arrived,
		InFlight:       m.inFlight,
		Wasted:         m.wasted,
		PeakBacklog:    m.peakBacklog,
		WorkerRestarts: m.kills,
		Ignored:        s.base.Ignored(),
		Jobs:           s.jobsResult(),
	}
	if m.completed > 0 {
		r.LatencyMS = latencyOf(&m.lat, m.latSum, m.completed, m.latMax)
	}
	if m.startedN > 0 {
		r.Wait = Wait{MeanMS: round3(m.waitSum / float64(m.startedN) / 1e6),
			Fraction: round6(float64(m.waitedN) / float64(m.startedN))}
	}
	if secs > 0 {
		r.ThroughputRPS = round3(float64(m.completed) / secs)
		r.CPUUtil = round3(m.busy.Seconds() / (secs * float64(s.cores)))
		r.Little.MeanInFlight = round3(m.area / float64(s.now))
		r.Little.ArrivalRate = round3(float64(m.arrived) / secs)
	}
	if m.arrived > 0 {
		r.Little.MeanTimeInFlight = round3(s.timeInFlight() / float64(m.arrived) / 1e6)
	}
	return r
}

// latencyOf summarises n latencies: their histogram h, sum (ns) and maximum.
func latencyOf(h *histogram, sum float64, n int64, max time.Duration) Latency {
	return Latency{
		Mean: round3(sum / float64(n) / 1e6),
		P50:  ms(min(h.quantile(0.50), max)),
		P90:  ms(min(h.quantile(0.90), max)),
		P99:  ms(min(h.quantile(0.99), max)),
		Max:  ms(max),
	}
}

// timeInFlight sums, over every request sent, the time it has spent in
// flight: to its end for those that ended, to now for the rest.
func (s *Sim) timeInFlight() float64 {
	t := s.m.sojourn
	for i := range s.reqs {
		r := &s.reqs[i]
		if r.live && !r.orphan {
			t += float64(s.now - r.sent)
		}
	}
	return t
}

// Series returns the lane's time series, oldest point first.
func (s *Sim) Series() []Point { return s.m.series.points() }

func ms(d time.Duration) float64 { return round3(float64(d) / 1e6) }

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }
