// sweeppool.js: runs the points of a sweep in Web Workers, beside the
// picture, for the program in canvas.html (cmd/wasm/sweep_js.go).
//
// window.cpSweepPool.start(url, text, total, maxSlots, deliver) starts
// workers (the script at url), one per core the browser reports but one
// (at least 2, at most 8, at most one per point), and hands each the next
// point as soon as it is free, so the points finish in about total/workers
// of the time one would take. Each reply (an engine.PointRun, parsed from
// its JSON) goes to deliver, which returns false when the program wants no
// more: then every worker stops. start returns false where there are no
// Web Workers; the program then runs the points itself. With workers, the
// program may also take points (claim) between its frames. A new start, or
// stop(), ends the sweep before it.
//
// The workers' program (the script's name with .wasm, gzip-packed) is
// downloaded and compiled once, here, off the page's thread, and the
// compiled module is posted to each worker: no worker downloads or
// compiles it again. prepare() does that early (the page calls it when a
// sweep is being typed) and starts the workers, so that a sweep begins
// with its workers ready; a page that runs no sweep never downloads it.
(function () {
  'use strict';
  var MAX_WORKERS = 8;
  var WORKER = 'sweepworker';
  var current = null;
  var compiled = null; // promise of the workers' WebAssembly.Module
  var spare = []; // started workers that no sweep holds yet

  // download fetches the workers' program, unpacking the .gz itself where
  // the server sends it as it is (as loader.js does for main.wasm).
  async function download(url) {
    var resp = await fetch(url + '.gz');
    if (resp.status === 404) resp = await fetch(url);
    if (!resp.ok) throw new Error('could not download ' + url + ': HTTP ' + resp.status);
    var bytes = new Uint8Array(await resp.arrayBuffer());
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
    var out = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(out).arrayBuffer();
  }

  // compile starts the download and compilation once; later calls share it.
  function compile() {
    if (!compiled) {
      compiled = download(WORKER + '.wasm').then(function (b) { return WebAssembly.compile(b); });
      compiled.catch(function () { // a later sweep tries again, with new workers
        compiled = null;
        spare.forEach(function (w) { w.terminate(); });
        spare = [];
      });
    }
    return compiled;
  }

  function workerCount(total) {
    // One worker per core but one, which the page keeps for the picture
    // (on 2 cores, 2 all the same), and at most 8: each holds a Go heap.
    var cores = navigator.hardwareConcurrency || 2;
    return Math.max(1, Math.min(total, MAX_WORKERS, Math.max(2, cores - 1)));
  }

  // spawn starts a worker and posts it the compiled module when there is one.
  function spawn() {
    var w = new Worker(WORKER + '.js');
    compile().then(function (m) { w.postMessage({ module: m }); }, function (e) {
      w.postMessage({ failed: String(e && e.message || e) });
    });
    return w;
  }

  // prepare downloads and compiles the workers' program and starts the
  // workers a sweep will want, if they are not there yet.
  function prepare() {
    if (typeof Worker !== 'function' || typeof WebAssembly !== 'object') return;
    try {
      while (spare.length < workerCount(MAX_WORKERS)) spare.push(spawn());
    } catch (e) { /* start() will say */ }
  }

  function stop() {
    if (!current) return;
    current.workers.forEach(function (w) { w.terminate(); });
    current = null;
  }

  function start(url, text, total, maxSlots, deliver) {
    stop();
    if (typeof Worker !== 'function' || !(total > 0)) return false;
    if (url) WORKER = String(url).replace(/\.js$/, '');
    var run = { workers: [], next: 0, total: total }; // each worker's cpBusy: points it holds
    current = run;
    var n = workerCount(total);
    function give(w) {
      if (run.next >= total) {
        if (!w.cpBusy) w.terminate(); // no point left, none in hand
        return;
      }
      w.cpBusy = (w.cpBusy || 0) + 1;
      w.postMessage({ text: text, index: run.next++, maxSlots: maxSlots });
    }
    function reply(w, json) {
      if (current !== run) return;
      w.cpBusy--;
      var r;
      try { r = JSON.parse(json); } catch (e) { r = { index: -1, error: 'the sweep worker sent ' + String(json).slice(0, 80) }; }
      if (deliver(r) === false) { stop(); return; }
      // Two points in hand while enough remain for every worker: the
      // worker starts its next one at once, while this reply waits for the
      // page's thread; near the end one each, so that no worker sits on
      // two while another has none.
      if (w.cpBusy === 0 || total - run.next > n) give(w);
    }
    for (var i = 0; i < n; i++) {
      var w;
      try {
        w = spare.pop() || spawn();
      } catch (e) {
        stop();
        return false;
      }
      w.onmessage = (function (w) { return function (e) { reply(w, e.data); }; })(w);
      w.onerror = function (e) {
        e.preventDefault();
        if (current !== run) return;
        stop();
        deliver({ index: -1, error: 'the sweep worker failed: ' + (e.message || 'it did not load') });
      };
      run.workers.push(w);
      give(w);
      if (total - run.next > n) give(w);
    }
    return true;
  }

  // claim takes the next point that no worker has, for the program to run
  // between its frames; -1 when none is left.
  function claim() {
    if (!current || current.next >= current.total) return -1;
    return current.next++;
  }

  window.cpSweepPool = { start: start, stop: stop, claim: claim, prepare: prepare };
})();
