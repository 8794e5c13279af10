package site

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ZipName is the zip of the site that Build writes into the site's folder,
// for a room without internet: unzip it and serve the folder with any
// static file server (python3 -m http.server).
const ZipName = "concurrency-playground.zip"

// zipRoot is the folder the zip unpacks into.
const zipRoot = "concurrency-playground/"

// FaviconName is the icon Build writes, so that no browser's request for
// /favicon.ico is a 404. The pages link favicon.svg (from static/).
const FaviconName = "favicon.ico"

// WriteZip zips the site in dir (every file but the build's marker, the
// .gz copies a plain file server does not use, and the zip itself) into
// dir/ZipName, under one folder. main.wasm.gz stays: the loader fetches it.
func WriteZip(dir string) error {
	dst := filepath.Join(dir, ZipName)
	f, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("site: zip: %w", err)
	}
	zw := zip.NewWriter(f)
	err = walkSite(dir, func(p string, d fs.DirEntry) error {
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		if !d.Type().IsRegular() || name == ZipName || name == marker ||
			(strings.HasSuffix(name, ".gz") && !isWasm(strings.TrimSuffix(name, ".gz"))) {
			return nil
		}
		method := zip.Deflate
		if strings.HasSuffix(name, ".gz") {
			method = zip.Store // already compressed
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zipRoot + name, Method: method})
		if err != nil {
			return err
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		_, err = io.Copy(w, in)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return fmt.Errorf("site: zip: %w", err)
	}
	return nil
}

// Favicon returns a 32x32 icon in the ICO format (one PNG image inside):
// four request dots on two paths, in the colours of the legend.
func Favicon() []byte {
	const n = 32
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	bg := color.NRGBA{0x15, 0x17, 0x1b, 0xff}
	line := color.NRGBA{0x3a, 0x3f, 0x49, 0xff}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			img.Set(x, y, bg)
		}
		if y == 9 || y == 10 || y == 21 || y == 22 {
			for x := 3; x < n-3; x++ {
				img.Set(x, y, line)
			}
		}
	}
	dots := []struct {
		x, y float64
		c    color.NRGBA
	}{
		{8, 10, color.NRGBA{0x56, 0xb4, 0xe9, 0xff}},
		{17, 10, color.NRGBA{0xf0, 0xe4, 0x42, 0xff}},
		{12, 22, color.NRGBA{0xe6, 0x9f, 0x00, 0xff}},
		{24, 22, color.NRGBA{0x2e, 0xe8, 0x8a, 0xff}},
	}
	for _, d := range dots {
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				dx, dy := float64(x)+0.5-d.x, float64(y)+0.5-d.y
				if dx*dx+dy*dy <= 3.6*3.6 {
					img.Set(x, y, d.c)
				}
			}
		}
	}
	var pngb bytes.Buffer
	if err := png.Encode(&pngb, img); err != nil {
		panic("site: encoding the favicon: " + err.Error())
	}
	var b bytes.Buffer
	// ICONDIR, then one ICONDIRENTRY pointing at the PNG after them.
	binary.Write(&b, binary.LittleEndian, [3]uint16{0, 1, 1})
	b.Write([]byte{n, n, 0, 0})
	binary.Write(&b, binary.LittleEndian, [2]uint16{1, 32})
	binary.Write(&b, binary.LittleEndian, [2]uint32{uint32(pngb.Len()), 6 + 16})
	b.Write(pngb.Bytes())
	return b.Bytes()
}
