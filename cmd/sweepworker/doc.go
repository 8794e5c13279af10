// Command sweepworker is the engine alone, for the page's Web Workers: a
// sweep's points run in workers beside the picture, one point at a time,
// so that the capacity curves come as fast as the machine's cores allow
// and the page never waits on them. It has no view and no Ebiten, so its
// download is small, and the page fetches it only when a sweep runs
// (static/sweepworker.js loads it; static/sweeppool.js hands out points).
// It runs only when compiled with GOOS=js GOARCH=wasm.
package main
