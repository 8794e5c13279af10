// sweeppool.js: runs the points of a sweep in Web Workers, beside the
// picture, for the program in canvas.html (cmd/wasm/sweep_js.go).
//
// window.cpSweepPool.start(url, text, total, maxSlots, deliver) starts one
// worker (the script at url) per core the browser reports, at most one per
// point, and hands each the next point as soon as it is free, so the
// points finish in about total/cores of the time one would take. Each
// reply (an engine.PointRun, parsed from its JSON) goes to deliver, which returns
// false when the program wants no more: then every worker stops. start
// returns false where there are no Web Workers; the program then runs the
// points itself. A new start, or stop(), ends the sweep before it.
(function () {
  'use strict';
  var current = null;

  function stop() {
    if (!current) return;
    current.workers.forEach(function (w) { w.terminate(); });
    current = null;
  }

  function start(url, text, total, maxSlots, deliver) {
    stop();
    if (typeof Worker !== 'function' || !(total > 0)) return false;
    var run = { workers: [], next: 0 };
    current = run;
    function give(w) {
      if (run.next >= total) { w.terminate(); return; }
      w.postMessage({ text: text, index: run.next++, maxSlots: maxSlots });
    }
    function reply(w, json) {
      if (current !== run) return;
      var r;
      try { r = JSON.parse(json); } catch (e) { r = { index: -1, error: 'the sweep worker sent ' + String(json).slice(0, 80) }; }
      if (deliver(r) === false) { stop(); return; }
      give(w);
    }
    var n = Math.max(1, Math.min(total, navigator.hardwareConcurrency || 2));
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
      give(w);
    }
    return true;
  }

  window.cpSweepPool = { start: start, stop: stop };
})();
