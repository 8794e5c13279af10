package calibrate

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RedisPort is where the harness runs redis-server for the background rows:
// just below the servers' range (18799), on 127.0.0.1 only.
func RedisPort() int { return PortLo - 1 }

// Jobs is the background half of a row (background=N): redis-server and N
// `rq worker` processes, each in its own process group.
type Jobs struct {
	redis   *exec.Cmd
	workers []*exec.Cmd
}

// StartJobs starts redis-server (no persistence) on RedisPort and n RQ
// workers (rq's default, forking Worker) on its default queue, with the
// apps in appDir on their path so that a horse can import rq_jobs.
func StartJobs(appDir, upstream string, n int) (*Jobs, error) {
	j := &Jobs{}
	j.redis = exec.Command("redis-server", "--port", strconv.Itoa(RedisPort()), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--loglevel", "warning")
	j.redis.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := j.redis.Start(); err != nil {
		return nil, fmt.Errorf("redis-server: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := redisDo("PING"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			j.Stop()
			return nil, fmt.Errorf("redis-server did not answer on port %d", RedisPort())
		}
		time.Sleep(100 * time.Millisecond)
	}
	abs, _ := filepath.Abs(appDir)
	for range n {
		w := exec.Command(Python, "-m", "rq.cli", "worker", "-q", "--url", RedisURL())
		w.Dir = abs
		w.Env = append(os.Environ(), "CALIBRATE_UPSTREAM="+upstream, "PYTHONPATH="+abs, "PYTHONDONTWRITEBYTECODE=1")
		w.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := w.Start(); err != nil {
			j.Stop()
			return nil, fmt.Errorf("rq worker: %v", err)
		}
		j.workers = append(j.workers, w)
	}
	// Each worker registers itself in the set rq:workers when it is ready.
	for time.Now().Before(deadline.Add(20 * time.Second)) {
		if v, err := redisDo("SCARD", "rq:workers"); err == nil && v == strconv.Itoa(n) {
			return j, nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	j.Stop()
	return nil, fmt.Errorf("%d rq workers did not register within 30s", n)
}

// RedisURL is the URL of the harness's Redis, for the app and the workers.
func RedisURL() string { return fmt.Sprintf("redis://127.0.0.1:%d", RedisPort()) }

// Stop ends the workers (SIGTERM, a warm shutdown; SIGKILL after 3 s) and Redis.
func (j *Jobs) Stop() {
	for _, c := range append(slices.Clone(j.workers), j.redis) {
		if c == nil || c.Process == nil {
			continue
		}
		syscall.Kill(-c.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
}

// Pids returns the RQ workers' pids.
func (j *Jobs) Pids() []int {
	var out []int
	for _, w := range j.workers {
		out = append(out, w.Process.Pid)
	}
	return out
}

// Drain waits until the queue is empty and every worker idle, or ctx ends
// or limit passes.
func (j *Jobs) Drain(ctx context.Context, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		n, err1 := redisDo("LLEN", "rq:queue:default")
		busy, err2 := redisDo("ZCARD", "rq:wip:default") // rq's StartedJobRegistry
		if err1 == nil && err2 == nil && n == "0" && busy == "0" {
			return
		}
		waitCtx(ctx, 200*time.Millisecond)
	}
}

// QueueLen returns the length of the default queue's list.
func (j *Jobs) QueueLen() int {
	v, _ := redisDo("LLEN", "rq:queue:default")
	n, _ := strconv.Atoi(v)
	return n
}

// JobStats reads every job's enqueued_at and ended_at (RQ's own stamps) and
// returns the latencies, in ms, of the jobs enqueued at or after from and
// finished by to.
func JobStats(from, to time.Time) ([]float64, error) {
	keys, err := redisList("KEYS", "rq:job:*")
	if err != nil {
		return nil, err
	}
	var lat []float64
	for _, k := range keys {
		v, err := redisList("HMGET", k, "enqueued_at", "ended_at")
		if err != nil || len(v) != 2 || v[0] == "" || v[1] == "" {
			continue
		}
		enq, err1 := time.Parse(rqTime, v[0])
		end, err2 := time.Parse(rqTime, v[1])
		if err1 != nil || err2 != nil || enq.Before(from) || end.After(to) {
			continue
		}
		lat = append(lat, float64(end.Sub(enq))/1e6)
	}
	return lat, nil
}

// rqTime is rq.utils.utcformat's layout.
const rqTime = "2006-01-02T15:04:05.999999Z"

// redisDo sends one command and returns a simple, integer or bulk reply.
func redisDo(args ...string) (string, error) {
	v, err := redisCall(args)
	if err != nil {
		return "", err
	}
	if len(v) == 0 {
		return "", nil
	}
	return v[0], nil
}

// redisList sends one command and returns its reply as a list.
func redisList(args ...string) ([]string, error) { return redisCall(args) }

// redisCall speaks RESP 2 to the harness's Redis, one connection a command.
func redisCall(args []string) ([]string, error) {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", RedisPort()), time.Second)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := c.Write([]byte(b.String())); err != nil {
		return nil, err
	}
	r := bufio.NewReader(c)
	return readReply(r)
}

func readReply(r *bufio.Reader) ([]string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, fmt.Errorf("redis: empty reply")
	}
	switch line[0] {
	case '+', ':':
		return []string{line[1:]}, nil
	case '-':
		return nil, fmt.Errorf("redis: %s", line[1:])
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return []string{""}, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return []string{string(buf[:n])}, nil
	case '*':
		n, _ := strconv.Atoi(line[1:])
		var out []string
		for range max(n, 0) {
			v, err := readReply(r)
			if err != nil {
				return nil, err
			}
			out = append(out, v...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("redis: unexpected reply %q", line)
}

// cpuTicks returns the RQ workers' user+system clock ticks, with those of
// the horses they have reaped; 0 for no jobs.
func (j *Jobs) cpuTicks() int64 {
	if j == nil {
		return 0
	}
	var t int64
	for _, pid := range j.Pids() {
		t += treeTicks(pid) // with the horse at work now, if any
	}
	return t
}

// addJobs fills in the run's job figures: the jobs enqueued from from and
// finished by to, over the load's elapsed time.
func (run *RealRun) addJobs(from, to time.Time, elapsed time.Duration, ticks int64) error {
	lat, err := JobStats(from, to)
	if err != nil {
		return fmt.Errorf("reading the jobs from Redis: %v", err)
	}
	run.JobsFinished = len(lat)
	if len(lat) == 0 {
		return nil
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	run.JobP50, run.JobP99 = q(0.50), q(0.99)
	run.JobThroughput = float64(len(lat)) / elapsed.Seconds()
	run.JobCPU = float64(ticks) * 1000 / clkTck / float64(len(lat))
	return nil
}
