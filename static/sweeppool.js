// sweeppool.js: runs the points of a sweep in Web Workers, beside the
// picture, for the program in canvas.html (cmd/wasm/sweep_js.go).
//
// window.cpSweepPool.start(url, text, total, maxSlots, deliver) starts
// workers (the script at url), one per core the browser reports but one
// (at least 2, at most 8, at most one per point), and hands each the next
// point as soon as it is free, so the points finish in about total/workers
// of the time one would take. Each reply (an engine.PointRun, parsed from
// its JSON) goes to deliver, which returns false when the program wants no
// more: then every worker stops. start
// returns false where there are no Web Workers; the program then runs the
// points itself. With workers, the program also takes points (claim)
// between its frames. A new start, or stop(), ends the sweep before it.
(function () {
  'use strict';
  var MAX_WORKERS = 8;
  var current = null;

  function stop() {
    if (!current) return;
    current.workers.forEach(function (w) { w.terminate(); });
    current = null;
  }

  function start(url, text, total, maxSlots, deliver) {
    stop();
    if (typeof Worker !== 'function' || !(total > 0)) return false;
    var run = { workers: [], next: 0, total: total }; // each worker's cpBusy: points it holds
    current = run;
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
      give(w);
    }
    // One worker per core but one, which the page keeps for the picture
    // (on 2 cores, 2 all the same), and at most 8: each holds a Go heap.
    var cores = navigator.hardwareConcurrency || 2;
    var n = Math.max(1, Math.min(total, MAX_WORKERS, Math.max(2, cores - 1)));
    for (var i = 0; i < n; i++) {
      var w;
      try {
        w = new Worker(url);
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
      // Two points each: a worker starts its next point at once, while
      // its reply waits for the page's thread, which draws the picture.
      give(w);
      give(w);
    }
    return true;
  }

  // claim takes the next point that no worker has, for the program to run
  // between its frames; -1 when none is left.
  function claim() {
    if (!current || current.next >= current.total) return -1;
    return current.next++;
  }

  window.cpSweepPool = { start: start, stop: stop, claim: claim };
})();
