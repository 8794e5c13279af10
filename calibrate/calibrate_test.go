package calibrate

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"playground/engine"
)

// TestRows checks every row: a unique name, scenario text that parses to one
// lane with closed-loop clients and a bound on the run, a real server
// command, and an app route. The engine runs each one (fast).
func TestRows(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rows {
		if seen[r.Name] {
			t.Errorf("row %s twice", r.Name)
		}
		seen[r.Name] = true
		text := r.Scenario + " cores=2 seed=1"
		c, res, cpu, err := Predict(text)
		if err != nil {
			t.Errorf("%s: %v", r.Name, err)
			continue
		}
		if c.Clients == 0 || c.Requests == 0 || c.Duration == 0 {
			t.Errorf("%s: want clients, requests and duration bounded, got %q", r.Name, r.Scenario)
		}
		if c.IODist == engine.DistLognormal {
			t.Errorf("%s: the upstream draws io-dist=fixed or exp, not lognormal", r.Name)
		}
		if c.Requests > 5000 || c.Duration > 15_000_000_000 {
			t.Errorf("%s: a load run is at most 5000 requests and 15s", r.Name)
		}
		if _, err := Command(c, "apps", 18801); err != nil {
			t.Errorf("%s: %v", r.Name, err)
		}
		if res.Completed == 0 || cpu <= 0 {
			t.Errorf("%s: the engine completed %d requests, cpu %v", r.Name, res.Completed, cpu)
		}
		if p := Path(c); !strings.HasPrefix(p, "/work") && !strings.HasPrefix(p, "/awork") && !(c.Background > 0 && strings.HasPrefix(p, "/enqueue")) {
			t.Errorf("%s: path %s", r.Name, Path(c))
		}
	}
	for _, f := range []string{"wsgi_app.py", "asgi_app.py", "w2a_app.py", "dev_server.py", "fastapi_app.py", "node_app.js", "common.py", "rq_jobs.py"} {
		if _, err := os.Stat(filepath.Join("apps", f)); err != nil {
			t.Errorf("app missing: %v", err)
		}
	}
}

