package site

import (
	"archive/zip"
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestFaviconIsAnICOWithAPNG(t *testing.T) {
	b := Favicon()
	if len(b) < 22 || !bytes.Equal(b[:6], []byte{0, 0, 1, 0, 1, 0}) {
		t.Fatalf("Favicon() starts % x, want an ICO header with one image", b[:min(len(b), 6)])
	}
	img, err := png.Decode(bytes.NewReader(b[22:]))
	if err != nil {
		t.Fatalf("Favicon()'s image is not a PNG: %v", err)
	}
	if r := img.Bounds(); r.Dx() != 32 || r.Dy() != 32 {
		t.Errorf("Favicon() image is %v, want 32x32", r)
	}
}

func TestWriteZipHoldsTheSiteUnderOneFolder(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.html": "<p>hi", "main.wasm": "wasm", "main.wasm.gz": "gz", "app.js.gz": "gz",
		"lessons/a.html": "a", marker: "m",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteZip(dir); err != nil {
		t.Fatal(err)
	}
	if err := WriteZip(dir); err != nil { // again: the zip leaves itself out
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(filepath.Join(dir, ZipName))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got := map[string]bool{}
	for _, f := range zr.File {
		got[f.Name] = true
	}
	for _, want := range []string{"index.html", "main.wasm", "main.wasm.gz", "lessons/a.html"} {
		if !got[zipRoot+want] {
			t.Errorf("zip lacks %s%s; it holds %v", zipRoot, want, got)
		}
	}
	for _, not := range []string{"app.js.gz", marker, ZipName} {
		if got[zipRoot+not] {
			t.Errorf("zip holds %s%s, want it left out", zipRoot, not)
		}
	}
}
