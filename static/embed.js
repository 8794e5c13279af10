// embed.js: embed.html, the simulation for articles. The scenario comes from
// the query string; options from the fragment
// (#controls=0&autoplay=0&numbers=throughput,p99&t=12.5); a parent page
// drives it with postMessage (docs/embed.md, the shapes in messages.js).
// Out of view or in a hidden tab it rests (pauses) and wakes when seen.
// Loading, the first load, play and the narration are the shared Controller's.
import { CP } from './common.js';
import { Controller } from './controller.js';
import { checkMessage } from './messages.js';
import { bindKeys, moveKeys } from './keys.js';

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

  // The numbers the embed can show, in order: [id, words].
  var NUMBERS = [['completed', 'done'], ['inflight', 'in flight'], ['throughput', 'req/s'], ['p99', 'p99'], ['failed', 'failed']];

  var running = '';
  var queue = [];   // messages that came before the program started
  var lastState = null;

  // ---------- options (the fragment) ----------
  var opts = (function () {
    var o = { controls: true, autoplay: true, numbers: NUMBERS.map(function (n) { return n[0]; }), t: null };
    String(location.hash || '').replace(/^#/, '').split('&').forEach(function (piece) {
      var eq = piece.indexOf('='), k = eq < 0 ? piece : piece.slice(0, eq);
      var v = eq < 0 ? '' : piece.slice(eq + 1);
      try { v = decodeURIComponent(v); } catch (e) { /* a bad escape: taken as written */ }
      if (k === 'controls') o.controls = v !== '0';
      else if (k === 'autoplay') o.autoplay = v !== '0';
      else if (k === 'numbers') {
        var want = v.split(',');
        o.numbers = NUMBERS.map(function (n) { return n[0]; }).filter(function (n) { return want.indexOf(n) >= 0; });
      } else if (k === 't' && /^[0-9]+(\.[0-9]+)?$/.test(v)) o.t = parseFloat(v);
    });
    return o;
  })();
  document.body.classList.toggle('no-controls', !opts.controls);

  function showAlert(text) {
    $('alert-text').textContent = text;
    $('alert').hidden = false;
    sendHeight();
  }
  $('alert-close').addEventListener('click', function () { $('alert').hidden = true; sendHeight(); });

  // playgroundHref is the playground with the whole state: the scenario
  // with its live changes in the query, and the moment in the fragment.
  function playgroundHref() {
    var text = lastState && typeof lastState.scenario === 'string' && lastState.scenario ? lastState.scenario : running;
    var t = lastState && CP.finite(lastState.simSeconds) ? '#t=' + lastState.simSeconds.toFixed(1) : '';
    return 'index.html' + CP.queryFromScenario(text) + t;
  }
  function accepted(res, text) {
    running = typeof res.scenario === 'string' && res.scenario ? res.scenario : text;
    lastState = null;
    $('open-playground').href = playgroundHref();
    builtLabels = null;
  }
  function loadText(text) {
    var res = ctl.load(text);
    if (res.ok) accepted(res, text);
    return res;
  }

  // ---------- resting: out of view or in a hidden tab ----------
  var inView = true, resting = false, resume = false;
  function shouldRest() { return !inView || document.visibilityState === 'hidden'; }
  function applyRest() {
    if (!link.sim() || !ctl.started) return;
    if (shouldRest() && !resting) {
      var st = ctl.state();
      resume = !!(st && st.paused === false);
      resting = true;
      ctl.setPaused(true);
      link.call('setResting', true); // and stop drawing
    } else if (!shouldRest() && resting) {
      resting = false;
      link.call('setResting', false);
      if (resume) ctl.setPaused(false);
    }
  }
  // Inside an iframe, an observer with no root measures against the top
  // page's viewport: it says whether the reader can see this embed.
  if (typeof IntersectionObserver === 'function') {
    new IntersectionObserver(function (entries) {
      inView = entries[entries.length - 1].isIntersecting;
      applyRest();
    }).observe(document.documentElement);
  }
  document.addEventListener('visibilitychange', applyRest);

  // play and pause from the reader or the parent; while resting they say
  // what to do on waking.
  function setPlaying(play) {
    if (resting) { resume = play; ctl.setPlayLabel(!play); return; }
    ctl.setPaused(!play);
  }

  // ---------- postMessage ----------
  function reply(ev, msg) {
    try {
      if (!ev.source || typeof ev.source.postMessage !== 'function') return;
      var origin = typeof ev.origin === 'string' && ev.origin && ev.origin !== 'null' ? ev.origin : '*';
      ev.source.postMessage(msg, origin);
    } catch (e) { /* the sender went away */ }
  }
  function toParent(msg) {
    if (window.parent === window) return;
    try { window.parent.postMessage(msg, '*'); } catch (e) { /* no parent to tell */ }
  }
  function stateMsg() {
    var st = ctl.state();
    return { type: 'state', state: st, resting: resting };
  }

  // subscriptions: one per sender window, each with its own timer.
  var subs = [];
  function subscribe(ev, every) {
    subs = subs.filter(function (s) {
      if (s.source !== ev.source) return true;
      clearInterval(s.timer);
      return false;
    });
    if (every === 0) return;
    var sub = { source: ev.source, timer: 0 };
    sub.timer = setInterval(function () {
      if (ctl.failed) { clearInterval(sub.timer); return; }
      var m = stateMsg();
      m.every = every; // a subscription's message, not a reply
      reply(ev, m);
    }, every);
    subs.push(sub);
  }

  function handle(ev) {
    var c = checkMessage(ev.data);
    if (c.error) { reply(ev, { type: 'error', error: c.error }); return; }
    var m = c.msg;
    if (ctl.failed || link.stopped()) {
      reply(ev, { type: 'error', error: 'the simulation is not running: ' + firstLine() });
      return;
    }
    if (!link.sim() || !ctl.started) {
      if (queue.length >= 20) queue.shift();
      queue.push(ev);
      return;
    }
    var res;
    switch (m.type) {
      case 'load':
        res = loadText(m.scenario);
        if (res.ok) reply(ev, { type: 'loaded', scenario: running });
        else reply(ev, { type: 'error', error: String(res.error || 'the scenario was refused') });
        return;
      case 'play':
      case 'pause':
        setPlaying(m.type === 'play');
        break;
      case 'set':
        if (typeof (link.sim() || {}).change !== 'function') {
          reply(ev, { type: 'error', error: 'this build of the simulation takes no live changes; send {type: "load", scenario} with the new value instead' });
          return;
        }
        res = link.call('change', m.key, m.value);
        if (!res || !res.ok) {
          reply(ev, { type: 'error', error: String(res && res.error || 'the change was refused') });
          return;
        }
        if (typeof res.scenario === 'string') running = res.scenario;
        break;
      case 'seek':
        res = link.call('seek', m.t);
        if (res && res.ok === false) { reply(ev, { type: 'error', error: String(res.error) }); return; }
        break;
      case 'speed':
        ctl.setSpeed(m.value);
        break;
      case 'subscribe':
        subscribe(ev, m.every);
        break;
    }
    reply(ev, stateMsg());
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
    q.forEach(handle);
  }

  // ---------- height, for a responsive iframe ----------
  // The embed asks for the height at which its picture keeps a 16:9 shape
  // (at least 180 px): what the bar and the narration take, plus that.
  var sentHeight = 0;
  function sendHeight() {
    var frame = document.querySelector('.embed-frame');
    if (!frame) return;
    var chrome = document.body.getBoundingClientRect().height - frame.getBoundingClientRect().height;
    var picture = Math.max(180, Math.min(720, Math.round(window.innerWidth * 9 / 16)));
    var px = Math.round(chrome + picture);
    if (px === sentHeight || !(px > 0)) return;
    sentHeight = px;
    toParent({ type: 'height', px: px });
  }
  window.addEventListener('resize', sendHeight);
  if (typeof ResizeObserver === 'function') {
    var ro = new ResizeObserver(sendHeight);
    ro.observe(document.querySelector('.embed-bar'));
    ro.observe($('narration'));
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
      NUMBERS.forEach(function (s) {
        if (opts.numbers.indexOf(s[0]) < 0) return;
        var span = CP.el('span', { className: 'n-' + s[0] });
        span.appendChild(CP.el('b', { id: 'num-' + s[0] + '-' + i }, '–'));
        span.appendChild(document.createTextNode(' ' + s[1]));
        row.appendChild(span);
      });
      box.appendChild(row);
    });
    builtLabels = labels.join('\n');
    sendHeight();
  }
  function set(id, text) {
    var e = $(id);
    if (e && e.textContent !== text) e.textContent = text;
  }
  function render(st) {
    lastState = st;
    applyRest();
    $('open-playground').href = playgroundHref();
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

  ctl.bindPlay($('play'), function (paused) { if (resting) resume = !paused; });
  ctl.bindNarration($('narration'));

  // ---------- keys (when the embed has focus) ----------
  bindKeys(Object.assign(moveKeys(function (d) { ctl.seekBy(d); }, function (d) { ctl.stepSpeed(d); }), {
    toggle: function () { var st = ctl.state(); if (st) setPlaying(!!st.paused); },
    reset: function () { link.call('reset'); }
  }));

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
    if (urlError) showAlert('This embed\'s URL was not understood: ' + urlError + '. The default scenario runs instead; the page that embeds it should correct its iframe\'s src.');
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
      showAlert('The scenario in this embed\'s URL was not run: ' + String(res.error || 'it was refused') +
        '. The default scenario runs instead; the page that embeds it should correct the scenario in its iframe\'s src.');
      loadText(CP.DEFAULT_SCENARIO);
    }
    if (opts.t !== null) link.call('seek', opts.t);
    if (!opts.autoplay) ctl.setPaused(true);
    applyRest();
    toParent({ type: 'ready' });
    flushQueue();
  }
  sendHeight();
  ctl.start();
})();
