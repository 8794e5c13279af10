package main

import (
	"testing"

	"playground/engine"
)

// The upstream column says what the requests wait on: a call, or a sleep.
func TestUpstreamWords(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"model=asyncio io=200ms", "upstream, 200 ms"},
		{"model=asyncio io=200ms wait=sleep", "sleep, 200 ms"},
		{"model=gthread io=1.5s wait=sleep", "sleep, 1.5 s"},
	} {
		sc, err := engine.ParseScenario(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		if got := upstreamWords(sc.Lanes[0])[0]; got != tc.want {
			t.Errorf("upstreamWords(%s) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
