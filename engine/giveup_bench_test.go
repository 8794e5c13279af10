package engine

import "testing"

// giveUpText is finding 1 of issue 13's speed work: an asyncio run whose
// clients' timeouts (client-timeout=1s) nearly all fire after the answer has
// come, 10,000 requests an op.
const giveUpText = "model=asyncio io=100ms clients=200 client-timeout=1s requests=10000"

// BenchmarkGiveUps runs giveUpText as the CLI does (Options.Unwatched), for
// instruction counts of the clients' timeouts (valgrind, as
// scripts/bench/instructions counts: two runs of 1 and 3 ops).
func BenchmarkGiveUps(b *testing.B) {
	sc, err := ParseScenario(giveUpText)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		New(sc.Lanes[0], Options{Unwatched: true}).Run()
	}
}
