// Package site builds the playground's static site into a folder and serves
// that folder. Build compiles cmd/wasm (and cmd/sweepworker, which the page
// loads only for a sweep) to WebAssembly, copies wasm_exec.js
// from the same Go, copies static/, writes the page's tables (tables.js, from package
// pagedata), fills in canvas.html's {{WASM_BYTES}},
// renders the lessons, writes a favicon and gzip copies, and zips the site. NewHandler serves the result
// without ever reaching outside it. The contract of the built site is
// docs/browser-api.md.
package site

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"playground/pagedata"
)

// Placeholder is the text in canvas.html that Build replaces with the raw
// size of main.wasm in bytes.
const Placeholder = "{{WASM_BYTES}}"

// marker is the file Build leaves in the folder it writes. Build empties a
// folder that holds it and refuses to write into a non-empty folder that
// does not, so a wrong -out never deletes anything else.
const marker = ".site-build"

// Names of the files Build makes; static/ may not hold files of these names.
const (
	wasmName = "main.wasm"
	// sweepWasmName is cmd/sweepworker, the engine alone, which the page's
	// Web Workers load only when a sweep runs (static/sweepworker.js).
	sweepWasmName = "sweepworker.wasm"
	wasmExecName  = "wasm_exec.js"
	canvasName    = "canvas.html"
	lessonsDir    = "lessons"
)

// Config says what Build reads and where it writes.
type Config struct {
	// Root is the module root: it holds cmd/wasm, static/ and lessons/.
	// Empty means the current directory.
	Root string
	// Out is the folder to write the site into, such as "dist". It is
	// created if missing and emptied first if an earlier Build wrote it.
	Out string
	// Log receives progress and the size report. Nil discards them.
	Log io.Writer
}

// Build builds the site as cfg says. It fails, with the compiler's output,
// if cmd/wasm does not compile for js/wasm.
func Build(ctx context.Context, cfg Config) (*Report, error) {
	start := time.Now()
	logw := cfg.Log
	if logw == nil {
		logw = io.Discard
	}
	root := cfg.Root
	if root == "" {
		root = "."
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	if cfg.Out == "" {
		return nil, errors.New("site: no output folder given")
	}
	out, err := filepath.Abs(cfg.Out)
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	if out == root || strings.HasPrefix(root, out+string(filepath.Separator)) {
		return nil, fmt.Errorf("site: output folder %s holds the sources; choose another", cfg.Out)
	}

	if err := PrepareOut(out); err != nil {
		return nil, err
	}

	goTool, goroot, err := findGo(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logw, "site: building ./cmd/wasm for js/wasm with %s\n", goTool)
	wasm := filepath.Join(out, wasmName)
	if err := buildWasm(ctx, goTool, root, "./cmd/wasm", wasm); err != nil {
		return nil, err
	}
	// Zopfli packs main.wasm (about 30 s, unless its cache has this
	// program) while the rest of the site builds.
	packed := packInBackground(wasm)
	fmt.Fprintf(logw, "site: building ./cmd/sweepworker for js/wasm, for the sweeps' workers\n")
	if err := buildWasm(ctx, goTool, root, "./cmd/sweepworker", filepath.Join(out, sweepWasmName)); err != nil {
		return nil, err
	}
	wasmInfo, err := os.Stat(wasm)
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}

	if err := copyFile(filepath.Join(goroot, "lib", "wasm", wasmExecName), filepath.Join(out, wasmExecName)); err != nil {
		return nil, fmt.Errorf("site: copying wasm_exec.js of the Go that built main.wasm: %w", err)
	}

	n, err := CopyStatic(filepath.Join(root, "static"), out)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logw, "site: copied %d files from static/\n", n)

	if err := os.WriteFile(filepath.Join(out, pagedata.FileName), pagedata.JS(), 0o644); err != nil {
		return nil, fmt.Errorf("site: writing the page's tables: %w", err)
	}

	switch replaced, err := FillWasmBytes(filepath.Join(out, canvasName), wasmInfo.Size()); {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(logw, "site: warning: static/%s is missing, so nothing loads main.wasm yet\n", canvasName)
	case err != nil:
		return nil, err
	case replaced == 0:
		fmt.Fprintf(logw, "site: warning: %s has no %s; its progress bar cannot know the total\n", canvasName, Placeholder)
	}

	lessons, err := RenderLessons(filepath.Join(root, lessonsDir), filepath.Join(out, lessonsDir))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logw, "site: rendered %d lessons\n", lessons)

	if err := os.WriteFile(filepath.Join(out, FaviconName), Favicon(), 0o644); err != nil {
		return nil, fmt.Errorf("site: writing the favicon: %w", err)
	}

	gz, zopfli, err := packed()
	if err != nil {
		return nil, err
	}
	if !zopfli {
		fmt.Fprintf(logw, "site: warning: zopfli is not installed (apt-get install zopfli), so main.wasm.gz is gzip -9's, about 130 KB larger\n")
	}
	if err := compressSite(out, map[string][]byte{wasm: gz}); err != nil {
		return nil, err
	}

	rep, err := Measure(out)
	if err != nil {
		return nil, err
	}
	if err := WriteZip(out); err != nil {
		return nil, err
	}
	fmt.Fprintf(logw, "site: wrote %s, the site for a room without internet\n", ZipName)
	rep.Took = time.Since(start)
	fmt.Fprint(logw, rep)
	return rep, nil
}

