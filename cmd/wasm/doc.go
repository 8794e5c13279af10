// Command wasm is the browser program of Concurrency Playground: an Ebiten
// view of a running simulation, driven by the page through window.cpSim
// (docs/browser-api.md). It runs only when compiled with GOOS=js
// GOARCH=wasm; ./scripts/serve builds it and serves the site.
package main
