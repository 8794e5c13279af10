package site

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"playground/pagedata"
)

// gunzipFile returns the decompressed bytes of the gzip file at p.
func gunzipFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s is not gzip: %v", p, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return raw
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func TestPrepareOut(t *testing.T) {
	t.Run("missing folder is created", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "a", "dist")
		if err := PrepareOut(out); err != nil {
			t.Fatalf("PrepareOut(new) = %v, want nil", err)
		}
		if !exists(filepath.Join(out, marker)) {
			t.Errorf("PrepareOut(new) left no marker")
		}
	})
	t.Run("earlier build is emptied", func(t *testing.T) {
		out := t.TempDir()
		writeFile(t, out, marker, nil)
		writeFile(t, out, "old.html", []byte("stale"))
		writeFile(t, out, "lessons/old.html", []byte("stale"))
		if err := PrepareOut(out); err != nil {
			t.Fatalf("PrepareOut(built) = %v, want nil", err)
		}
		entries, _ := os.ReadDir(out)
		if len(entries) != 1 || entries[0].Name() != marker {
			t.Errorf("PrepareOut(built) left %v, want only %s", entries, marker)
		}
	})
	t.Run("foreign folder is refused and kept", func(t *testing.T) {
		out := t.TempDir()
		writeFile(t, out, "precious.txt", []byte("mine"))
		if err := PrepareOut(out); err == nil {
			t.Fatal("PrepareOut(foreign, non-empty) = nil, want an error")
		}
		if b, _ := os.ReadFile(filepath.Join(out, "precious.txt")); string(b) != "mine" {
			t.Errorf("PrepareOut(foreign) changed precious.txt to %q", b)
		}
	})
}

func TestCopyStatic(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	writeFile(t, src, "index.html", []byte("i"))
	writeFile(t, src, "css/site.css", []byte("c"))
	writeFile(t, src, ".index.html.swp", []byte("litter"))
	writeFile(t, src, ".git/HEAD", []byte("litter"))
	n, err := CopyStatic(src, dst)
	if err != nil || n != 2 {
		t.Fatalf("CopyStatic = %d, %v, want 2, nil", n, err)
	}
	for name, want := range map[string]string{"index.html": "i", "css/site.css": "c"} {
		if b, err := os.ReadFile(filepath.Join(dst, name)); err != nil || string(b) != want {
			t.Errorf("copied %s = %q, %v, want %q", name, b, err, want)
		}
	}
	for _, name := range []string{".index.html.swp", ".git"} {
		if exists(filepath.Join(dst, name)) {
			t.Errorf("CopyStatic copied %s, want it skipped", name)
		}
	}

	if n, err := CopyStatic(filepath.Join(src, "missing"), dst); err != nil || n != 0 {
		t.Errorf("CopyStatic(missing) = %d, %v, want 0, nil", n, err)
	}

	writeFile(t, src, "wasm_exec.js", []byte("an old copy"))
	if _, err := CopyStatic(src, t.TempDir()); err == nil || !strings.Contains(err.Error(), "wasm_exec.js") {
		t.Errorf("CopyStatic(with wasm_exec.js) = %v, want an error naming wasm_exec.js", err)
	}
}

func TestFillWasmBytes(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "canvas.html")
	writeFile(t, dir, "canvas.html", []byte(`<div data-total="{{WASM_BYTES}}"></div><script>const total = {{WASM_BYTES}};</script>`))
	n, err := FillWasmBytes(p, 1234567)
	if err != nil || n != 2 {
		t.Fatalf("FillWasmBytes = %d, %v, want 2, nil", n, err)
	}
	got, _ := os.ReadFile(p)
	want := `<div data-total="1234567"></div><script>const total = 1234567;</script>`
	if string(got) != want {
		t.Errorf("after FillWasmBytes canvas.html = %q, want %q", got, want)
	}

	if n, err := FillWasmBytes(p, 1); err != nil || n != 0 {
		t.Errorf("FillWasmBytes(no placeholder) = %d, %v, want 0, nil", n, err)
	}
	if _, err := FillWasmBytes(filepath.Join(dir, "missing.html"), 1); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("FillWasmBytes(missing) = %v, want fs.ErrNotExist", err)
	}
}

