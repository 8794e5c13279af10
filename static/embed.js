// embed.js: embed.html, the simulation for blog posts. The scenario comes
// from the query string and from postMessage:
//   parent -> {type: "load", scenario: "model=gevent io=200ms"}
//   embed  -> {type: "loaded", scenario} or {type: "error", error}
// Anything else gets {type: "error", error} naming the allowed shape.
// Loading, the first load, play and the narration are the shared Controller's.
import { CP } from './common.js';
import { Controller } from './controller.js';

(function () {
  var $ = function (id) { return document.getElementById(id); };
  var iframe = $('sim-frame');
  var ctl = new Controller(iframe, {
    firstLoad: firstLoad,
    onLoading: showLoad,
    onFailure: showFailure,
    onState: render
  });
  var link = ctl.link;
  var MAX_SCENARIO = 10000;
  var SHAPE = 'send {type: "load", scenario: "<scenario text>"}, e.g. {type: "load", scenario: "model=gevent io=200ms"}';

  var running = '';
  var queue = [];   // messages that came before the program started

  function showAlert(text) {
    $('alert-text').textContent = text;
    $('alert').hidden = false;
  }
  $('alert-close').addEventListener('click', function () { $('alert').hidden = true; });

  function accepted(res, text) {
    running = typeof res.scenario === 'string' && res.scenario ? res.scenario : text;
    $('open-playground').href = 'index.html' + CP.queryFromScenario(running);
    builtLabels = null;
  }
  function loadText(text) {
    var res = ctl.load(text);
    if (res.ok) accepted(res, text);
    return res;
  }

  // ---------- postMessage ----------
  function reply(ev, msg) {
    try {
      if (!ev.source || typeof ev.source.postMessage !== 'function') return;
      var origin = typeof ev.origin === 'string' && ev.origin && ev.origin !== 'null' ? ev.origin : '*';
      ev.source.postMessage(msg, origin);
    } catch (e) { /* the sender went away */ }
  }
  function describeValue(v) {
    if (v === undefined) return 'missing';
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    if (typeof v === 'object') {
      var t = v.type;
      if (t === undefined) return 'an object without "type"';
      return 'an object with type ' + (typeof t === 'string' ? JSON.stringify(t.slice(0, 40)) : typeof t);
    }
    if (typeof v === 'string') return 'a string';
    return 'a ' + typeof v;
  }
  function handle(ev) {
    var d = ev.data;
    if (!d || typeof d !== 'object' || Array.isArray(d) || d.type !== 'load') {
      reply(ev, { type: 'error', error: 'unknown message (' + describeValue(d) + '); ' + SHAPE });
      return;
    }
    var scenario;
    try { scenario = d.scenario; } catch (e) { scenario = undefined; }
    if (typeof scenario !== 'string') {
      reply(ev, { type: 'error', error: '"scenario" must be a string of scenario text (it is ' + describeValue(scenario) + ')' + '; ' + SHAPE });
      return;
    }
    if (scenario.length > MAX_SCENARIO) {
      reply(ev, { type: 'error', error: '"scenario" is ' + scenario.length + ' characters; at most ' + MAX_SCENARIO });
      return;
    }
    if (ctl.failed || link.stopped()) {
      reply(ev, { type: 'error', error: 'the simulation is not running: ' + firstLine() });
      return;
    }
    if (!link.sim() || !ctl.started) {
      if (queue.length >= 20) queue.shift();
      queue.push({ ev: ev, scenario: scenario });
      return;
    }
    var res = loadText(scenario);
    if (res.ok) reply(ev, { type: 'loaded', scenario: running });
    else reply(ev, { type: 'error', error: String(res.error || 'the scenario was refused') });
  }
  window.addEventListener('message', function (ev) {
    try {
      if (ev.source && ev.source === iframe.contentWindow) return; // our own canvas
      if (ev.source === window) return;
      handle(ev);
    } catch (e) {
      reply(ev, { type: 'error', error: 'could not handle the message: ' + String(e && e.message || e) });
    }
  });
  function firstLine() {
    var l = link.loadInfo();
    return String((l && l.error) || 'unknown error').split('\n')[0];
  }
  function flushQueue() {
    var q = queue;
    queue = [];
    q.forEach(function (m) { handle(m.ev); });
  }

  // ---------- numbers ----------
  var builtLabels = null;
  function build(labels) {
    var box = $('numbers');
    box.textContent = '';
    labels.forEach(function (label, i) {
      var row = CP.el('div', { className: 'embed-lane', id: 'lane-' + i });
      if (labels.length > 1) {
        var sw = CP.el('span', { className: 'swatch', 'aria-hidden': 'true' });
        sw.style.backgroundColor = CP.laneColour(i);
        row.appendChild(sw);
        row.appendChild(CP.el('span', { className: 'lbl' }, label));
      }
      [['completed', 'done'], ['inflight', 'in flight'], ['throughput', 'req/s'], ['p99', 'p99'], ['failed', 'failed']]
        .forEach(function (s) {
          var span = CP.el('span', { className: 'n-' + s[0] });
          span.appendChild(CP.el('b', { id: 'num-' + s[0] + '-' + i }, '–'));
          span.appendChild(document.createTextNode(' ' + s[1]));
          row.appendChild(span);
        });
      box.appendChild(row);
    });
    builtLabels = labels.join('\n');
  }
  function set(id, text) {
    var e = $(id);
    if (e && e.textContent !== text) e.textContent = text;
  }
  function render(st) {
    var ls = Array.isArray(st.lanes) ? st.lanes : [];
    var labels = ls.map(function (l, i) { return l && l.label ? String(l.label) : 'lane ' + (i + 1); });
    if (builtLabels !== labels.join('\n')) build(labels);
    ls.forEach(function (l, i) {
      if (!l) return;
      set('num-completed-' + i, CP.fmtInt(l.completed));
      set('num-inflight-' + i, CP.fmtInt(l.inFlight));
      set('num-throughput-' + i, CP.fmtRps(l.throughputRps));
      set('num-p99-' + i, CP.fmtMs(l.p99Ms));
      set('num-failed-' + i, CP.fmtInt(l.failedTotal));
    });
  }

  ctl.bindPlay($('play'));
  ctl.bindNarration($('narration'));

  // ---------- the legend: a popover over the picture ----------
  var legendBtn = $('legend-toggle'), legendPop = $('legend-pop');
  CP.renderLegend($('state-legend'));
  function setLegend(open, focusButton) {
    legendPop.hidden = !open;
    if (open) fitLegend();
    legendBtn.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (!open && focusButton) legendBtn.focus();
  }
  // fitLegend lets the popover use the whole height above the bar.
  function fitLegend() {
    var room = legendBtn.parentNode.getBoundingClientRect().top - 12;
    legendPop.style.maxHeight = Math.max(80, room) + 'px';
  }
  window.addEventListener('resize', function () { if (!legendPop.hidden) fitLegend(); });
  legendBtn.addEventListener('click', function () { setLegend(legendPop.hidden, false); });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && !legendPop.hidden) { ev.preventDefault(); setLegend(false, true); }
  });
  document.addEventListener('click', function (ev) {
    if (!legendPop.hidden && !legendPop.contains(ev.target) && ev.target !== legendBtn) setLegend(false, false);
  });

  // ---------- start ----------
  var urlText = '', urlError = null;
  (function () {
    var q = CP.scenarioFromQuery(location.search);
    if (q.error) urlError = q.error; else urlText = q.text;
    if (urlError) showAlert('The URL was not understood: ' + urlError + '. Running the default scenario.');
  })();

  function showLoad(d) {
    $('load-text').hidden = !d;
    if (d) set('load-text', d.text);
  }
  function showFailure(f) {
    set('load-text', (f.stopped ? 'Stopped: ' : 'Could not load: ') + firstLine());
    $('load-text').hidden = false;
    showAlert(f.head);
    flushQueue(); // each queued sender gets an error
  }
  function firstLoad() {
    var res = loadText(urlText || CP.DEFAULT_SCENARIO);
    if (!res.ok) {
      showAlert('The scenario in the URL was not run: ' + String(res.error || 'it was refused') +
        '. Running the default scenario instead.');
      loadText(CP.DEFAULT_SCENARIO);
    }
    flushQueue();
  }
  ctl.start();
})();
