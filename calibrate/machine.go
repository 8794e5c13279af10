package calibrate

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Machine describes where the calibration ran and what else was running.
type Machine struct {
	Date     string
	Nproc    int
	CPUModel string
	Kernel   string
	Python   string
	Packages []string // "name version", from dpkg
	LoadAvg  string
	TopProcs string // ps, busiest first, at the start
}

// Packages whose versions the doc records.
var debPackages = []string{"gunicorn", "python3-gevent", "python3-greenlet", "python3-flask",
	"python3-werkzeug", "uvicorn", "python3-h11", "python3-asgiref", "python3-aiohttp", "python3-requests", "python3-urllib3",
	"python3-fastapi", "python3-starlette", "python3-anyio", "nodejs"}

// Nproc returns the CPUs this process may use, as nproc prints them.
func Nproc() int {
	if out, err := exec.Command("nproc").Output(); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil {
			return n
		}
	}
	return runtime.NumCPU()
}

// DescribeMachine reads the machine's description now.
func DescribeMachine() Machine {
	m := Machine{Date: time.Now().UTC().Format("2006-01-02 15:04 MST"), Nproc: Nproc()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if out, err := exec.Command(Python, "--version").CombinedOutput(); err == nil {
		m.Python = strings.TrimSpace(string(out)) + " (" + Python + ")"
	}
	args := append([]string{"-W", "-f", "${Package} ${Version}\n"}, debPackages...)
	if out, err := exec.Command("dpkg-query", args...).Output(); err == nil {
		m.Packages = strings.Split(strings.TrimSpace(string(out)), "\n")
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.LoadAvg = strings.TrimSpace(string(b))
	}
	if out, err := exec.Command("ps", "-eo", "pid,pcpu,rss,etime,comm", "--sort=-pcpu").Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		m.TopProcs = strings.Join(lines[:min(len(lines), 9)], "\n")
	}
	return m
}

// machineTicks returns the busy clock ticks of all CPUs (from /proc/stat:
// every field but idle and iowait) and this process's own utime+stime.
func machineTicks() (busy, self int64) {
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		f := strings.Fields(line)
		for i, v := range f[1:] {
			n, _ := strconv.ParseInt(v, 10, 64)
			if i != 3 && i != 4 && i < 8 { // idle, iowait; guest time is already in user
				busy += n
			}
		}
	}
	if st, err := readStat(os.Getpid()); err == nil {
		self = st.cpuTicks
	}
	return busy, self
}

// loadAvg1 returns the one-minute load average.
func loadAvg1() float64 {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
