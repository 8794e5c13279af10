package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// cpuTicks is how many clock ticks (USER_HZ, 100 on Linux) the kernel
// counts in a second of CPU time in /proc/PID/stat.
const cpuTicks = 100

// procCPU is the CPU time, in ticks, that the browser's processes had
// used at one moment: each process by its Chromium type ("browser",
// "renderer", "gpu-process", "utility", ...), and the living threads of the
// renderers and the GPU process as TYPE:NAME/TID (the renderer's main
// thread, SwiftShader's Thread<00> in the GPU process, ...).
type procCPU struct {
	byType   map[string]int64
	byThread map[string]int64
}

// browserCPU reads /proc for the processes this test started (the
// Chromium that chromedp runs and its children), so that a figure can say
// which of them a sweep kept busy.
func browserCPU() procCPU {
	out := procCPU{byType: map[string]int64{}, byThread: map[string]int64{}}
	parent := map[int]int{}
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		if f, ok := statFields(filepath.Join("/proc", d.Name(), "stat")); ok {
			ppid, _ := strconv.Atoi(f[1])
			parent[pid] = ppid
		}
	}
	me := os.Getpid()
	ours := func(pid int) bool {
		for p := parent[pid]; p > 1; p = parent[p] {
			if p == me {
				return true
			}
		}
		return false
	}
	for pid := range parent {
		if !ours(pid) {
			continue
		}
		dir := filepath.Join("/proc", strconv.Itoa(pid))
		f, ok := statFields(filepath.Join(dir, "stat"))
		if !ok {
			continue
		}
		kind := processType(dir)
		out.byType[kind] += ticks(f)
		if kind != "renderer" && kind != "gpu-process" {
			continue
		}
		tasks, _ := os.ReadDir(filepath.Join(dir, "task"))
		for _, tk := range tasks {
			b, err := os.ReadFile(filepath.Join(dir, "task", tk.Name(), "comm"))
			tf, ok := statFields(filepath.Join(dir, "task", tk.Name(), "stat"))
			if err != nil || !ok {
				continue
			}
			name := strings.TrimSpace(string(b))
			out.byThread[kind+":"+name+"/"+tk.Name()] = ticks(tf)
		}
	}
	return out
}

// statFields returns the fields of a /proc stat file after the command
// name (which may hold spaces): [0] is the state, [1] the parent's pid.
func statFields(path string) ([]string, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, false
	}
	f := strings.Fields(s[i+1:])
	return f, len(f) > 13
}

// ticks is utime + stime of a stat line's fields (fields 14 and 15 of
// proc(5), counting the pid as 1).
func ticks(f []string) int64 {
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// processType is Chromium's --type= of a process, or "browser".
func processType(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "cmdline"))
	if err != nil {
		return "gone"
	}
	// Chromium rewrites its command line as one string (setproctitle).
	for _, a := range strings.FieldsFunc(string(b), func(r rune) bool { return r == 0 || r == ' ' }) {
		if t, ok := strings.CutPrefix(a, "--type="); ok {
			return t
		}
	}
	return "browser"
}

// since describes the CPU seconds used between before and c, largest
// first: the processes by type, then the threads of the renderers and the
// GPU process by name, with the CPU of threads that ended in between (a
// sweep's Web Workers end with it) as "ended_threads".
func (c procCPU) since(before procCPU) string {
	sec := func(t int64) string { return strconv.FormatFloat(float64(t)/cpuTicks, 'f', 2, 64) }
	list := func(now, then map[string]int64) ([]string, int64) {
		keys := make([]string, 0, len(now))
		var sum int64
		for k := range now {
			if now[k]-then[k] > 0 {
				keys = append(keys, k)
				sum += now[k] - then[k]
			}
		}
		slices.SortFunc(keys, func(a, b string) int {
			if d := (now[b] - then[b]) - (now[a] - then[a]); d != 0 {
				return int(d)
			}
			return strings.Compare(a, b)
		})
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = strings.ReplaceAll(k, " ", "_") + "=" + sec(now[k]-then[k])
		}
		return out, sum
	}
	types, total := list(c.byType, before.byType)
	// Each living thread's share since before, summed by name (numbered
	// pool threads as one).
	now, then := map[string]int64{}, map[string]int64{}
	for k, v := range c.byThread {
		name := strings.TrimRight(k[:strings.LastIndexByte(k, '/')], "0123456789")
		now[name] += v
		then[name] += before.byThread[k]
	}
	threads, living := list(now, then)
	ended := c.byType["renderer"] + c.byType["gpu-process"] - before.byType["renderer"] - before.byType["gpu-process"] - living
	return fmt.Sprintf("cpu_s{total=%s %s} threads_s{%s ended_threads=%s}",
		sec(total), strings.Join(types, " "), strings.Join(threads, " "), sec(ended))
}
