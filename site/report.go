package site

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// FileSize is the size of one file of the built site.
type FileSize struct {
	Name string // slash-separated, relative to the site folder
	Raw  int64  // bytes on disk
	Gzip int64  // bytes at gzip's best compression
	Sent int64  // bytes the server sends to a browser that accepts gzip
}

// Page is one top-level .html page and what loading it fetches.
type Page struct {
	Name    string   // such as "index.html"
	Fetches []string // the page itself first, then what it loads, found by FetchedBy
	Raw     int64    // raw bytes of all of Fetches
	Sent    int64    // bytes sent to a browser that accepts gzip
}

// Report gives the sizes of a built site.
type Report struct {
	Dir   string
	Files []FileSize // every file but the .gz copies, by name
	Pages []Page     // every top-level .html page, by name
	Took  time.Duration
}

// Measure measures the site in dir: each file raw, gzipped and as sent, and
// each top-level page with everything it fetches.
func Measure(dir string) (*Report, error) {
	rep := &Report{Dir: dir}
	sizes := map[string]FileSize{}
	err := walkSite(dir, func(p string, d fs.DirEntry) error {
		if !d.Type().IsRegular() || strings.HasSuffix(p, ".gz") {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		gz, err := Gzip(raw)
		if err != nil {
			return err
		}
		fsz := FileSize{Name: filepath.ToSlash(rel), Raw: int64(len(raw)), Gzip: int64(len(gz)), Sent: int64(len(raw))}
		if fi, err := os.Stat(p + ".gz"); err == nil && fi.Mode().IsRegular() {
			fsz.Sent = fi.Size()
		}
		sizes[fsz.Name] = fsz
		rep.Files = append(rep.Files, fsz)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("site: measuring: %w", err)
	}
	slices.SortFunc(rep.Files, func(a, b FileSize) int { return strings.Compare(a.Name, b.Name) })

	for _, f := range rep.Files {
		if strings.Contains(f.Name, "/") || path.Ext(f.Name) != ".html" {
			continue
		}
		pg := Page{Name: f.Name, Fetches: FetchedBy(dir, f.Name)}
		for _, name := range pg.Fetches {
			pg.Raw += sizes[name].Raw
			pg.Sent += sizes[name].Sent
		}
		rep.Pages = append(rep.Pages, pg)
	}
	return rep, nil
}

// String formats the report as a table for the terminal.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "site: built %s", r.Dir)
	if r.Took > 0 {
		fmt.Fprintf(&b, " in %.1fs", r.Took.Seconds())
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "  %-28s %10s %10s %10s\n", "file", "raw", "gzip", "sent")
	var raw, gz, sent int64
	for _, f := range r.Files {
		fmt.Fprintf(&b, "  %-28s %10s %10s %10s\n", f.Name, human(f.Raw), human(f.Gzip), human(f.Sent))
		raw, gz, sent = raw+f.Raw, gz+f.Gzip, sent+f.Sent
	}
	fmt.Fprintf(&b, "  %-28s %10s %10s %10s\n", "all files", human(raw), human(gz), human(sent))
	if len(r.Pages) > 0 {
		fmt.Fprintf(&b, "  %-28s %10s %10s  %s\n", "page loads", "raw", "sent", "fetches")
		for _, p := range r.Pages {
			fmt.Fprintf(&b, "  %-28s %10s %10s  %s\n", p.Name, human(p.Raw), human(p.Sent), strings.Join(p.Fetches, " "))
		}
	}
	return b.String()
}

// human formats a byte count as B, KiB or MiB.
func human(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	default:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1024*1024))
	}
}

var (
	// anchorTag matches <a ...> tags, whose href is a link, not a fetch.
	anchorTag = regexp.MustCompile(`(?is)<a\s[^>]*>|<!--.*?-->`)
	// localRef matches a quoted or url()-wrapped relative path to a file of
	// a kind that a page loads.
	localRef = regexp.MustCompile("[\"'`(]([A-Za-z0-9_./-]+\\.(?:wasm|js|mjs|css|html|png|jpe?g|gif|webp|svg|ico|json|woff2?))(?:[?#][^\"'`()\\s]*)?[\"'`)]")
)

// FetchedBy returns the page at name (slash-separated, relative to dir)
// and the files of dir that loading it fetches, in the order found. It is a
// heuristic: it follows every quoted relative path to an existing file in
// the page and, recursively, in the .html, .js and .css files found, except
// the targets of <a href>. So an <iframe src="canvas.html"> counts, and so
// does fetch("main.wasm") in a script.
func FetchedBy(dir, name string) []string {
	seen := map[string]bool{name: true}
	order := []string{name}
	for i := 0; i < len(order); i++ {
		cur := order[i]
		switch path.Ext(cur) {
		case ".html", ".js", ".mjs", ".css":
		default:
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(cur)))
		if err != nil {
			continue
		}
		text := string(b)
		if path.Ext(cur) == ".html" {
			text = anchorTag.ReplaceAllString(text, "")
		}
		for _, m := range localRef.FindAllStringSubmatch(text, -1) {
			ref := m[1]
			var p string
			if strings.HasPrefix(ref, "/") {
				p = path.Clean(strings.TrimPrefix(ref, "/"))
			} else {
				p = path.Join(path.Dir(cur), ref)
			}
			if seen[p] || p == "." || strings.HasPrefix(p, "../") {
				continue
			}
			if fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err != nil || !fi.Mode().IsRegular() {
				continue
			}
			seen[p] = true
			order = append(order, p)
		}
	}
	return order
}
