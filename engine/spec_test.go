package engine

import (
	"os"
	"strings"
	"testing"
)

// specProblems lists what a model's spec lacks.
func specProblems(sp *spec) []string {
	var out []string
	need := func(ok bool, what string) {
		if !ok {
			out = append(out, what)
		}
	}
	need(sp.name != "", "a name")
	need(sp.title != "" && !strings.Contains(sp.title, "\n"), "a one-line title")
	need(len(sp.doc) >= 80, "a one-paragraph doc")
	need(strings.HasSuffix(sp.source, ".py") || strings.HasSuffix(sp.source, ".js") || strings.HasSuffix(sp.source, ".c"), "the real server's source file")
	need(sp.host != nil, "a host")
	need(sp.unit.name != "" && (sp.unit.serverLoop || !sp.unit.handlerLoop), "a unit of concurrency (a handler on a loop needs the loop)")
	need(sp.threads != nil, "a thread pool size (threads)")
	if sp.host != nil && sp.owns(keyThreads) {
		// The pool the threads key sizes is the server's default without it.
		var none Config
		need(sp.defaultThreads > 0 && sp.threads(&none) == sp.defaultThreads, "the pool's size without threads (defaultThreads)")
	} else if sp.host != nil {
		need(sp.defaultThreads == 0, "no defaultThreads: the threads key does not size its pool")
	}
	need(sp.accept != nil, "an accept rule")
	need(sp.real != nil, "the real server's command (real)")
	c := &sp.costs
	need(c.parse > 0 && c.respond > 0, "CPU costs parse and respond")
	need(c.resume > 0, "the CPU cost of an upstream call (resume)")
	need(c.procRSS > 0 && c.procVSZ >= c.procRSS, "a worker's memory (procRSS, procVSZ)")
	need(c.clientLib > 0, "the HTTP client's memory (clientLib)")
	if sp.host == nil {
		return out
	}
	if sp.owns(keyWorkers) && sp.forking == nil { // else the forking variant has them
		need(c.extraRSS > 0, "a further worker's memory (extraRSS)")
		need(c.masterRSS > 0 && c.masterVSZ >= c.masterRSS, "the master's memory (masterRSS, masterVSZ)")
	}
	need(sp.host.master != nil, "a host master rule")
	need((c.taskRSS > 0) == (sp.tasks == tasksPerConn || sp.tasks == tasksPerRequest), "task memory (taskRSS) exactly when it makes tasks")
	need((c.asyncView > 0) == !sp.unit.serverLoop, "the CPU of a Flask async view (asyncView) exactly when it runs one")
	need(sp.heartbeat == nil || c.boot > 0 && sp.owns(keyTimeout), "a boot time and the timeout key, with a heartbeat")
	need(c.keepalive == 0 || c.connect > 0, "the CPU of a new connection (connect), with keep-alive")
	return out
}

// TestSpecsComplete walks every registered model and checks its spec.
func TestSpecsComplete(t *testing.T) {
	if got := len(Models()); got != int(numModels) {
		t.Errorf("len(Models()) = %d, want %d: a model has no spec in registry", got, numModels)
	}
	names := map[string]bool{}
	for _, m := range Models() {
		sp := specOf(m)
		t.Run(sp.name, func(t *testing.T) {
			for _, p := range specProblems(sp) {
				t.Errorf("spec of %v lacks %s", m, p)
			}
			for how, v := range map[string]*spec{"view=async": sp.asyncViews, "workers > 1": sp.forking} {
				if v == nil {
					continue
				}
				for _, p := range specProblems(v) {
					t.Errorf("spec of %v with %s lacks %s", m, how, p)
				}
				if v.name != sp.name || v.asyncViews != nil || v.forking != nil {
					t.Errorf("spec of %v with %s: name %q; want the model's, and no further variant", m, how, v.name)
				}
			}
			if names[sp.name] {
				t.Errorf("two models are named %q", sp.name)
			}
			names[sp.name] = true
			// One model, one file: engine/<name without dashes>.go.
			file := strings.ReplaceAll(sp.name, "-", "") + ".go"
			if _, err := os.Stat(file); err != nil {
				t.Errorf("model %v: %v (its spec belongs in its own file)", m, err)
			}
			sc, err := ParseScenario("model=" + sp.name)
			if err != nil || sc.Lanes[0].Model != m {
				t.Errorf("ParseScenario(model=%s) = %v, %v; want model %v", sp.name, sc.Lanes, err, m)
			}
		})
	}
}

// TestSpecProblemsFindsGaps checks that the completeness check can fail.
func TestSpecProblemsFindsGaps(t *testing.T) {
	if got := specProblems(&spec{}); len(got) < 10 {
		t.Errorf("specProblems(empty spec) = %q, want every field reported", got)
	}
	sp := gthread
	sp.costs.resume = 0
	sp.accept = nil
	if got := specProblems(&sp); len(got) != 2 {
		t.Errorf("specProblems(gthread without resume and accept) = %q, want 2 problems", got)
	}
}

// TestUnknownModelPanics checks that an unregistered model is an error the
// engine names, not a fall-through to another model's rules.
func TestUnknownModelPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"New":   func() { c := DefaultConfig(); c.Model = numModels; New(c, Options{}) },
		"Title": func() { _ = Model(200).Title() },
		"Doc":   func() { _ = numModels.Doc() },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "engine: ") {
					t.Errorf("%s with an unregistered model: panic %q, want one starting \"engine: \"", name, msg)
				}
			}()
			f()
		})
	}
	if got := Model(200).String(); got != "Model(?)" {
		t.Errorf("Model(200).String() = %q, want Model(?)", got)
	}
}

// TestTitles checks the accessors the menus and the page generator use.
func TestTitles(t *testing.T) {
	if got, want := ModelGthread.Title(), "gunicorn -k gthread: a pool of threads per worker process"; got != want {
		t.Errorf("ModelGthread.Title() = %q, want %q", got, want)
	}
	for _, m := range Models() {
		if !strings.HasSuffix(m.Doc(), ".") {
			t.Errorf("%v.Doc() = %q, want a paragraph that ends with a full stop", m, m.Doc())
		}
	}
}
