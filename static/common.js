// common.js: pieces shared by the playground, the embed and the lessons: the
// generated tables, the URL and scenario text, number formats, SimLink
// (guarded calls into the iframe's cpSim) and small DOM helpers. An ES
// module; no framework, no build step.
import tables from './tables.js';

export const CP = {};

// The tables (states, models, keys, failure causes, speed limits) come
// from Go: the site build writes tables.js (package pagedata).
CP.tables = tables;
CP.DEFAULT_SCENARIO = tables.defaultScenario;
CP.STATES = tables.states;
CP.STATE_COLOUR = {};
CP.STATES.forEach(function (s) { CP.STATE_COLOUR[s.state] = s.colour; });
CP.FAILURE_CAUSES = tables.failures.map(function (f) { return f.name; });
CP.SPEED = tables.speed;
CP.MODELS = tables.models;
CP.KEYS = {};
tables.keys.forEach(function (k) { CP.KEYS[k.name] = k; });
// keyUsedBy reports whether a lane of model m uses key (with the other
// keys at their defaults).
CP.keyUsedBy = function (key, m) {
  var k = CP.KEYS[key];
  return !!k && k.models.indexOf(m) >= 0;
};

// One colour per lane (Okabe-Ito, readable on the dark background).
CP.LANE_COLOURS = ['#56b4e9', '#e69f00', '#009e73', '#f0e442', '#cc79a7', '#d55e00', '#0072b2', '#ffffff'];
CP.laneColour = function (i) { return CP.LANE_COLOURS[i % CP.LANE_COLOURS.length]; };

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

// renderLegend fills ul with one item per request state: a swatch, the
// state's name and what it means. The same table colours the canvas.
CP.renderLegend = function (ul) {
  ul.textContent = '';
  CP.STATES.forEach(function (s) {
    var li = CP.el('li');
    var sw = CP.el('span', { className: 'swatch', 'aria-hidden': 'true' });
    sw.style.backgroundColor = s.colour;
    li.appendChild(sw);
    var text = CP.el('span', { className: 'legend-text' });
    text.appendChild(CP.el('strong', null, s.state));
    text.appendChild(document.createTextNode(' ' + s.meaning));
    li.appendChild(text);
    ul.appendChild(li);
  });
};
