package calibrate

import (
	"os/exec"
	"testing"
	"time"
)

// treeTicks keeps the CPU of a child that has exited and been reaped: the
// harness reads a server's CPU before and after a run, and workers that
// gunicorn replaced in between (max-requests) must still count.
func TestTreeTicksKeepsExitedChildren(t *testing.T) {
	// A subshell spins, exits, and sh reaps it; then sh sleeps.
	cmd := exec.Command("sh", "-c", "(i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done); exec sleep 30")
	if err := cmd.Start(); err != nil {
		t.Skipf("no sh: %v", err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	pid := cmd.Process.Pid
	for {
		st, err := readStat(pid)
		if err != nil {
			t.Fatalf("readStat(%d): %v", pid, err)
		}
		if len(Children(pid)) == 0 && st.cpuTicks > st.ownTicks {
			break // the subshell is gone and its time is in sh's cutime
		}
		time.Sleep(20 * time.Millisecond)
	}
	st, _ := readStat(pid)
	if got := treeTicks(pid); got != st.cpuTicks || got-st.ownTicks < 5 {
		t.Errorf("treeTicks after the child exited = %d (sh's own %d, with reaped children %d); want the reaped child's time, 5 ticks or more, counted once",
			got, st.ownTicks, st.cpuTicks)
	}
}
