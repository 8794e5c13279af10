// sweepworker.js: a Web Worker that runs points of a sweep for the page.
//
// sweeppool.js posts it the compiled module of sweepworker.wasm
// (cmd/sweepworker: the engine alone, no view) as {module}, or {failed}
// with why there is none, and then each point as {text, index, maxSlots};
// it answers each point with the JSON of its engine.PointRun, as a string.
// Points may come before the module: they wait for it.
'use strict';
importScripts('wasm_exec.js');

var given;
var ready = new Promise(function (resolve, reject) { given = { resolve: resolve, reject: reject }; })
  .then(async function (module) {
    var go = new Go();
    go.run(await WebAssembly.instantiate(module, go.importObject)); // main sets self.cpSweepPoint and waits for calls
  });
ready.catch(function () {}); // each point reports it

onmessage = async function (e) {
  var m = e.data;
  if (m.module) { given.resolve(m.module); return; }
  if (m.failed) { given.reject(new Error(m.failed)); return; }
  try {
    await ready;
    postMessage(self.cpSweepPoint(m.text, m.index, m.maxSlots));
  } catch (err) {
    postMessage(JSON.stringify({ index: m.index, error: 'the sweep worker failed: ' + String(err && err.message || err) }));
  }
};
