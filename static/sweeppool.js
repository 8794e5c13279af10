// sweeppool.js: runs the points of a sweep in Web Workers, beside the
// picture, for the program in canvas.html (cmd/wasm/sweep_js.go).
//
// window.cpSweepPool.start(url, text, total, maxSlots, deliver) starts
// workers (the script at url), one per core the browser reports but one
// (at least 2, at most 8, at most one per point), and hands each a point
// as soon as it is free (the last first: see start), so the points
// finish in about total/workers of the time one would take. Each reply
// (an engine.PointRun, parsed from its JSON) goes to deliver, which
// returns false when the program wants no more: then every worker stops. start returns false where there are no
// Web Workers; the program then runs the points itself. With workers, the
// program may also take points (claim) between its frames. A new start, or
// stop(), ends the sweep before it.
//
// The workers' program (the script's name with .wasm, gzip-packed) is
// downloaded once, here, and unpacked and compiled once, in the first
// worker (off the page's thread, which a sweep keeps busy), and the
// compiled module is posted to each other worker: no worker downloads or
// compiles it again. prepare() does that early (the page calls it when a
// sweep is being typed) and starts the workers, so that a sweep begins
// with its workers ready; a page that runs no sweep never downloads it.
(function () {
  'use strict';
  var MAX_WORKERS = 8;
  // PAGE_SLOWER: about how many times as long the program takes for a
  // point as a worker, with a margin (claim). It runs points in slices of
  // 10 ms between frames, at most two a frame (cmd/wasm/sweep.go), without
  // PGO; 1.5 measured on sync points at load 10.
  var PAGE_SLOWER = 3;
  var WORKER = 'sweepworker';
  var current = null;
  var compiled = null; // promise of the workers' WebAssembly.Module
  var spare = []; // started workers that no sweep holds yet
  var claimed = 0; // points the program took of the last sweep started

  // download fetches the workers' program: its .gz, packed, where there is
  // one. A worker unpacks it (unpack in sweepworker.js): here a
  // DecompressionStream waits for the page's thread at each chunk, and
  // while a sweep's first points run there that took 1.2 s at load 10.
  async function download(url) {
    var resp = await fetch(url + '.gz');
    if (resp.status === 404) resp = await fetch(url);
    if (!resp.ok) throw new Error('could not download ' + url + ': HTTP ' + resp.status);
    return resp.arrayBuffer();
  }

  // compile starts the download once and has worker w unpack and compile
  // it; later calls share the module. w keeps it (it is ready first), the
  // others get it posted, and all hear of a failure. If w ends before it
  // answers (end), the compile fails, and a later sweep tries again with
  // new workers.
  function compile(w) {
    var first = !compiled;
    if (first) {
      var p = compiled = download(WORKER + '.wasm').then(function (bytes) {
        return new Promise(function (resolve, reject) {
          if (w.cpEnded) throw new Error('the sweep worker ended before it compiled its program');
          w.cpCompiled = function (m) {
            w.cpCompiled = null;
            if (m && m.module) resolve(m.module);
            else reject(new Error(m && m.failed || 'the sweep worker ended before it compiled its program'));
          };
          w.postMessage({ packed: bytes }, [bytes]);
        });
      });
      p.catch(function () { // the workers waiting for it cannot run points
        if (compiled === p) compiled = null;
        spare = spare.filter(function (x) {
          if (x.cpFrom !== p) return true;
          end(x);
          return false;
        });
      });
    }
    w.cpFrom = compiled;
    compiled.then(function (m) { if (!first) w.postMessage({ module: m }); }, function (e) {
      w.postMessage({ failed: String(e && e.message || e) });
    });
  }

  // end terminates worker w; if it was compiling the program, that compile
  // fails at once rather than wait for it forever, and the next worker
  // starts a new one.
  function end(w) {
    w.terminate();
    w.cpEnded = true;
    if (w.cpCompiled) {
      if (compiled === w.cpFrom) compiled = null;
      w.cpCompiled(null);
    }
  }

  // listen sends worker w's messages to f, but the compiled module, which
  // goes to the compile that waits for it.
  function listen(w, f) {
    w.onmessage = function (e) {
      if (typeof e.data === 'object' && e.data !== null) {
        if (w.cpCompiled) w.cpCompiled(e.data);
        return;
      }
      if (f) f(e.data);
    };
  }

  function workerCount(total) {
    // One worker per core but one, which the page keeps for the picture
    // (on 2 cores, 2 all the same), and at most 8: each holds a Go heap.
    var cores = navigator.hardwareConcurrency || 2;
    return Math.max(1, Math.min(total, MAX_WORKERS, Math.max(2, cores - 1)));
  }

  // spawn starts a worker: the first compiles the program, the others get
  // it posted when it is ready.
  function spawn() {
    var w = new Worker(WORKER + '.js');
    listen(w, null);
    compile(w);
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
    current.workers.forEach(end);
    current = null;
  }

  function start(url, text, total, maxSlots, deliver) {
    stop();
    if (typeof Worker !== 'function' || !(total > 0)) return false;
    if (url) WORKER = String(url).replace(/\.js$/, '');
    // The points not taken yet are lo..hi-1. The workers take them from
    // the end: a sweep's last points are its costliest as a rule (the
    // last lane, the largest values: more workers, clients, requests; in
    // the 64-point sweep the gevent points, 1.5-2x a sync one in wasm),
    // so they go first, and the points handed out last are cheap ones, on
    // which no worker finishes long after the others. The program, the
    // slowest, takes them from the start (claim). Each worker's cpBusy:
    // the points it holds.
    var run = { workers: [], lo: 0, hi: total };
    current = run;
    claimed = 0;
    var n = workerCount(total);
    function left() { return run.hi - run.lo; }
    function give(w) {
      if (left() <= 0) {
        if (!w.cpBusy) end(w); // no point left, none in hand
        return;
      }
      w.cpBusy = (w.cpBusy || 0) + 1;
      w.postMessage({ text: text, index: --run.hi, maxSlots: maxSlots });
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
      if (w.cpBusy === 0 || left() > n) give(w);
    }
    for (var i = 0; i < n; i++) {
      var w;
      try {
        w = spare.pop() || spawn();
      } catch (e) {
        stop();
        return false;
      }
      listen(w, (function (w) { return function (json) { reply(w, json); }; })(w));
      w.onerror = function (e) {
        e.preventDefault();
        if (current !== run) return;
        stop();
        deliver({ index: -1, error: 'the sweep worker failed: ' + (e.message || 'it did not load') });
      };
      run.workers.push(w);
      give(w);
      if (left() > n) give(w);
    }
    return true;
  }

  // claim takes the first point that no worker has, for the program to run
  // between its frames; -1 when none is left, or so few that the workers
  // will have run them all before the program, PAGE_SLOWER times as slow,
  // would have finished one (at load 10, taking the next point whatever
  // was left, it took the second-last, a gevent one, for 700 ms, while
  // the workers took 300-450 ms for one).
  function claim() {
    var run = current;
    if (!run || run.hi - run.lo <= PAGE_SLOWER * run.workers.length) return -1;
    claimed++;
    return run.lo++;
  }

  // taken says how many points of the last sweep started the program took.
  function taken() { return claimed; }

  window.cpSweepPool = { start: start, stop: stop, claim: claim, prepare: prepare, taken: taken };
})();
