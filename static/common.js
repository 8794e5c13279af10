// common.js: pieces shared by index.html (app.js) and embed.html (embed.js).
// Everything lives on window.CP. No framework, no build step.
(function () {
  'use strict';

  var CP = window.CP = window.CP || {};

  CP.DEFAULT_SCENARIO = 'model=gthread workers=2 threads=4 io=200ms clients=40';

  // Request states and their colours: the same table as the Go side
  // (docs/browser-api.md).
  CP.STATES = [
    { state: 'connecting', colour: '#c8c8c8', meaning: 'SYN dropped, the client retries' },
    { state: 'backlog', colour: '#8fa3bf', meaning: 'in the listen queue' },
    { state: 'queued', colour: '#6b7fa0', meaning: 'accepted, waiting for a thread' },
    { state: 'wait-loop', colour: '#a58fbf', meaning: 'ready, waiting for the event loop' },
    { state: 'wait-gil', colour: '#b455d8', meaning: 'wants CPU, the GIL is held by another thread' },
    { state: 'wait-core', colour: '#9b9b9b', meaning: 'wants CPU, every core is busy' },
    { state: 'cpu', colour: '#f5a623', meaning: 'running Python' },
    { state: 'io', colour: '#4a90e2', meaning: 'waiting on the upstream' },
    { state: 'blocked', colour: '#e02020', meaning: 'waiting on the upstream and holding the whole loop' },
    { state: 'wait-pool', colour: '#50b8b0', meaning: 'waiting for an upstream connection' },
    { state: 'done', colour: '#58c322', meaning: 'answered (fades out)' },
    { state: 'failed', colour: '#ff8c8c', meaning: 'failed (drops and fades out)' }
  ];
  CP.STATE_COLOUR = {};
  CP.STATES.forEach(function (s) { CP.STATE_COLOUR[s.state] = s.colour; });

  // One colour per lane (Okabe-Ito, readable on the dark background).
  CP.LANE_COLOURS = ['#56b4e9', '#e69f00', '#009e73', '#f0e442', '#cc79a7', '#d55e00', '#0072b2', '#ffffff'];
  CP.laneColour = function (i) { return CP.LANE_COLOURS[i % CP.LANE_COLOURS.length]; };

  CP.FAILURE_CAUSES = ['client-timeout', 'worker-timeout', 'connect-failed'];

  // ---- scenario text and the URL ----

  // scenarioFromQuery turns a query string ("?model=gthread&io=300ms") into
  // scenario text. Each key=value piece is percent-decoded on its own.
  // Returns {text, error}; error names the piece that could not be decoded.
  CP.scenarioFromQuery = function (search) {
    var q = String(search || '');
    if (q.charAt(0) === '?') q = q.slice(1);
    var pieces = q.split('&');
    var out = [];
    for (var i = 0; i < pieces.length; i++) {
      var p = pieces[i];
      if (p === '') continue;
      var d;
      try {
        d = decodeURIComponent(p);
      } catch (e) {
        return { text: '', error: 'the URL piece "' + p + '" is not valid percent-encoding' };
      }
      d = d.trim();
      if (d) out.push(d);
    }
    return { text: out.join(' '), error: null };
  };

  // queryFromScenario turns scenario text into "?k=v&k=v" (commas kept readable).
  CP.queryFromScenario = function (text) {
    var pairs = CP.parsePairs(text);
    if (!pairs.length) return '';
    return '?' + pairs.map(function (p) {
      var s = encodeURIComponent(p.key);
      if (p.value !== null) s += '=' + encodeURIComponent(p.value);
      return s.replace(/%2C/gi, ',');
    }).join('&');
  };

  // parsePairs splits scenario text into [{key, value}] without judging it
  // (the Go side does that). A piece without '=' gets value null.
  CP.parsePairs = function (text) {
    var fields = String(text || '').split(/[\s&]+/);
    var pairs = [];
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (!f) continue;
      var eq = f.indexOf('=');
      if (eq < 0) pairs.push({ key: f, value: null });
      else pairs.push({ key: f.slice(0, eq), value: f.slice(eq + 1) });
    }
    return pairs;
  };
  CP.joinPairs = function (pairs) {
    return pairs.map(function (p) { return p.value === null ? p.key : p.key + '=' + p.value; }).join(' ');
  };
  CP.getPair = function (pairs, key) {
    for (var i = 0; i < pairs.length; i++) if (pairs[i].key === key) return pairs[i].value;
    return undefined;
  };
  CP.setPair = function (pairs, key, value) {
    for (var i = 0; i < pairs.length; i++) {
      if (pairs[i].key === key) { pairs[i] = { key: key, value: value }; return pairs; }
    }
    pairs.push({ key: key, value: value });
    return pairs;
  };
  CP.deletePair = function (pairs, key) {
    for (var i = pairs.length - 1; i >= 0; i--) if (pairs[i].key === key) pairs.splice(i, 1);
    return pairs;
  };

  // parseDurationMs reads a Go duration ("200ms", "1.5s", "1m0s", "0") in ms.
  var UNIT_MS = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  CP.parseDurationMs = function (s) {
    s = String(s == null ? '' : s).trim();
    if (s === '0') return 0;
    var re = /([0-9]*\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)/g;
    var total = 0, m, used = 0;
    while ((m = re.exec(s)) !== null) {
      total += parseFloat(m[1]) * UNIT_MS[m[2]];
      used += m[0].length;
    }
    return used === s.length && used > 0 ? total : NaN;
  };

  // ---- numbers as text ----
  var intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  function finite(x) { return typeof x === 'number' && isFinite(x); }
  CP.finite = finite;
  CP.fmtInt = function (x) { return finite(x) ? intFmt.format(x) : '–'; };
  CP.fmtRps = function (x) {
    if (!finite(x)) return '–';
    return x >= 100 ? intFmt.format(x) : x.toFixed(1);
  };
  // fmtMs: "3.4 ms", "531 ms", "1,405 ms"; long ones in seconds.
  CP.fmtMs = function (x) {
    if (!finite(x)) return '–';
    if (x < 0) x = 0;
    if (x === 0) return '0 ms';
    if (x < 1) return x.toFixed(2) + ' ms';
    if (x < 10) return x.toFixed(1) + ' ms';
    if (x < 10000) return intFmt.format(x) + ' ms';
    if (x < 600000) return (x / 1000).toFixed(1) + ' s';
    return (x / 60000).toFixed(1) + ' min';
  };
  CP.fmtMB = function (x) {
    if (!finite(x)) return '–';
    return x >= 1000 ? intFmt.format(x) : x.toFixed(1);
  };
  CP.fmtSpeed = function (x) {
    var s;
    if (x >= 10) s = String(Math.round(x));
    else if (x >= 1) s = String(Math.round(x * 10) / 10);
    else s = String(Number(x.toPrecision(2)));
    return s + 'x';
  };

  // ---- the iframe's simulation ----

  // SimLink reaches window.cpSim and window.cpLoad inside the canvas iframe.
  // Every call is guarded: a missing, stopped or throwing program gives
  // undefined, never an exception.
  function SimLink(iframe) {
    this.iframe = iframe;
    this.lastError = null;
  }
  SimLink.prototype.win = function () {
    try { return this.iframe.contentWindow || null; } catch (e) { return null; }
  };
  SimLink.prototype.sim = function () {
    var w = this.win();
    var s = null;
    try { s = w && w.cpSim; } catch (e) { return null; }
    return s && typeof s.load === 'function' ? s : null;
  };
  SimLink.prototype.loadInfo = function () {
    var w = this.win();
    try {
      var l = w && w.cpLoad;
      return l && typeof l === 'object' ? l : null;
    } catch (e) { return null; }
  };
  SimLink.prototype.ready = function () {
    var s = this.sim();
    try { return !!(s && s.ready === true) && !this.stopped(); } catch (e) { return false; }
  };
  SimLink.prototype.stopped = function () {
    var l = this.loadInfo();
    return !!l && (l.phase === 'failed' || l.phase === 'stopped');
  };
  SimLink.prototype.call = function (name) {
    var s = this.sim();
    if (!s || typeof s[name] !== 'function') return undefined;
    var args = Array.prototype.slice.call(arguments, 1);
    try {
      return s[name].apply(s, args);
    } catch (e) {
      this.lastError = e;
      return undefined;
    }
  };
  // load calls cpSim.load and always returns {ok, ...}.
  SimLink.prototype.load = function (text) {
    if (!this.sim()) return { ok: false, error: 'the simulation has not started yet', key: '', value: '' };
    var res = this.call('load', String(text));
    if (!res || typeof res !== 'object') {
      var why = this.lastError ? String(this.lastError.message || this.lastError) : 'no answer';
      return { ok: false, error: 'the simulation did not answer: ' + why, key: '', value: '' };
    }
    return res;
  };
  CP.SimLink = SimLink;

  // describeLoad turns cpLoad into {text, fraction (0..1 or null), failed}.
  CP.describeLoad = function (l) {
    if (!l) return { text: 'Loading the simulation…', fraction: null, failed: false };
    var mb = function (b) { return (b / 1048576).toFixed(1) + ' MB'; };
    switch (l.phase) {
      case 'download':
        if (l.total > 0) {
          var f = Math.min(1, (l.loaded || 0) / l.total);
          return { text: 'Downloading the simulation… ' + mb(l.loaded || 0) + ' of ' + mb(l.total) +
                   ' (' + Math.round(f * 100) + '%)', fraction: f, failed: false };
        }
        return { text: 'Downloading the simulation… ' + mb(l.loaded || 0), fraction: null, failed: false };
      case 'start':
        return { text: 'Starting the simulation…', fraction: null, failed: false };
      case 'running':
        return { text: 'Starting the simulation…', fraction: null, failed: false };
      case 'failed':
        return { text: 'The simulation could not load: ' + (l.error || 'unknown error'), fraction: null, failed: true };
      case 'stopped':
        return { text: 'The simulation stopped: ' + (l.error || 'the program exited'), fraction: null, failed: true };
    }
    return { text: 'Loading the simulation…', fraction: null, failed: false };
  };

  // el makes an element with text (never HTML) and attributes.
  CP.el = function (tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
        if (k === 'className') e.className = attrs[k];
        else e.setAttribute(k, attrs[k]);
      }
    }
    if (text != null) e.textContent = String(text);
    return e;
  };
})();
