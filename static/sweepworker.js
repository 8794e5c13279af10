// sweepworker.js: a Web Worker that runs points of a sweep for the page.
//
// sweeppool.js posts it the program of sweepworker.wasm (cmd/sweepworker:
// the engine alone, no view) either as its downloaded bytes, {packed}
// (gzip-packed or not), which this worker unpacks and compiles and posts
// back as {module} for the other workers, or compiled, as {module}; or
// {failed} with why there is none. Then each point comes as {text, index,
// maxSlots}; it answers each with the JSON of its engine.PointRun, as a
// string. Points may come before the program: they wait for it.
'use strict';
importScripts('wasm_exec.js');

var given;
var ready = new Promise(function (resolve, reject) { given = { resolve: resolve, reject: reject }; })
  .then(async function (module) {
    var go = new Go();
    go.run(await WebAssembly.instantiate(module, go.importObject)); // main sets self.cpSweepPoint and waits for calls
  });
ready.catch(function () {}); // each point reports it

// unpack returns bytes unpacked where they start with gzip's magic number.
async function unpack(bytes) {
  var b = new Uint8Array(bytes);
  if (b.length < 2 || b[0] !== 0x1f || b[1] !== 0x8b) return bytes;
  var out = new Blob([b]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(out).arrayBuffer();
}

// compile unpacks and compiles the program, keeps it and posts it back.
async function compile(bytes) {
  try {
    var module = await WebAssembly.compile(await unpack(bytes));
    given.resolve(module);
    postMessage({ module: module });
  } catch (err) {
    var why = 'could not compile the sweep workers\' program: ' + String(err && err.message || err);
    given.reject(new Error(why));
    postMessage({ failed: why });
  }
}

onmessage = async function (e) {
  var m = e.data;
  if (m.packed) { compile(m.packed); return; }
  if (m.module) { given.resolve(m.module); return; }
  if (m.failed) { given.reject(new Error(m.failed)); return; }
  try {
    await ready;
    postMessage(self.cpSweepPoint(m.text, m.index, m.maxSlots));
  } catch (err) {
    postMessage(JSON.stringify({ index: m.index, error: 'the sweep worker failed: ' + String(err && err.message || err) }));
  }
};
