package main

import (
	"fmt"
	"strconv"
	"time"

	"playground/engine"
)

// trafficWords names a lane's clients column, longest first.
func trafficWords(c engine.Config) []string {
	switch {
	case c.Clients > 0:
		return []string{strconv.Itoa(c.Clients) + " clients", "clients"}
	case c.Rate > 0:
		r := strconv.FormatFloat(c.Rate, 'f', -1, 64)
		return []string{"arrivals " + r + "/s", r + "/s", "arrivals"}
	case c.Burst > 0:
		return []string{"burst of " + strconv.Itoa(c.Burst), "burst " + strconv.Itoa(c.Burst), "burst"}
	}
	return []string{"clients"}
}

// upstreamWords names a lane's upstream column with the latency of a call,
// or of a sleep when each io is one (wait=sleep).
func upstreamWords(c engine.Config) []string {
	d := shortDuration(c.IO)
	if c.Wait == engine.WaitSleep {
		return []string{fmt.Sprintf("sleep, %s", d), "sleep " + d, "sleep"}
	}
	return []string{fmt.Sprintf("upstream, %s", d), "upstream " + d, "upstream", "up"}
}

// shortDuration writes d as people say it: 200 ms, 1.5 s.
func shortDuration(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatFloat(float64(d)/1e6, 'g', 3, 64) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'g', 3, 64) + " s"
}
