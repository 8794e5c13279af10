package site

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// compressible lists the extensions that get a .gz copy. The server sends
// X.gz instead of X whenever it exists and the browser accepts gzip.
var compressible = map[string]bool{
	".wasm": true,
	".html": true,
	".js":   true,
	".mjs":  true,
	".css":  true,
	".svg":  true,
	".json": true,
	".txt":  true,
}

// CompressSite writes X.gz beside every compressible file X under dir, at
// gzip's best compression. main.wasm.gz is always written (with Zopfli where
// it is installed: the first visit downloads it); other copies are kept only
// if they are smaller than X.
func CompressSite(dir string) error {
	return compressSite(dir, nil)
}

// compressSite is CompressSite with some files already packed: packed maps
// a file's path to its .gz bytes.
func compressSite(dir string, packed map[string][]byte) error {
	var files []string
	err := walkSite(dir, func(p string, d fs.DirEntry) error {
		if d.Type().IsRegular() && compressible[strings.ToLower(filepath.Ext(p))] {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("site: compressing: %w", err)
	}
	for _, p := range files {
		raw, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("site: compressing: %w", err)
		}
		gz, ok := packed[p]
		if !ok && p == filepath.Join(dir, wasmName) {
			gz, ok, err = Zopfli(raw)
			if err != nil {
				return err
			}
		}
		if !ok {
			if gz, err = Gzip(raw); err != nil {
				return fmt.Errorf("site: compressing %s: %w", p, err)
			}
		}
		always := isWasm(filepath.Base(p)) && filepath.Dir(p) == filepath.Clean(dir)
		if !always && len(gz) >= len(raw) {
			continue
		}
		if err := os.WriteFile(p+".gz", gz, 0o644); err != nil {
			return fmt.Errorf("site: %w", err)
		}
	}
	return nil
}

// Gzip compresses b as tightly as this machine can, for the files the site
// sends: the smaller of compress/gzip's BestCompression and the system's
// `gzip -9 -n`, when there is one (GNU gzip packs the playground's main.wasm
// about 1% tighter, 30 KB that the first visit's 3.3 MB budget needs; on
// other inputs compress/gzip can win). The header carries no name and no
// time, so the same input always gives the same bytes on one machine.
func Gzip(b []byte) ([]byte, error) {
	std, err := gzipStd(b)
	if err != nil {
		return nil, err
	}
	path, err := exec.LookPath("gzip")
	if err != nil {
		return std, nil
	}
	cmd := exec.Command(path, "-9", "-n", "-c")
	cmd.Stdin = bytes.NewReader(b)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("gzip -9: %v: %s", err, strings.TrimSpace(errb.String()))
	}
	if out.Len() < len(std) {
		return out.Bytes(), nil
	}
	return std, nil
}

// gzipStd compresses b at compress/gzip's BestCompression.
func gzipStd(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// walkSite calls fn for every file and folder under dir, in lexical order,
// leaving out names that start with "." (the build's marker, editors' files),
// which the server never serves either.
func walkSite(dir string, fn func(p string, d fs.DirEntry) error) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		return fn(p, d)
	})
}
