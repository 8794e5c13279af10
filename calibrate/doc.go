// Package calibrate runs the real Python servers that the engine models,
// loads them with a closed-loop Go client, runs the same scenario through the
// engine, and writes docs/calibration.md: real against predicted.
//
// Each row of the calibration is one scenario text. Everything else follows
// from it: the server command (model, workers, threads, max-requests,
// limit-concurrency), the app's route (calls, parallel, blocking, cpu,
// view, wait, pool, http-client) and the client (clients, think,
// keepalive, client-timeout, requests, duration). The upstream is a Go HTTP
// server inside the harness that answers after io and counts its peak
// concurrency exactly.
//
// The harness is run by scripts/calibrate, which installs Debian's servers
// and runs cmd/calibrate; it is not part of the default tests. The tests in
// this package are fast and start no server: they check the rows, parse
// docs/calibration.md and check that its predictions are the current
// engine's (cmd/calibrate -repredict recomputes them, keeping the real
// cells).
package calibrate
