package pagedata

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"playground/engine"
)

var update = flag.Bool("update", false, "rewrite the generated tables in docs/browser-api.md")

const docPath = "../docs/browser-api.md"

// The docs hold the tables between <!-- pagedata:NAME --> and
// <!-- /pagedata:NAME -->; they must be what the program says.
func TestDocsAgreeWithTheProgram(t *testing.T) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	gen := map[string]string{"states": StatesMarkdown(), "failures": FailuresMarkdown(), "models": ModelsMarkdown()}
	out := string(doc)
	for _, name := range []string{"states", "failures", "models"} {
		re := regexp.MustCompile(`(?s)(<!-- pagedata:` + name + ` -->\n)(.*?)(<!-- /pagedata:` + name + ` -->)`)
		m := re.FindStringSubmatch(out)
		if m == nil {
			t.Errorf("%s has no <!-- pagedata:%s --> ... <!-- /pagedata:%s --> block", docPath, name, name)
			continue
		}
		if m[2] != gen[name] {
			if !*update {
				t.Errorf("the %s table in %s differs from the program (go test ./pagedata -update rewrites it):\ngot:\n%s\nwant:\n%s", name, docPath, m[2], gen[name])
			}
			out = strings.Replace(out, m[0], m[1]+gen[name]+m[3], 1)
		}
	}
	if *update && out != string(doc) {
		if err := os.WriteFile(docPath, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The failure causes are the JSON names of engine.Failures, in order.
func TestFailuresAreTheEnginesCauses(t *testing.T) {
	ft := reflect.TypeFor[engine.Failures]()
	var want []string
	for i := range ft.NumField() {
		want = append(want, strings.Split(ft.Field(i).Tag.Get("json"), ",")[0])
	}
	var got []string
	for _, f := range Get().Failures {
		got = append(got, f.Name)
		if f.Meaning == "" {
			t.Errorf("failure %s has no meaning", f.Name)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Get().Failures = %v, want engine.Failures' %v", got, want)
	}
}

func TestDefaultScenarioParses(t *testing.T) {
	if _, err := engine.ParseScenario(DefaultScenario); err != nil {
		t.Errorf("ParseScenario(%q) = %v", DefaultScenario, err)
	}
}

func TestTables(t *testing.T) {
	tb := Get()
	if len(tb.Models) != len(engine.Models()) || len(tb.Keys) != len(engine.Keys()) {
		t.Fatalf("Get() has %d models and %d keys, want %d and %d", len(tb.Models), len(tb.Keys), len(engine.Models()), len(engine.Keys()))
	}
	used := func(key string) []string {
		for _, k := range tb.Keys {
			if k.Name == key {
				return k.Models
			}
		}
		t.Fatalf("no key %s", key)
		return nil
	}
	for _, c := range []struct {
		key  string
		want []string
	}{
		{"threads", []string{"gthread", "fastapi", "uwsgi"}},
		{"workers", []string{"dev", "sync", "gthread", "gevent", "asyncio", "wsgi-to-asgi", "uvicorn-wsgi", "fastapi", "node", "uwsgi", "eventlet"}},
		{"io", []string{"dev", "dev-threaded", "sync", "gthread", "gevent", "asyncio", "wsgi-to-asgi", "uvicorn-wsgi", "fastapi", "node", "uwsgi", "eventlet"}},
	} {
		if got := used(c.key); !reflect.DeepEqual(got, c.want) {
			t.Errorf("key %s: Models = %v, want %v", c.key, got, c.want)
		}
	}
	// threads defaults to each server's own: gunicorn's 1, anyio's 40.
	for _, k := range tb.Keys {
		if k.Name == "threads" && !reflect.DeepEqual(k.Defaults, map[string]string{"gthread": "1", "fastapi": "40", "uwsgi": "1"}) {
			t.Errorf("key threads: Defaults = %v, want gthread 1, fastapi 40, uwsgi 1", k.Defaults)
		}
	}
	if tb.Speed.Min != 0.01 || tb.Speed.Max != 100 {
		t.Errorf("Speed = %+v, want 0.01 to 100", tb.Speed)
	}
}

// tables.js is an ES module whose default export is the tables' JSON.
func TestJS(t *testing.T) {
	js := JS()
	i, j := bytes.Index(js, []byte("export default freeze(")), bytes.LastIndex(js, []byte(");"))
	if i < 0 || j < i {
		t.Fatalf("JS() has no `export default freeze(...)`:\n%s", js)
	}
	var back Tables
	if err := json.Unmarshal(js[i+len("export default freeze("):j], &back); err != nil {
		t.Fatalf("the exported object is not the tables' JSON: %v", err)
	}
	if back.States[0].Name != Get().States[0].Name || back.States[0].Colour == "" || len(back.Keys) != len(Get().Keys) {
		t.Errorf("JS() round trip = %+v", back)
	}
}

// The hand-written pages read the tables; they do not write them out again.
func TestStaticFilesHoldNoCopies(t *testing.T) {
	files, _ := filepath.Glob("../static/*")
	if len(files) == 0 {
		t.Fatal("no files in ../static")
	}
	tb := Get()
	var copies []string
	for _, s := range tb.States {
		copies = append(copies, s.Meaning)
	}
	for _, m := range tb.Models {
		copies = append(copies, m.Title)
	}
	for _, f := range tb.Failures {
		copies = append(copies, f.Meaning)
	}
	copies = append(copies, DefaultScenario, `<option value="`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range copies {
			if bytes.Contains(b, []byte(c)) {
				t.Errorf("%s holds %q: read it from tables.js instead", f, c)
			}
		}
	}
}