func TestCompressSite(t *testing.T) {
	dir := t.TempDir()
	big := []byte(strings.Repeat("<p>a compressible page</p>\n", 100))
	tiny := []byte("x")
	wasm := []byte("\x00asm\x01\x00\x00\x00") // too small to shrink, still gets a .gz
	writeFile(t, dir, "index.html", big)
	writeFile(t, dir, "lessons/gil.html", big)
	writeFile(t, dir, "tiny.js", tiny)
	writeFile(t, dir, "main.wasm", wasm)
	writeFile(t, dir, "photo.png", big)
	writeFile(t, dir, ".site-build", big)
	if err := CompressSite(dir); err != nil {
		t.Fatal(err)
	}
	for name, raw := range map[string][]byte{"index.html": big, "lessons/gil.html": big, "main.wasm": wasm} {
		if got := gunzipFile(t, filepath.Join(dir, name+".gz")); !bytes.Equal(got, raw) {
			t.Errorf("%s.gz decompresses to %d bytes, want the %d of %s", name, len(got), len(raw), name)
		}
	}
	for _, name := range []string{"tiny.js.gz", "photo.png.gz", ".site-build.gz"} {
		if exists(filepath.Join(dir, name)) {
			t.Errorf("CompressSite wrote %s, want none", name)
		}
	}
	gz, _ := os.ReadFile(filepath.Join(dir, "index.html.gz"))
	best, _ := Gzip(big)
	if !bytes.Equal(gz, best) {
		t.Errorf("index.html.gz is not gzip at best compression")
	}
}

func TestGzipIsReproducible(t *testing.T) {
	in := []byte(strings.Repeat("same input ", 50))
	a, err := Gzip(in)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Gzip(in)
	if !bytes.Equal(a, b) {
		t.Error("Gzip(x) twice gave different bytes")
	}
}

// Gzip's bytes unpack to the input, and are never larger than
// compress/gzip's best.
func TestGzipRoundTripsAndPacksAtLeastAsTightly(t *testing.T) {
	var in []byte
	for i := 0; i < 20000; i++ {
		in = append(in, fmt.Sprintf("line %d of %d, %x\n", i, i*i%977, i*7919)...)
	}
	gz, err := Gzip(in)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(out, in) {
		t.Fatalf("Gzip's bytes unpack to %d bytes (err %v), want the %d put in", len(out), err, len(in))
	}
	std, _ := gzipStd(in)
	if len(gz) > len(std) {
		t.Errorf("Gzip gave %d bytes, compress/gzip's best %d", len(gz), len(std))
	}
}

func TestFetchedBy(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "index.html", []byte(`<link rel="stylesheet" href="site.css"><script src="app.js" defer></script>
<a href="embed.html">embed</a> <!-- <script src="old.js"></script> -->
<iframe src="canvas.html?model=sync"></iframe><img src="https://example.com/x.png">`))
	writeFile(t, dir, "canvas.html", []byte(`<script src="./wasm_exec.js"></script><script>fetch('main.wasm')</script>`))
	writeFile(t, dir, "site.css", []byte(`body { background: url(img/bg.png) }`))
	for _, name := range []string{"app.js", "embed.html", "old.js", "wasm_exec.js", "main.wasm", "img/bg.png"} {
		writeFile(t, dir, name, []byte("x"))
	}
	got := FetchedBy(dir, "index.html")
	want := []string{"index.html", "site.css", "app.js", "canvas.html", "img/bg.png", "wasm_exec.js", "main.wasm"}
	if !slices.Equal(got, want) {
		t.Errorf("FetchedBy(index.html) = %q, want %q", got, want)
	}
}

// The site's first visit does not fetch the sweep workers' program: the
// playground loads the pool that starts them, and the pool starts them
// (and they fetch sweepworker.wasm) only when a sweep runs.
func TestSweepWorkerIsNotFetchedOnLoad(t *testing.T) {
	got := FetchedBy("../static", "index.html")
	if !slices.Contains(got, "sweeppool.js") {
		t.Errorf("FetchedBy(static, index.html) = %q; want it to hold sweeppool.js", got)
	}
	for _, name := range got {
		if strings.HasPrefix(name, "sweepworker") {
			t.Errorf("FetchedBy(static, index.html) holds %s: the first visit would download the sweep worker", name)
		}
	}
}

