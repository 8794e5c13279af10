package site

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Zopfli's bytes unpack to the input and are smaller than gzip -9's; the
// next call takes them from the cache, and a cached entry that does not
// unpack to the input is not used.
func TestZopfliPacksTighterAndCaches(t *testing.T) {
	if _, err := exec.LookPath("zopfli"); err != nil {
		t.Skip("zopfli is not installed (apt-get install zopfli; ./scripts/test installs it)")
	}
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	var in []byte
	for i := 0; i < 20000; i++ {
		in = append(in, fmt.Sprintf("line %d of %d, %x\n", i, i*i%977, i*7919)...)
	}
	gz, ok, err := Zopfli(in)
	if err != nil || !ok {
		t.Fatalf("Zopfli = ok %v, err %v; want its bytes", ok, err)
	}
	if !unpacksTo(gz, in) {
		t.Fatal("Zopfli's bytes do not unpack to the input")
	}
	if g, _ := Gzip(in); len(gz) >= len(g) {
		t.Errorf("Zopfli packed %d bytes into %d, gzip -9 into %d; want fewer", len(in), len(gz), len(g))
	}
	entries, _ := filepath.Glob(filepath.Join(zopfliCacheDir(), "*.gz"))
	if len(entries) != 1 {
		t.Fatalf("the cache holds %v; want one entry", entries)
	}
	// The cache answers: an entry that unpacks to the input (here gzip
	// -9's bytes, which zopfli would never write) comes back as it is.
	std, _ := Gzip(in)
	if err := os.WriteFile(entries[0], std, 0o644); err != nil {
		t.Fatal(err)
	}
	if again, ok, err := Zopfli(in); err != nil || !ok || !bytes.Equal(again, std) {
		t.Errorf("Zopfli with a cached entry: ok %v, err %v, the entry's bytes %v; want the entry", ok, err, bytes.Equal(again, std))
	}
	// A spoiled entry (another input's bytes) is packed anew.
	other, _ := Gzip([]byte("another input"))
	if err := os.WriteFile(entries[0], other, 0o644); err != nil {
		t.Fatal(err)
	}
	if fresh, ok, err := Zopfli(in); err != nil || !ok || !bytes.Equal(fresh, gz) {
		t.Errorf("Zopfli over a spoiled cache entry: ok %v, err %v, zopfli's bytes %v; want them", ok, err, bytes.Equal(fresh, gz))
	}
}
