package calibrate

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// Spread is the engine's range over seeds for one row: the random draws
// (which worker wins a connection, above all) change with the seed, and the
// real run is one more draw.
type Spread struct {
	Seeds                int
	Throughput, P50, P99 [2]float64
	PeakUpstream         [2]int
}

// SeedSpread runs text with seeds 1..n (text must not set seed).
func SeedSpread(text string, n int) (Spread, error) {
	sp := Spread{Seeds: n}
	for seed := 1; seed <= n; seed++ {
		_, r, _, err := Predict(fmt.Sprintf("%s seed=%d", text, seed))
		if err != nil {
			return sp, err
		}
		upd := func(a *[2]float64, v float64) {
			if seed == 1 || v < a[0] {
				a[0] = v
			}
			if seed == 1 || v > a[1] {
				a[1] = v
			}
		}
		upd(&sp.Throughput, r.ThroughputRPS)
		upd(&sp.P50, r.LatencyMS.P50)
		upd(&sp.P99, r.LatencyMS.P99)
		if seed == 1 || r.PeakUpstream < sp.PeakUpstream[0] {
			sp.PeakUpstream[0] = r.PeakUpstream
		}
		if seed == 1 || r.PeakUpstream > sp.PeakUpstream[1] {
			sp.PeakUpstream[1] = r.PeakUpstream
		}
	}
	return sp, nil
}

// spreadHeading starts the section of docs/calibration.md with the
// engine's spread over seeds.
const spreadHeading = "## The engine's spread over seeds"

// spreadSeeds is how many seeds that section runs.
const spreadSeeds = 10

// cells are the engine's ranges as that section prints them: throughput,
// p50, p99 and peak upstream.
func (sp Spread) cells() [4]string {
	return [4]string{
		fmt.Sprintf("%.1f–%.1f", sp.Throughput[0], sp.Throughput[1]),
		fmt.Sprintf("%.1f–%.1f", sp.P50[0], sp.P50[1]),
		fmt.Sprintf("%.1f–%.1f", sp.P99[0], sp.P99[1]),
		fmt.Sprintf("%d–%d", sp.PeakUpstream[0], sp.PeakUpstream[1]),
	}
}

// ImportCost is the resident memory a bare interpreter gains from an import.
type ImportCost struct {
	Modules string
	RSSMiB  float64 // VmRSS after the import
}

// ImportCosts measures, in fresh Debian interpreters, the RSS after
// importing what the engine's constants were measured with (Flask) and what
// the calibration apps add (requests, aiohttp).
func ImportCosts() []ImportCost {
	var out []ImportCost
	for _, mods := range []string{"sys", "flask", "flask, requests", "flask, requests, aiohttp", "asyncio, h11", "asyncio, h11, aiohttp"} {
		code := "import " + mods + "\nfor l in open('/proc/self/status'):\n    if l.startswith('VmRSS:'): print(l.split()[1])"
		b, err := exec.Command(Python, "-c", code).Output()
		if err != nil {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
		if err != nil {
			continue
		}
		out = append(out, ImportCost{Modules: mods, RSSMiB: kb / 1024})
	}
	return out
}
