package engine

import "time"

// A monitor on the server's machine (sampler-cpu=D): every samplerEvery it
// wakes and runs D of CPU on the cores, in the clients' process, as the
// calibration harness's sampler does: it is a goroutine of the same Go
// program as the load generator (calibrate/run.go), and every 200 ms it
// reads the server's processes' /proc files (their memory from
// smaps_rollup, their threads, and the whole of /proc to find the
// arbiter's children, calibrate/server.go). It is one piece of work that
// nobody waits for, on one of the clients' threads (clientcpu.go), so it
// competes for the cores with the workers and the clients: on saturated
// cores it takes its share of them and delays the requests on the core it
// runs on. With D = 0 (the default) nothing of this exists.

// samplerEvery is how often the monitor wakes: the harness's sampler
// sleeps 200 ms between its samples (calibrate/run.go, waitCtx).
const samplerEvery = 200 * time.Millisecond

// evSample: the monitor wakes and runs its sample's CPU.
const evSample = evBalance + 1

// startSampler starts the monitor, if it has CPU to run and is not running
// yet (at the start, or when a live change gives it CPU): its first sample
// comes samplerEvery later.
func (s *Sim) startSampler() {
	if s.cfg.SamplerCPU > 0 && !s.cli.sampling {
		s.cli.sampling = true
		s.after(samplerEvery, evSample, 0, 0)
	}
}

// sample queues one sample's CPU on the clients' threads and schedules the
// next one; a monitor whose CPU a live change set to 0 stops.
func (s *Sim) sample() {
	if s.cfg.SamplerCPU == 0 {
		s.cli.sampling = false
		return
	}
	s.clientWork(-1, s.cfg.SamplerCPU)
	s.after(samplerEvery, evSample, 0, 0)
}
