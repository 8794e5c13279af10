// loader.js: loads main.wasm into canvas.html and reports progress.
//
// It keeps window.cpLoad up to date (see docs/browser-api.md):
//   {phase: "download" | "start" | "running" | "failed" | "stopped",
//    loaded: bytes, total: bytes, error: null | string}
// and shows a visible message when loading fails or the Go program stops.
(function () {
  'use strict';

  // The program is fetched gzip-compressed and unpacked here, so that any
  // static file server (python3 -m http.server, a USB stick in a workshop)
  // sends about 3 MB instead of 12. A server that sends the .gz with
  // Content-Encoding: gzip gets it unpacked by the browser instead, and a
  // site without the .gz gets main.wasm.
  var WASM_URL = 'main.wasm';
  var WASM_GZ_URL = 'main.wasm.gz';
  var KEEP_LINES = 40;

  var statusEl = document.getElementById('cp-status');
  var messageEl = document.getElementById('cp-message');
  var detailEl = document.getElementById('cp-detail');
  var barEl = document.getElementById('cp-bar');
  var fillEl = document.getElementById('cp-bar-fill');
  var outputEl = document.getElementById('cp-output');
  var reloadEl = document.getElementById('cp-reload');

  // The build replaces the placeholder in canvas.html with the raw size of
  // main.wasm. Anything that is not a whole number means "unknown".
  var rawTotal = (document.body && document.body.getAttribute('data-wasm-bytes')) || '';
  var total = /^[0-9]+$/.test(rawTotal) ? parseInt(rawTotal, 10) : 0;

  var cpLoad = { phase: 'download', loaded: 0, total: total, error: null };
  window.cpLoad = cpLoad;

  // ---- the program's last lines of output ----
  var lines = [];
  var partial = '';
  function capture(text) {
    partial += text;
    var parts = partial.split('\n');
    partial = parts.pop();
    for (var i = 0; i < parts.length; i++) lines.push(parts[i]);
    if (lines.length > KEEP_LINES) lines.splice(0, lines.length - KEEP_LINES);
    if (partial.length > 4000) partial = partial.slice(-4000);
  }
  function lastOutput() {
    var all = lines.slice();
    if (partial) all.push(partial);
    return all.join('\n').replace(/\s+$/, '');
  }
  (function wrapWriteSync() {
    var fs = globalThis.fs;
    if (!fs || typeof fs.writeSync !== 'function') return;
    var orig = fs.writeSync;
    var decoder = new TextDecoder('utf-8');
    fs.writeSync = function (fd, buf) {
      try { capture(decoder.decode(buf, { stream: true })); } catch (e) { /* never break output */ }
      return orig.apply(this, arguments);
    };
  })();

  // ---- the visible status ----
  function fmtMB(bytes) { return (bytes / 1048576).toFixed(1) + ' MB'; }
  var drawQueued = false;
  function drawProgress() {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(function () {
      drawQueued = false;
      if (cpLoad.phase !== 'download') return;
      if (cpLoad.total > 0) {
        var frac = Math.min(1, cpLoad.loaded / cpLoad.total);
        barEl.classList.remove('indeterminate');
        fillEl.style.width = (frac * 100).toFixed(1) + '%';
        detailEl.textContent = fmtMB(cpLoad.loaded) + ' of ' + fmtMB(cpLoad.total) +
          ' (' + Math.round(frac * 100) + '%)';
      } else {
        barEl.classList.add('indeterminate');
        detailEl.textContent = fmtMB(cpLoad.loaded) + ' downloaded';
      }
    });
  }
  function showStatus(message, detail) {
    statusEl.hidden = false;
    messageEl.textContent = message;
    detailEl.textContent = detail || '';
  }
  function hideStatus() { statusEl.hidden = true; }

  var finished = false; // failed or stopped: the message stays
  function fail(phase, message, detail) {
    if (finished) return;
    finished = true;
    var out = lastOutput();
    var error = message + (detail ? ': ' + detail : '');
    if (out) error += '\n' + out;
    cpLoad.phase = phase;
    cpLoad.error = error;
    statusEl.classList.add('failed');
    statusEl.setAttribute('role', 'alert');
    showStatus(message, detail);
    if (out) {
      outputEl.textContent = out;
      outputEl.hidden = false;
    }
    reloadEl.hidden = false;
  }
  reloadEl.addEventListener('click', function () { location.reload(); });

  function describe(err) {
    if (err == null) return 'unknown error';
    if (typeof err === 'string') return err;
    var s = (err.name ? err.name + ': ' : '') + (err.message || String(err));
    return s;
  }

  // ---- the Go program stopping ----
  var go = null;
  function stopped(reason) {
    var exitCode = go && typeof go.cpExitCode === 'number' ? go.cpExitCode : null;
    var out = lastOutput();
    var panicLine = '';
    var m = /^(panic: .*|fatal error: .*)$/m.exec(out);
    if (m) panicLine = m[1];
    var msg = panicLine ? 'The simulation crashed' : 'The simulation stopped';
    var detail = panicLine ||
      (reason ? reason : (exitCode !== null ? 'the Go program exited with status ' + exitCode : 'the Go program exited'));
    if (panicLine && exitCode !== null) detail += ' (exit status ' + exitCode + ')';
    fail('stopped', msg, detail);
  }

  // Exceptions after the program started: a wasm trap kills the program
  // without resolving go.run's promise.
  window.addEventListener('error', function (ev) {
    var err = ev.error;
    capture('[javascript] ' + (err ? describe(err) : (ev.message || 'error')) + '\n');
    if (cpLoad.phase === 'running' &&
        ((typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError) ||
         (go && go.exited))) {
      stopped(describe(err));
    }
  });
  window.addEventListener('unhandledrejection', function (ev) {
    capture('[javascript] unhandled rejection: ' + describe(ev.reason) + '\n');
  });

  // The keyboard belongs to the page. The canvas takes no tab stop (the
  // program removes it), and should a key still reach this document (after
  // a click on the picture, say), Ebiten never sees it: its handlers would
  // call preventDefault and trap Tab. Keys other than Tab go on to the
  // parent page, where the shortcuts live.
  ['keydown', 'keyup'].forEach(function (type) {
    window.addEventListener(type, function (ev) {
      ev.stopImmediatePropagation();
      if (ev.key === 'Tab' || window.parent === window) return;
      try {
        var copy = new window.parent.KeyboardEvent(type, {
          key: ev.key, code: ev.code, shiftKey: ev.shiftKey, altKey: ev.altKey,
          ctrlKey: ev.ctrlKey, metaKey: ev.metaKey, repeat: ev.repeat, bubbles: true, cancelable: true
        });
        if (!window.parent.document.dispatchEvent(copy)) ev.preventDefault();
      } catch (e) { /* another origin: the page cannot hear us */ }
    }, true);
  });

  // Reduced motion: dots jump between places instead of gliding.
  var reduce = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
  function applyMotion() {
    if (reduce && window.cpSim && typeof window.cpSim.setReducedMotion === 'function') {
      window.cpSim.setReducedMotion(reduce.matches);
    }
  }
  if (reduce && reduce.addEventListener) reduce.addEventListener('change', applyMotion);

  // Hide the status once the program draws (cpSim.ready) or makes its canvas.
  function watchStart() {
    var t0 = Date.now();
    (function poll() {
      if (finished || cpLoad.phase !== 'running') return;
      var sim = window.cpSim;
      if ((sim && sim.ready === true) || document.querySelector('canvas')) {
        hideStatus();
        (function motion() { // cpSim appears once main runs
          if (window.cpSim) applyMotion(); else setTimeout(motion, 50);
        })();
        return;
      }
      if (Date.now() - t0 > 15000) {
        detailEl.textContent = 'The program is running but has not drawn yet (' +
          Math.round((Date.now() - t0) / 1000) + ' s).';
      }
      setTimeout(poll, 100);
    })();
  }

  // ---- download, compile, run ----
  async function download() {
    var resp;
    try {
      resp = await fetch(WASM_GZ_URL);
      if (resp.status === 404) resp = await fetch(WASM_URL);
    } catch (e) {
      throw { phase: 'failed', message: 'Could not download ' + WASM_URL, detail: describe(e) };
    }
    if (!resp.ok) {
      throw { phase: 'failed', message: 'Could not download ' + WASM_URL,
              detail: 'HTTP ' + resp.status + (resp.statusText ? ' ' + resp.statusText : '') };
    }
    // Progress counts the bytes as they arrive: the size of the .gz when the
    // server says it (Content-Length without Content-Encoding).
    var enc = resp.headers.get('Content-Encoding');
    var len = parseInt(resp.headers.get('Content-Length') || '', 10);
    if (!enc && len > 0) cpLoad.total = len;
    else if (/\.gz$/.test(resp.url)) cpLoad.total = 0; // unknown: the placeholder is the unpacked size
    drawProgress();
    if (!resp.body || typeof resp.body.getReader !== 'function') {
      var ab = await resp.arrayBuffer();
      cpLoad.loaded = ab.byteLength;
      return new Uint8Array(ab);
    }
    var reader = resp.body.getReader();
    var chunks = [];
    var loaded = 0;
    try {
      for (;;) {
        var r = await reader.read();
        if (r.done) break;
        chunks.push(r.value);
        loaded += r.value.byteLength;
        cpLoad.loaded = loaded;
        drawProgress();
      }
    } catch (e) {
      throw { phase: 'failed', message: 'The download of ' + WASM_URL + ' broke off',
              detail: describe(e) + ' after ' + fmtMB(loaded) };
    }
    var bytes = new Uint8Array(loaded);
    var off = 0;
    for (var i = 0; i < chunks.length; i++) {
      bytes.set(chunks[i], off);
      off += chunks[i].byteLength;
    }
    return gunzip(bytes);
  }

  // gunzip unpacks bytes that start with gzip's magic number; others (the
  // browser already unpacked them, or they came from main.wasm) pass as is.
  async function gunzip(bytes) {
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
    if (typeof DecompressionStream !== 'function') {
      throw { phase: 'failed', message: 'This browser cannot unpack ' + WASM_GZ_URL,
              detail: 'it lacks DecompressionStream; a newer browser, or a server that sends gzip, will do' };
    }
    try {
      var out = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
      return new Uint8Array(await new Response(out).arrayBuffer());
    } catch (e) {
      throw { phase: 'failed', message: 'Could not unpack ' + WASM_GZ_URL, detail: describe(e) };
    }
  }

  async function main() {
    if (typeof WebAssembly !== 'object') {
      throw { phase: 'failed', message: 'This browser cannot run WebAssembly' };
    }
    if (typeof Go !== 'function') {
      throw { phase: 'failed', message: 'wasm_exec.js did not load',
              detail: 'the Go support script is missing or broken' };
    }
    showStatus('Downloading the simulation…', '');
    var bytes = await download();

    cpLoad.phase = 'start';
    barEl.classList.add('indeterminate');
    showStatus('Starting the simulation…', fmtMB(bytes.byteLength) + ' downloaded');
    go = new Go();
    var origExit = go.exit;
    go.exit = function (code) {
      go.cpExitCode = code;
      if (typeof origExit === 'function') origExit.call(go, code);
    };
    var instance;
    try {
      var result = await WebAssembly.instantiate(bytes, go.importObject);
      instance = result.instance;
    } catch (e) {
      throw { phase: 'failed', message: 'Could not start ' + WASM_URL, detail: describe(e) };
    }
    bytes = null;

    cpLoad.phase = 'running';
    watchStart();
    var run;
    try {
      run = go.run(instance);
    } catch (e) {
      stopped(describe(e));
      return;
    }
    Promise.resolve(run).then(function () { stopped(''); }, function (e) { stopped(describe(e)); });
  }

  main().catch(function (e) {
    if (e && e.message && e.phase) fail(e.phase, e.message, e.detail || '');
    else fail('failed', 'Could not load the simulation', describe(e));
  });
})();