// PrepareOut makes out an empty folder that carries Build's marker. It
// creates out if missing, empties it if it carries the marker, and refuses a
// non-empty folder without the marker.
func PrepareOut(out string) error {
	entries, err := os.ReadDir(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(out, 0o755); err != nil {
			return fmt.Errorf("site: %w", err)
		}
	case err != nil:
		return fmt.Errorf("site: output folder: %w", err)
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(out, marker)); err != nil {
			return fmt.Errorf("site: %s is not empty and was not written by this build; remove it or choose another -out", out)
		}
		for _, e := range entries {
			if err := os.RemoveAll(filepath.Join(out, e.Name())); err != nil {
				return fmt.Errorf("site: emptying %s: %w", out, err)
			}
		}
	}
	m := []byte("This folder is written by `go run ./cmd/site`; every build empties it.\n")
	if err := os.WriteFile(filepath.Join(out, marker), m, 0o644); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	return nil
}

// findGo returns the go command and its GOROOT. It takes the go on PATH
// (or else the one that built this program) and then runs GOROOT/bin/go, so
// that main.wasm and wasm_exec.js come from the same Go even when the
// toolchain is switched by GOTOOLCHAIN.
func findGo(ctx context.Context) (tool, goroot string, err error) {
	tool, err = exec.LookPath("go")
	if err != nil {
		if r := runtime.GOROOT(); r != "" {
			tool = filepath.Join(r, "bin", "go")
		} else {
			return "", "", errors.New("site: the go command is not on PATH")
		}
	}
	b, err := exec.CommandContext(ctx, tool, "env", "GOROOT").Output()
	if err != nil {
		return "", "", fmt.Errorf("site: %s env GOROOT: %w", tool, err)
	}
	goroot = strings.TrimSpace(string(b))
	if goroot == "" {
		return "", "", fmt.Errorf("site: %s env GOROOT printed nothing", tool)
	}
	return filepath.Join(goroot, "bin", "go"), goroot, nil
}

// buildWasm compiles the command pkg (such as ./cmd/wasm) under root into
// dst for js/wasm.
func buildWasm(ctx context.Context, goTool, root, pkg, dst string) error {
	cmd := exec.CommandContext(ctx, goTool, "build", "-trimpath", "-ldflags=-s", "-o", dst, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	var outb bytes.Buffer
	cmd.Stdout = &outb
	cmd.Stderr = &outb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(outb.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("site: %s does not compile for js/wasm (GOOS=js GOARCH=wasm go build %s):\n%s", pkg, pkg, msg)
	}
	return nil
}

// isWasm reports whether name is one of the programs Build compiles.
func isWasm(name string) bool { return name == wasmName || name == sweepWasmName }

// CopyStatic copies every regular file under src into dst, keeping the
// folders, and returns how many it copied. It skips names that start with
// "." (editor and OS litter) and follows no symlinks. A missing src copies
// nothing. A file that would take the name of a file Build makes is an
// error.
func CopyStatic(src, dst string) (int, error) {
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	n := 0
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		slash := filepath.ToSlash(rel)
		if isWasm(strings.TrimSuffix(slash, ".gz")) || slash == wasmExecName || slash == lessonsDir || slash == pagedata.FileName {
			return fmt.Errorf("static/%s would replace a file the build makes; rename it", slash)
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		n++
		return copyFile(p, filepath.Join(dst, rel))
	})
	if err != nil {
		return n, fmt.Errorf("site: copying static: %w", err)
	}
	return n, nil
}

// copyFile copies the regular file src to dst, replacing dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// FillWasmBytes replaces every Placeholder in the file at path with n in
// decimal and returns how many it replaced. The error wraps
// fs.ErrNotExist when the file is missing.
func FillWasmBytes(path string, n int64) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, err
		}
		return 0, fmt.Errorf("site: %w", err)
	}
	count := bytes.Count(b, []byte(Placeholder))
	if count == 0 {
		return 0, nil
	}
	b = bytes.ReplaceAll(b, []byte(Placeholder), []byte(strconv.FormatInt(n, 10)))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return 0, fmt.Errorf("site: %w", err)
	}
	return count, nil
}
