package site

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// zopfliIterations is the zopfli effort for main.wasm. On the playground's
// 13 MB program one iteration packs 130 KB tighter than gzip -9 and takes
// about 30 s; more iterations cost more time for a few KB.
const zopfliIterations = 1

// Zopfli compresses b with Debian's zopfli (the same gzip format, 4% smaller
// than gzip -9 on main.wasm: the first visit's download needs it under its
// 3.3 MB budget) and keeps the result in the user's cache folder under the
// SHA-256 of b, so that a build of an unchanged program costs nothing. It
// returns ok false, and no error, when zopfli is not installed. A cached
// copy is used only if it unpacks to b.
func Zopfli(b []byte) (gz []byte, ok bool, err error) {
	path, err := exec.LookPath("zopfli")
	if err != nil {
		return nil, false, nil
	}
	sum := sha256.Sum256(b)
	key := fmt.Sprintf("%s-i%d.gz", hex.EncodeToString(sum[:]), zopfliIterations)
	dir := zopfliCacheDir()
	if dir != "" {
		if c, err := os.ReadFile(filepath.Join(dir, key)); err == nil && unpacksTo(c, b) {
			return c, true, nil
		}
	}
	tmp, err := os.MkdirTemp("", "site-zopfli-")
	if err != nil {
		return nil, false, fmt.Errorf("site: zopfli: %w", err)
	}
	defer os.RemoveAll(tmp)
	in := filepath.Join(tmp, "in")
	if err := os.WriteFile(in, b, 0o644); err != nil {
		return nil, false, fmt.Errorf("site: zopfli: %w", err)
	}
	cmd := exec.Command(path, fmt.Sprintf("--i%d", zopfliIterations), "--gzip", "-c", in)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, false, fmt.Errorf("site: zopfli: %v: %s", err, strings.TrimSpace(errb.String()))
	}
	gz = out.Bytes()
	if !unpacksTo(gz, b) {
		return nil, false, errors.New("site: zopfli wrote a gzip file that does not unpack to its input")
	}
	if dir != "" && os.MkdirAll(dir, 0o755) == nil {
		// Written whole under a name of its own, then renamed: a build
		// stopped halfway, or two at once, leave no partial entry (and
		// unpacksTo would refuse one anyway).
		if f, err := os.CreateTemp(dir, key+".part-*"); err == nil {
			_, werr := f.Write(gz)
			if cerr := f.Close(); werr == nil && cerr == nil {
				os.Rename(f.Name(), filepath.Join(dir, key))
			}
			os.Remove(f.Name()) // gone after a rename; else the leftover
		}
	}
	return gz, true, nil
}

// zopfliCacheDir is where Zopfli keeps what it packed, or "" for nowhere.
func zopfliCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "playground-site", "zopfli")
}

// unpacksTo reports whether the gzip file gz unpacks to want.
func unpacksTo(gz, want []byte) bool {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return false
	}
	got, err := io.ReadAll(zr)
	return err == nil && bytes.Equal(got, want)
}

// packInBackground starts packing the file at path for the site and
// returns a function that waits for it: the .gz bytes (Zopfli's, or gzip
// -9's when zopfli is missing) and whether Zopfli made them.
func packInBackground(path string) func() ([]byte, bool, error) {
	type result struct {
		gz     []byte
		zopfli bool
		err    error
	}
	ch := make(chan result, 1)
	go func() {
		raw, err := os.ReadFile(path)
		if err != nil {
			ch <- result{err: fmt.Errorf("site: %w", err)}
			return
		}
		gz, ok, err := Zopfli(raw)
		if err == nil && !ok {
			gz, err = Gzip(raw)
		}
		ch <- result{gz, ok, err}
	}()
	return func() ([]byte, bool, error) {
		r := <-ch
		return r.gz, r.zopfli, r.err
	}
}