// writeModule writes a small Go module with a cmd/wasm program and a
// static/ folder, and returns its root.
func writeModule(t *testing.T, wasmMain string) string {
	t.Helper()
	root := t.TempDir()
	writeFile(t, root, "go.mod", []byte("module sitetest\n\ngo 1.26\n"))
	writeFile(t, root, "cmd/wasm/main.go", []byte(wasmMain))
	writeFile(t, root, "cmd/sweepworker/main.go", []byte("package main\n\nfunc main() {}\n"))
	writeFile(t, root, "static/canvas.html", []byte(`<script src="wasm_exec.js"></script><script>const total = {{WASM_BYTES}}; fetch("main.wasm")</script>`))
	writeFile(t, root, "static/index.html", []byte(`<iframe src="canvas.html"></iframe>`))
	writeFile(t, root, "static/site.css", []byte(strings.Repeat("body { margin: 0 }\n", 20)))
	return root
}

func needGo(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds for js/wasm; skipped with -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
}

func TestBuild(t *testing.T) {
	needGo(t)
	root := writeModule(t, "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello from wasm\") }\n")
	out := filepath.Join(t.TempDir(), "dist")
	var log bytes.Buffer
	rep, err := Build(context.Background(), Config{Root: root, Out: out, Log: &log})
	if err != nil {
		t.Fatalf("Build = %v\n%s", err, log.String())
	}

	wasm, err := os.ReadFile(filepath.Join(out, "main.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(wasm, []byte("\x00asm")) {
		t.Errorf("main.wasm does not start with the wasm magic")
	}
	if got := gunzipFile(t, filepath.Join(out, "main.wasm.gz")); !bytes.Equal(got, wasm) {
		t.Errorf("main.wasm.gz does not decompress to main.wasm")
	}
	sweep, err := os.ReadFile(filepath.Join(out, "sweepworker.wasm"))
	if err != nil || !bytes.HasPrefix(sweep, []byte("\x00asm")) {
		t.Errorf("dist has no sweepworker.wasm (err %v)", err)
	} else if got := gunzipFile(t, filepath.Join(out, "sweepworker.wasm.gz")); !bytes.Equal(got, sweep) {
		t.Errorf("sweepworker.wasm.gz does not decompress to sweepworker.wasm")
	}
	canvas, _ := os.ReadFile(filepath.Join(out, "canvas.html"))
	if want := "const total = " + strconv.Itoa(len(wasm)) + ";"; !strings.Contains(string(canvas), want) {
		t.Errorf("canvas.html = %q, want it to hold %q", canvas, want)
	}

	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	wantExec, _ := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if gotExec, _ := os.ReadFile(filepath.Join(out, "wasm_exec.js")); len(wantExec) == 0 || !bytes.Equal(gotExec, wantExec) {
		t.Errorf("dist/wasm_exec.js is not GOROOT/lib/wasm/wasm_exec.js")
	}
	if tables, _ := os.ReadFile(filepath.Join(out, pagedata.FileName)); !bytes.Equal(tables, pagedata.JS()) {
		t.Errorf("dist/%s is not pagedata.JS()", pagedata.FileName)
	}
	for _, name := range []string{"index.html", "site.css", "site.css.gz", "wasm_exec.js.gz"} {
		if !exists(filepath.Join(out, name)) {
			t.Errorf("dist has no %s", name)
		}
	}

	var page *Page
	for i := range rep.Pages {
		if rep.Pages[i].Name == "index.html" {
			page = &rep.Pages[i]
		}
	}
	if page == nil || !slices.Contains(page.Fetches, "main.wasm") || page.Sent >= page.Raw {
		t.Errorf("report for index.html = %+v, want it to fetch main.wasm and send less than raw", page)
	}
	if !strings.Contains(log.String(), "main.wasm") {
		t.Errorf("Build's log does not mention main.wasm:\n%s", log.String())
	}

	// A second build into the same folder empties it first.
	writeFile(t, out, "stale.html", []byte("old"))
	if _, err := Build(context.Background(), Config{Root: root, Out: out}); err != nil {
		t.Fatalf("second Build = %v", err)
	}
	if exists(filepath.Join(out, "stale.html")) {
		t.Errorf("second Build left stale.html")
	}
}

func TestBuildFailsWhenWasmDoesNotCompile(t *testing.T) {
	needGo(t)
	root := writeModule(t, "package main\n\nfunc main() { undefinedName() }\n")
	_, err := Build(context.Background(), Config{Root: root, Out: filepath.Join(t.TempDir(), "dist")})
	if err == nil {
		t.Fatal("Build(broken cmd/wasm) = nil, want an error")
	}
	for _, want := range []string{"cmd/wasm does not compile", "undefinedName"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Build(broken cmd/wasm) = %q, want it to contain %q", err, want)
		}
	}
}
