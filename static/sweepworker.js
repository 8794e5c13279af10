// sweepworker.js: a Web Worker that runs points of a sweep for the page.
//
// It loads sweepworker.wasm (cmd/sweepworker: the engine alone, no view),
// gzip-compressed like main.wasm, and answers each message
// {text, index, maxSlots} with the JSON of the point's engine.PointRun,
// as a string. sweeppool.js starts it only when a sweep runs, so a page
// that runs no sweep never downloads it.
'use strict';
importScripts('wasm_exec.js');

var WASM_URL = 'sweepworker.wasm';

async function download() {
  var resp = await fetch(WASM_URL + '.gz');
  if (resp.status === 404) resp = await fetch(WASM_URL);
  if (!resp.ok) throw new Error('could not download ' + WASM_URL + ': HTTP ' + resp.status);
  var bytes = new Uint8Array(await resp.arrayBuffer());
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes; // the server unpacked it
  var out = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(out).arrayBuffer());
}

var ready = (async function () {
  var go = new Go();
  var result = await WebAssembly.instantiate(await download(), go.importObject);
  go.run(result.instance); // main sets self.cpSweepPoint and waits for calls
})();

onmessage = async function (e) {
  var m = e.data;
  try {
    await ready;
    postMessage(self.cpSweepPoint(m.text, m.index, m.maxSlots));
  } catch (err) {
    postMessage(JSON.stringify({ index: m.index, error: 'the sweep worker failed: ' + String(err && err.message || err) }));
  }
};
