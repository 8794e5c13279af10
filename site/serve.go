package site

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// contentTypes fixes the type of the files the site is made of, so that the
// answer does not depend on the machine's mime tables. Other extensions fall
// back to mime.TypeByExtension, then to application/octet-stream.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".wasm": "application/wasm",
	".json": "application/json",
	".map":  "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
	".md":   "text/markdown; charset=utf-8",
	".gz":   "application/gzip",
}

// ContentType returns the Content-Type the server sends for a file name.
func ContentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// handler serves the files under dir and nothing outside it.
type handler struct {
	dir string // absolute
}

// NewHandler returns a handler that serves the static site in the folder
// root. It serves GET and HEAD only; "/" and every folder serve their
// index.html, and there are no directory listings. Every request opens root
// with os.OpenRoot, so a path with "..", an absolute path or a symlink that
// leads outside root is refused, and a rebuilt root is picked up. Names that
// start with "." are not served. When the request accepts gzip and X.gz
// exists beside X, the answer to X is X.gz with Content-Encoding: gzip and
// the content type of X.
func NewHandler(root string) (http.Handler, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	r, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("site: cannot serve %s: %w (build the site first: ./scripts/build)", root, err)
	}
	r.Close()
	return &handler{dir: abs}, nil
}

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	upath := r.URL.Path
	if !validURLPath(upath) {
		http.Error(w, "400 invalid URL path", http.StatusBadRequest)
		return
	}
	name := strings.TrimPrefix(path.Clean(upath), "/")
	if name == "" {
		name = "."
	}
	if hidden(name) {
		http.NotFound(w, r)
		return
	}

	root, err := os.OpenRoot(h.dir)
	if err != nil {
		http.Error(w, "500 site folder is gone", http.StatusInternalServerError)
		return
	}
	defer root.Close()

	fi, err := root.Stat(name)
	if err != nil {
		fail(w, r, err)
		return
	}
	if fi.IsDir() {
		if !strings.HasSuffix(upath, "/") {
			redirect(w, r, path.Base(upath)+"/")
			return
		}
		name = path.Join(name, "index.html")
		if fi, err = root.Stat(name); err != nil {
			fail(w, r, err)
			return
		}
	} else if strings.HasSuffix(upath, "/") {
		http.NotFound(w, r)
		return
	}
	if !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}

	hdr := w.Header()
	hdr.Set("Content-Type", ContentType(name))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-cache")

	send := name
	if !strings.HasSuffix(name, ".gz") {
		if gz, err := root.Stat(name + ".gz"); err == nil && gz.Mode().IsRegular() {
			hdr.Add("Vary", "Accept-Encoding")
			if AcceptsGzip(r.Header) {
				send, fi = name+".gz", gz
				hdr.Set("Content-Encoding", "gzip")
			}
		}
	}
	f, err := root.Open(send)
	if err != nil {
		hdr.Del("Content-Encoding")
		fail(w, r, err)
		return
	}
	defer f.Close()
	if hdr.Get("Content-Encoding") != "" {
		w = &lengthWriter{ResponseWriter: w, size: fi.Size()}
	}
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

// lengthWriter sets Content-Length on a whole (200) answer of a
// precompressed file, which http.ServeContent leaves out when
// Content-Encoding is set.
type lengthWriter struct {
	http.ResponseWriter
	size int64
}

// WriteHeader implements http.ResponseWriter.
func (lw *lengthWriter) WriteHeader(code int) {
	h := lw.Header()
	if code == http.StatusOK && h.Get("Content-Length") == "" && h.Get("Content-Encoding") != "" {
		h.Set("Content-Length", strconv.FormatInt(lw.size, 10))
	}
	lw.ResponseWriter.WriteHeader(code)
}

// validURLPath reports whether p is a rooted path with no ".." segment, no
// backslash and no NUL. The URL path is already decoded, so "%2e%2e" is
// "..", and "%2f" is "/".
func validURLPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return false
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == ".." {
			return false
		}
	}
	return true
}

// hidden reports whether a cleaned, slash-separated name has a segment
// that starts with ".", such as the build's marker file or a .git folder.
func hidden(name string) bool {
	if name == "." {
		return false
	}
	for seg := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// fail answers an error from opening a file: 403 for a permission error,
// 404 for everything else, including a symlink that leads outside the root.
func fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, fs.ErrPermission) {
		http.Error(w, "403 forbidden", http.StatusForbidden)
		return
	}
	http.NotFound(w, r)
}

// redirect sends a relative redirect to target, keeping the query.
func redirect(w http.ResponseWriter, r *http.Request, target string) {
	if q := r.URL.RawQuery; q != "" {
		target += "?" + q
	}
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusMovedPermanently)
}

// AcceptsGzip reports whether a request's Accept-Encoding allows gzip:
// "gzip" or "x-gzip" with a q above 0, or else "*" with a q above 0.
func AcceptsGzip(h http.Header) bool {
	gzipQ, anyQ := -1.0, -1.0
	for _, v := range h.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			q := 1.0
			for p := range strings.SplitSeq(params, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
						q = f
					}
				}
			}
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip":
				gzipQ = max(gzipQ, q)
			case "*":
				anyQ = max(anyQ, q)
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return anyQ > 0
}

// Serve serves the site in dir on addr (host:port) until ctx is done, then
// shuts down gracefully. Once it listens, it writes the site's URL on a line
// of its own to out.
func Serve(ctx context.Context, dir, addr string, out io.Writer) error {
	h, err := NewHandler(dir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()

	tcp := ln.Addr().(*net.TCPAddr)
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		fmt.Fprintf(os.Stderr, "site: warning: listening on every interface (%s), not only this machine\n", ln.Addr())
		host = "127.0.0.1"
	}
	fmt.Fprintf(out, "http://%s/\n", net.JoinHostPort(host, strconv.Itoa(tcp.Port)))

	select {
	case err := <-done:
		return fmt.Errorf("site: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("site: shutdown: %w", err)
	}
	return nil
}