// TestTableRoundTrip writes a table from made-up measurements and parses it.
func TestTableRoundTrip(t *testing.T) {
	_, res, cpu, err := Predict("model=gthread workers=2 threads=5 clients=10 requests=100 cores=2")
	if err != nil {
		t.Fatal(err)
	}
	ms := []Measurement{
		{Row: Row{Name: "a"}, Scenario: "model=gthread", Pred: res, PredCPU: cpu,
			Real: []RealRun{{Throughput: res.ThroughputRPS * 1.05, P50: 103, P90: 150, P99: 300, PeakUpstream: 10, Mem: ServerMem{Resident: 70, Pss: 68}, CPUPerReq: 1.5}}},
		{Row: Row{Name: "b", Repeats: 3}, Scenario: "model=sync", Pred: res, PredCPU: cpu,
			Real: []RealRun{{Throughput: 80, Failed: 3}, {Throughput: 90}, {Throughput: 85}}},
		{Row: Row{Name: "c"}, Scenario: "model=dev", Pred: res, Err: "did not start"},
	}
	var buf bytes.Buffer
	WriteDoc(&buf, Machine{Nproc: 2}, ms)
	lines, err := ParseTable(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, m := range ms {
		want += len(Lines(m))
	}
	if len(lines) != want {
		t.Fatalf("parsed %d lines, wrote %d", len(lines), want)
	}
	if lines[0].Row != "a" || lines[0].Metric != "throughput rps" || lines[0].Verdict != VerdictOK {
		t.Errorf("first line %+v", lines[0])
	}
	if l := lines[len(lines)-1]; l.Row != "c" || l.Verdict != VerdictNA {
		t.Errorf("last line %+v", l)
	}
	var b Line
	for _, l := range lines {
		if l.Row == "b" && l.Metric == "throughput rps" {
			b = l
		}
	}
	if b.RealV != 85 || !strings.Contains(b.Real, "80.0–90.0") {
		t.Errorf("repeated row: %+v", b)
	}
}

// TestParseTableRejects checks that the parser catches a broken table.
func TestParseTableRejects(t *testing.T) {
	good := tableHeader + "\n|---|---|---|---|---|---|---|\n| **r** | `s` | p50 ms | 100.0 | 105.0 | 1.05 | ok |\n"
	if _, err := ParseTable(strings.NewReader(good)); err != nil {
		t.Fatalf("good table: %v", err)
	}
	for name, text := range map[string]string{
		"no table":      "# nothing\n",
		"bad metric":    strings.Replace(good, "p50 ms", "p42 ms", 1),
		"bad number":    strings.Replace(good, "105.0", "fast", 1),
		"wrong verdict": strings.Replace(good, "| ok |", "| **MISS** |", 1),
		"short line":    tableHeader + "\n|---|\n| a | b |\n",
	} {
		if _, err := ParseTable(strings.NewReader(text)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestCalibrationDoc parses docs/calibration.md, which scripts/calibrate
// generates, and checks that it covers every row.
func TestCalibrationDoc(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "docs", "calibration.md"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatal("docs/calibration.md does not exist: run scripts/calibrate (as root; a few minutes) to generate it")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, err := ParseTable(f)
	if err != nil {
		t.Fatalf("docs/calibration.md: %v", err)
	}
	rows := map[string]bool{}
	for _, l := range lines {
		rows[l.Row] = true
		if _, err := engine.ParseScenario(l.Scenario); err != nil {
			t.Errorf("row %s: scenario %q: %v", l.Row, l.Scenario, err)
		}
	}
	for _, r := range Rows {
		if !rows[r.Name] {
			t.Errorf("docs/calibration.md has no row %s: regenerate it with scripts/calibrate", r.Name)
		}
	}
}

// TestEveryModelCalibrated walks the engine's registry: every model has a
// calibration row, a real server the harness can start, and its app.
func TestEveryModelCalibrated(t *testing.T) {
	rowsOf := map[engine.Model]int{}
	for _, r := range Rows {
		if c, _, _, err := Predict(r.Scenario + " cores=2 seed=1"); err == nil {
			rowsOf[c.Model]++
		}
	}
	for _, m := range engine.Models() {
		if rowsOf[m] == 0 {
			t.Errorf("model %s has no calibration row", m)
		}
		c := engine.DefaultConfig()
		c.Model = m
		if _, err := Command(c, "apps", 18801); err != nil {
			t.Errorf("Command(model=%s) = %v", m, err)
		}
		app, _, _ := strings.Cut(c.RealServer().App, ":")
		if !strings.HasSuffix(app, ".py") && !strings.HasSuffix(app, ".js") {
			app += ".py" // a module:attribute
		}
		if _, err := os.Stat(filepath.Join("apps", app)); err != nil {
			t.Errorf("model %s: its app is missing: %v", m, err)
		}
	}
}

// TestCommand checks the command lines of a few models.
func TestCommand(t *testing.T) {
	for _, tc := range []struct{ scenario, want string }{
		{"model=dev", "/usr/bin/python3 apps/dev_server.py 18801 0"},
		{"model=dev-threaded", "/usr/bin/python3 apps/dev_server.py 18801 1"},
		{"model=dev workers=4", "/usr/bin/python3 apps/dev_server.py 18801 0 4"},
		{"model=gthread workers=2 threads=5", "/usr/bin/python3 -m gunicorn --chdir apps -b 127.0.0.1:18801 -w 2 --log-level warning --graceful-timeout 1 --backlog 2048 --timeout 30 --worker-connections 1000 -k gthread --threads 5 wsgi_app:app"},
		{"model=gevent", "/usr/bin/python3 -m gunicorn --chdir apps -b 127.0.0.1:18801 -w 1 --log-level warning --graceful-timeout 1 --backlog 2048 --timeout 30 --worker-connections 1000 -k gevent wsgi_app:app"},
		{"model=asyncio", "/usr/bin/python3 -m uvicorn --app-dir apps --host 127.0.0.1 --port 18801 --log-level warning --no-access-log --backlog 2048 --workers 1 asgi_app:app"},
		{"model=wsgi-to-asgi", "/usr/bin/python3 -m uvicorn --app-dir apps --host 127.0.0.1 --port 18801 --log-level warning --no-access-log --backlog 2048 --workers 1 w2a_app:app"},
		{"model=fastapi view=async", "/usr/bin/python3 -m uvicorn --app-dir apps --host 127.0.0.1 --port 18801 --log-level warning --no-access-log --backlog 2048 --workers 1 fastapi_app:app"},
		{"model=node workers=2", "node apps/node_app.js 18801 2"},
		{"model=uwsgi workers=2 threads=4", "uwsgi-core --plugin python3 --http-socket 127.0.0.1:18801 --master --die-on-term --disable-logging --chdir apps --listen 100 --processes 2 --threads 4 --module wsgi_app:app"},
		{"model=eventlet backlog=64", "/usr/bin/python3 -m gunicorn --chdir apps -b 127.0.0.1:18801 -w 1 --log-level warning --graceful-timeout 1 --backlog 64 --timeout 30 --worker-connections 1000 -k eventlet wsgi_app:app"},
		{"model=uvicorn-wsgi workers=2", "/usr/bin/python3 -m uvicorn --app-dir apps --host 127.0.0.1 --port 18801 --log-level warning --no-access-log --backlog 2048 --workers 2 --interface wsgi wsgi_app:app"},
	} {
		sc, err := engine.ParseScenario(tc.scenario)
		if err != nil {
			t.Fatal(err)
		}
		args, err := Command(sc.Lanes[0], "apps", 18801)
		if got := strings.Join(args, " "); err != nil || got != tc.want {
			t.Errorf("Command(%s) = %q, %v; want %q", tc.scenario, got, err, tc.want)
		}
	}
}
