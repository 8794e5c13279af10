// Package browsertest drives the built site in headless Chromium, as a user
// would: it loads each page, waits until the program says it is ready, moves
// sliders with real key presses, loads bad URLs, and saves screenshots for a
// person to look at. It needs ./scripts/build to have made dist/ and Debian's
// chromium; ./scripts/test provides both and sets PLAYGROUND_BROWSER=1.
// Without that variable the tests skip, so `go test ./...` works anywhere.
package browsertest
