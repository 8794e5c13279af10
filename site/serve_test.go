package site

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The wasm bytes of the fake site: compressible, so that the .gz differs.
var fakeWasm = bytes.Repeat([]byte("\x00asm fake wasm "), 200)

const secret = "module outside-the-root // SECRET"

// writeFile writes text to dir/name, making folders.
func writeFile(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeSite makes parent/go.mod (the secret) and parent/site, a built site
// with a symlink that leads out to the secret, and returns parent/site.
func fakeSite(t *testing.T) string {
	t.Helper()
	parent := t.TempDir()
	writeFile(t, parent, "go.mod", []byte(secret))
	dir := filepath.Join(parent, "site")
	gz, err := Gzip(fakeWasm)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"index.html":        []byte("<!doctype html><title>index</title>"),
		"canvas.html":       []byte("<!doctype html><title>canvas</title>"),
		"app.js":            []byte("console.log('app')"),
		"style.css":         []byte("body{margin:0}"),
		"main.wasm":         fakeWasm,
		"main.wasm.gz":      gz,
		"lessons/gil.html":  []byte("<p>gil</p>"),
		"nodir/readme.txt":  []byte("a folder without index.html"),
		".site-build":       []byte("marker"),
		"unknown.zzzqqq":    []byte("?"),
		"lessons/index.htm": []byte("not an index"),
	} {
		writeFile(t, dir, name, b)
	}
	if err := os.Symlink(filepath.Join(parent, "go.mod"), filepath.Join(dir, "escape.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../go.mod", filepath.Join(dir, "escape-rel.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(parent, filepath.Join(dir, "up")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("app.js", filepath.Join(dir, "inside.js")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func newTestHandler(t *testing.T) http.Handler {
	t.Helper()
	h, err := NewHandler(fakeSite(t))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHandler(t *testing.T) {
	h := newTestHandler(t)
	tests := []struct {
		name, method, target, acceptEnc string
		status                          int
		ctype, cenc, body               string // "" means: not checked (body, ctype) or absent (cenc)
	}{
		{name: "root serves index.html", target: "/", status: 200, ctype: "text/html; charset=utf-8", body: "<!doctype html><title>index</title>"},
		{name: "index.html", target: "/index.html", status: 200, ctype: "text/html; charset=utf-8"},
		{name: "canvas.html", target: "/canvas.html", status: 200, ctype: "text/html; charset=utf-8"},
		{name: "js", target: "/app.js", status: 200, ctype: "text/javascript; charset=utf-8", body: "console.log('app')"},
		{name: "css", target: "/style.css", status: 200, ctype: "text/css; charset=utf-8"},
		{name: "wasm raw", target: "/main.wasm", status: 200, ctype: "application/wasm", body: string(fakeWasm)},
		{name: "wasm gzip refused by q=0", target: "/main.wasm", acceptEnc: "gzip;q=0, identity", status: 200, ctype: "application/wasm", body: string(fakeWasm)},
		{name: "wasm gzip", target: "/main.wasm", acceptEnc: "gzip, deflate, br", status: 200, ctype: "application/wasm", cenc: "gzip"},
		{name: "wasm gzip HEAD", method: "HEAD", target: "/main.wasm", acceptEnc: "gzip", status: 200, ctype: "application/wasm", cenc: "gzip"},
		{name: "no gz copy: raw even if gzip accepted", target: "/app.js", acceptEnc: "gzip", status: 200, ctype: "text/javascript; charset=utf-8", body: "console.log('app')"},
		{name: "unknown extension", target: "/unknown.zzzqqq", status: 200, ctype: "application/octet-stream"},
		{name: "symlink inside the root", target: "/inside.js", status: 200, body: "console.log('app')"},
		{name: "dotdot", target: "/../go.mod", status: 400},
		{name: "dotdot deeper", target: "/lessons/../../go.mod", status: 400},
		{name: "encoded dotdot", target: "/%2e%2e/go.mod", status: 400},
		{name: "encoded dotdot and slash", target: "/lessons%2f..%2f..%2fgo.mod", status: 400},
		{name: "backslash", target: "/..%5cgo.mod", status: 400},
		{name: "absolute path in the URL", target: "/%2fetc/passwd", status: 404},
		{name: "symlink out, absolute", target: "/escape.txt", status: 404},
		{name: "symlink out, relative", target: "/escape-rel.txt", status: 404},
		{name: "symlinked folder out", target: "/up/go.mod", status: 404},
		{name: "marker is hidden", target: "/.site-build", status: 404},
		{name: "missing", target: "/nope.html", status: 404},
		{name: "no listing", target: "/nodir/", status: 404},
		{name: "folder index", target: "/lessons/gil.html", status: 200},
		{name: "folder redirect", target: "/lessons", status: 301},
		{name: "file with slash", target: "/app.js/", status: 404},
		{name: "POST", method: "POST", target: "/", status: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = "GET"
			}
			req := httptest.NewRequest(method, tt.target, nil)
			if tt.acceptEnc != "" {
				req.Header.Set("Accept-Encoding", tt.acceptEnc)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.status {
				t.Fatalf("%s %s: status = %d, want %d (body %q)", method, tt.target, res.StatusCode, tt.status, body)
			}
			if strings.Contains(string(body), "SECRET") {
				t.Fatalf("%s %s: body holds the file outside the root: %q", method, tt.target, body)
			}
			if tt.ctype != "" {
				if got := res.Header.Get("Content-Type"); got != tt.ctype {
					t.Errorf("%s %s: Content-Type = %q, want %q", method, tt.target, got, tt.ctype)
				}
			}
			if got := res.Header.Get("Content-Encoding"); got != tt.cenc {
				t.Errorf("%s %s: Content-Encoding = %q, want %q", method, tt.target, got, tt.cenc)
			}
			if tt.body != "" && string(body) != tt.body {
				t.Errorf("%s %s: body = %.60q, want %.60q", method, tt.target, body, tt.body)
			}
		})
	}
}

func TestHandlerGzipAnswer(t *testing.T) {
	h := newTestHandler(t)
	for _, enc := range []string{"", "gzip"} {
		req := httptest.NewRequest("GET", "/main.wasm", nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary = %q, want Accept-Encoding", enc, got)
		}
		body, _ := io.ReadAll(res.Body)
		if enc == "" {
			if !bytes.Equal(body, fakeWasm) {
				t.Errorf("Accept-Encoding %q: body is not the raw main.wasm", enc)
			}
			continue
		}
		if got, want := res.Header.Get("Content-Length"), len(body); got != strconv.Itoa(want) {
			t.Errorf("gzip: Content-Length = %q, want %d", got, want)
		}
		if len(body) >= len(fakeWasm) {
			t.Errorf("gzip: body is %d bytes, want fewer than the raw %d", len(body), len(fakeWasm))
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip: body is not gzip: %v", err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(raw, fakeWasm) {
			t.Errorf("gzip: body does not decompress to main.wasm (err %v)", err)
		}
	}
}

// TestServerRawTraversal sends raw request lines through a real server, so
// nothing in a client cleans the path first.
func TestServerRawTraversal(t *testing.T) {
	srv := httptest.NewServer(newTestHandler(t))
	defer srv.Close()
	for _, target := range []string{"/../go.mod", "/%2e%2e/go.mod", "/%2E%2E%2Fgo.mod", "/escape.txt", "/up/go.mod", "/./../go.mod"} {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			conn.Close()
			t.Fatalf("GET %s: %v", target, err)
		}
		body, _ := io.ReadAll(res.Body)
		conn.Close()
		if res.StatusCode == http.StatusOK || strings.Contains(string(body), "SECRET") {
			t.Errorf("GET %s = %d %q, want a refusal", target, res.StatusCode, body)
		}
	}
}

func TestNewHandlerMissingDir(t *testing.T) {
	if _, err := NewHandler(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("NewHandler(missing folder) = nil error, want an error")
	}
	f := filepath.Join(t.TempDir(), "file")
	writeFile(t, filepath.Dir(f), "file", []byte("x"))
	if _, err := NewHandler(f); err == nil {
		t.Error("NewHandler(a file) = nil error, want an error")
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", false},
		{"gzip", true},
		{"GZip", true},
		{"gzip, deflate, br, zstd", true},
		{"deflate, br", false},
		{"identity", false},
		{"gzip;q=0", false},
		{"gzip; q=0.5", true},
		{"br;q=1.0, gzip;q=0.8, *;q=0.1", true},
		{"*", true},
		{"*;q=0", false},
		{"gzip;q=0, *", false},
		{"x-gzip", true},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.in != "" {
			h.Set("Accept-Encoding", tt.in)
		}
		if got := AcceptsGzip(h); got != tt.want {
			t.Errorf("AcceptsGzip(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestContentType(t *testing.T) {
	tests := []struct{ name, want string }{
		{"main.wasm", "application/wasm"},
		{"wasm_exec.js", "text/javascript; charset=utf-8"},
		{"a/b/style.CSS", "text/css; charset=utf-8"},
		{"index.html", "text/html; charset=utf-8"},
		{"noext", "application/octet-stream"},
	}
	for _, tt := range tests {
		if got := ContentType(tt.name); got != tt.want {
			t.Errorf("ContentType(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
