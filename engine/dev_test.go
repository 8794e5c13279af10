package engine

import "testing"

// Flask's app.run(processes=N): a child per request, at most N at once
// (socketserver.ForkingMixIn.collect_children blocks the parent while N are
// alive), the others in the listen queue of 128.
func TestDevProcesses(t *testing.T) {
	rs := run(t, "model=dev workers=1,4 io=1s clients=8 duration=60s")
	one, four := rs[0], rs[1]
	if four.PeakUpstream != 4 || one.PeakUpstream != 1 {
		t.Errorf("peak upstream %d and %d, want 1 and 4", one.PeakUpstream, four.PeakUpstream)
	}
	if !near(four.ThroughputRPS, 4*one.ThroughputRPS, 0.1) {
		t.Errorf("processes=4: %.1f req/s, want about 4 x %.1f", four.ThroughputRPS, one.ThroughputRPS)
	}
	if four.PeakBacklog != 4 {
		t.Errorf("processes=4, 8 clients: peak listen queue %d, want 4 (the parent waits for a child to exit)", four.PeakBacklog)
	}
	// The parent is the Flask process; each child adds its private memory
	// only while it serves, and its upstream call in flight (httpclient.go).
	c := devForking.costs
	want := float64(c.masterRSS+4*c.extraRSS+4*syncClients[ClientRequests].conn) / mib
	if !near(four.MemoryMB.Resident, want, 0.001) {
		t.Errorf("processes=4: peak resident %.2f MB, want parent + 4 children = %.2f", four.MemoryMB.Resident, want)
	}
	// A fork per request costs CPU a threaded=False server does not pay.
	cpu := run(t, "model=dev workers=1,2 calls=0 clients=1 requests=200")
	if cpu[1].ThroughputRPS >= cpu[0].ThroughputRPS {
		t.Errorf("one client, no calls: processes=2 %.0f req/s, processes=1 %.0f; want the fork to cost", cpu[1].ThroughputRPS, cpu[0].ThroughputRPS)
	}
	// threaded=True cannot fork (werkzeug/serving.py:848).
	if _, err := ParseScenario("model=dev-threaded workers=2"); err == nil {
		t.Error("ParseScenario(model=dev-threaded workers=2) succeeded, want an error")
	}
}
