// app.js: the playground page (index.html). Controls, live numbers, charts
// and the clicked request, all driven through window.cpSim in the canvas
// iframe by the shared Controller. Sets window.playground
// (docs/browser-api.md).
import { CP } from './common.js';
import { Controller } from './controller.js';
import { LineChart } from './charts.js';
import { bindKeys, moveKeys } from './keys.js';
import { bindPresenter } from './presenter.js';
import { bindEmbedDialog } from './embedcode.js';

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

  // keys: the current scenario as [{key, value}]. After a successful load it
  // is the canonical text the Go side returned.
  var keys = [];
  var running = '';        // canonical text of the running scenario ('' before the first load)
  var lanes = [];          // lane labels of the running scenario

  // ---------- messages ----------
  function showAlert(text, output) {
    $('alert-text').textContent = text;
    var det = $('alert-details');
    if (output) {
      $('alert-output').textContent = output;
      det.hidden = false;
    } else {
      det.hidden = true;
    }
    $('alert').hidden = false;
  }
  $('alert-close').addEventListener('click', function () { $('alert').hidden = true; });

  function showText(id, text) {
    var e = $(id);
    e.textContent = text || '';
    e.hidden = !text;
  }

  // ---------- URL and scenario text ----------
  function currentText() { return CP.joinPairs(keys); }
  function setURL(text) {
    try {
      var url = location.pathname + CP.queryFromScenario(text) + location.hash;
      history.replaceState(null, '', url);
    } catch (e) { /* file:// or sandboxed: the URL stays */ }
  }
  var field = $('scenario-text');
  var fieldDirty = false;
  field.addEventListener('input', function () {
    fieldDirty = true;
    // A range being typed: the sweep's workers get ready before Apply.
    var pool = /\d\.\./.test(field.value) && iframe.contentWindow && iframe.contentWindow.cpSweepPool;
    if (pool && pool.prepare) pool.prepare();
  });
  function setField(text) {
    if (fieldDirty && document.activeElement === field) return;
    field.value = text;
    fieldDirty = false;
  }

  // accepted records a successful load.
  function accepted(res, fallbackText) {
    running = typeof res.scenario === 'string' && res.scenario ? res.scenario : fallbackText;
    keys = CP.parsePairs(running);
    lanes = Array.isArray(res.lanes) ? res.lanes.map(String) : [];
    syncControls();
    setURL(running);
    fieldDirty = false;
    setField(running);
    resetView();
    reached = 0;
    showChanges();
  }

  // loadText loads scenario text as given (Apply, playground.load, the URL).
  function loadText(text) {
    text = String(text == null ? '' : text);
    var res = ctl.load(text);
    if (res.ok) accepted(res, text);
    return res;
  }

  // commit loads the scenario the controls made. A key the new scenario
  // cannot use ("does nothing here", e.g. threads after leaving gthread) is
  // dropped and the load retried; the note says what was dropped.
  function commit(next, changedKey) {
    if (!link.sim()) {
      keys = next;
      var t = currentText();
      syncControls();
      setURL(t);
      setField(t);
      return;
    }
    var dropped = [];
    var res;
    for (var i = 0; i < 10; i++) {
      res = ctl.load(CP.joinPairs(next));
      if (res.ok) break;
      var k = res.key;
      if (k && k !== changedKey && /does nothing here/.test(String(res.error || '')) &&
          CP.getPair(next, k) !== undefined) {
        dropped.push(k + '=' + CP.getPair(next, k));
        CP.deletePair(next, k);
        continue;
      }
      break;
    }
    if (res.ok) {
      accepted(res, CP.joinPairs(next));
      showText('control-error', '');
      showText('control-note', dropped.length
        ? 'Removed ' + dropped.join(', ') +
          (dropped.length > 1 ? ': the new settings do not use them.' : ': the new settings do not use it.')
        : '');
    } else {
      showText('control-error', String(res.error || 'the simulation refused these settings'));
      syncControls(); // back to what runs
    }
  }

  function modelsOf(pairs) {
    return String(CP.getPair(pairs, 'model') || CP.KEYS.model.default).split(',');
  }
  function usedByAny(key, models) {
    return models.some(function (m) { return CP.keyUsedBy(key, m); });
  }

  // lastValue is the value a key has now: its last live change, or its
  // base value.
  function lastValue(pairs, key) {
    var v = CP.getPair(pairs, key);
    pairs.forEach(function (p) { if (p.key.split('@')[0] === key && p.key.indexOf('@') > 0) v = p.value; });
    return v;
  }
  // changesOf lists the live changes of a scenario as chart marks.
  // A key moved several steps within a second shows once, at its last value.
  function changesOf(pairs) {
    var marks = [];
    pairs.filter(function (p) { return p.key.indexOf('@') > 0; }).forEach(function (p) {
      var at = p.key.split('@');
      var m = { key: at[0], t: CP.parseDurationMs(at[1]) / 1000, text: at[0] + '=' + p.value };
      var prev = marks.length ? marks[marks.length - 1] : null;
      if (prev && prev.key === m.key && m.t - prev.t < 1) marks[marks.length - 1] = m;
      else marks.push(m);
    });
    return marks;
  }
  function showChanges() {
    var marks = changesOf(keys);
    ['throughput', 'latency', 'queue'].forEach(function (c) { charts[c].setMarks(marks); });
    $('clear-changes').hidden = marks.length === 0;
  }

  // A control moved while the run goes on changes the running server, as
  // the real server would take it (KEY@TIME=VALUE in the scenario): time goes
  // on and the charts keep their history. A key no server takes live starts
  // the run again with the new value.
  var LIVE_CONTROLS = { workers: true, io: true, clients: true, cpu: true };
  function applyControl(key, value) {
    if (LIVE_CONTROLS[key] && link.sim() && running) {
      var res = link.call('change', key, value);
      if (res && res.ok) {
        running = String(res.scenario);
        keys = CP.parsePairs(running);
        syncControls();
        setURL(running);
        setField(running);
        showChanges();
        drawCharts();
        showText('control-error', '');
        showText('control-note', key + ' becomes ' + value + ' at ' + Number(res.at).toFixed(1) +
          ' s of the running server; Reset replays the session from 0.');
        return;
      }
      if (res && res.live !== false) {
        showText('control-error', String(res.error || 'the simulation refused the change'));
        syncControls();
        return;
      }
    }
    var next = keys.map(function (p) { return { key: p.key, value: p.value }; });
    if (value === null) CP.deletePair(next, key); else CP.setPair(next, key, value);
    if (key === 'clients') { CP.deletePair(next, 'rate'); CP.deletePair(next, 'burst'); }
    if (key === 'model') {
      // Drop a control's key that no model of the new scenario uses.
      var models = modelsOf(next);
      ['threads', 'workers'].forEach(function (k) {
        if (!usedByAny(k, models)) CP.deletePair(next, k);
      });
    }
    // model first, as in canonical text.
    next.sort(function (a, b) { return (a.key === 'model' ? 0 : 1) - (b.key === 'model' ? 0 : 1); });
    commit(next, key);
  }

  // ---------- controls ----------
  var modelSel = $('model');
  CP.MODELS.forEach(function (m) {
    modelSel.appendChild(CP.el('option', { value: m.name, title: m.doc }, m.name + ': ' + m.title));
  });
  // The sliders; a key's default comes from the engine's table.
  var count = { toValue: function (v) { return String(v); }, show: function (s) { return s.replace(/,/g, ', '); } };
  var millis = { dur: true, toValue: function (v) { return v + 'ms'; } };
  var ranges = { workers: count, threads: count, io: millis, cpu: millis, clients: count };
  function showDur(s) {
    return s.split(',').map(function (v) {
      var ms = CP.parseDurationMs(v);
      return isFinite(ms) ? CP.fmtMs(ms) : v;
    }).join(', ');
  }
  function firstNumber(s, dur) {
    var v = String(s).split(',')[0];
    return dur ? CP.parseDurationMs(v) : parseFloat(v);
  }

  function syncControls() {
    var models = modelsOf(keys);
    var modelVal = models.join(',');
    var cmp = modelSel.querySelector('option[data-compare]');
    if (models.length > 1) {
      if (!cmp) {
        cmp = document.createElement('option');
        cmp.setAttribute('data-compare', '');
        modelSel.insertBefore(cmp, modelSel.firstChild);
      }
      cmp.value = modelVal;
      cmp.textContent = 'compare: ' + models.join(' vs ');
      modelSel.value = modelVal;
    } else {
      if (cmp) cmp.remove();
      modelSel.value = modelVal;
    }

    Object.keys(ranges).forEach(function (name) {
      var r = ranges[name];
      var input = $(name), out = $(name + '-value');
      var raw = lastValue(keys, name);
      // A key whose default is the model's own (threads) has one per model:
      // the first compared model that has one gives it (sync,gthread shows
      // gthread's 1, not the key's sentence about every server).
      var defs = CP.KEYS[name].defaults;
      var own = defs ? models.filter(function (m) { return defs[m] !== undefined; })[0] : undefined;
      if (raw === undefined || raw === null) raw = own !== undefined ? defs[own] : CP.KEYS[name].default;
      var n = firstNumber(raw, r.dur);
      if (isFinite(n)) input.value = String(n);
      out.textContent = r.dur ? showDur(raw) : r.show(raw);
    });

    var hasThreads = usedByAny('threads', models);
    $('threads').disabled = !hasThreads;
    $('threads-note').hidden = hasThreads;
    if (!hasThreads) $('threads-value').textContent = 'not used';

    var noWorkers = !usedByAny('workers', models);
    $('workers').disabled = noWorkers;
    if (noWorkers) $('workers-value').textContent = '1 (one process)';

    var rate = CP.getPair(keys, 'rate'), burst = CP.getPair(keys, 'burst');
    if (rate !== undefined && rate !== '0') $('clients-value').textContent = 'none: rate=' + rate + '/s (move to use clients)';
    else if (burst !== undefined && burst !== '0') $('clients-value').textContent = 'none: burst=' + burst + ' (move to use clients)';

    var seed = CP.getPair(keys, 'seed');
    if (document.activeElement !== $('seed')) $('seed').value = seed === undefined ? CP.KEYS.seed.default : String(seed);
  }

  modelSel.addEventListener('change', function () {
    applyControl('model', modelSel.value);
  });

  var pendingRange = null, rangeTimer = null;
  function flushRange() {
    rangeTimer = null;
    if (!pendingRange) return;
    var p = pendingRange;
    pendingRange = null;
    applyControl(p.key, p.value);
  }
  Object.keys(ranges).forEach(function (name) {
    var r = ranges[name];
    var input = $(name);
    input.addEventListener('input', function () {
      var v = r.toValue(input.value);
      $(name + '-value').textContent = r.dur ? showDur(v) : r.show(v);
      pendingRange = { key: name, value: v };
      if (!rangeTimer) rangeTimer = setTimeout(flushRange, 80);
    });
    input.addEventListener('change', function () {
      pendingRange = { key: name, value: r.toValue(input.value) };
      if (rangeTimer) { clearTimeout(rangeTimer); rangeTimer = null; }
      flushRange();
    });
  });

  $('seed').addEventListener('change', function () {
    var v = $('seed').value.trim();
    if (!/^[0-9]+$/.test(v)) {
      showText('control-error', 'seed=' + v + ': the seed is a whole number from 0 up');
      syncControls();
      return;
    }
    applyControl('seed', v.replace(/^0+(?=\d)/, ''));
  });

  $('scenario-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = field.value;
    if (!link.sim()) {
      showText('scenario-error', 'The simulation has not started yet; try again in a moment.');
      return;
    }
    applyText(text);
  });

  // applyText loads scenario text typed or sent by a caller, and shows the
  // outcome beside the scenario field.
  function applyText(text) {
    var res = loadText(text);
    if (res.ok) {
      showText('scenario-error', '');
      showText('control-error', '');
      showText('control-note', '');
    } else {
      showText('scenario-error', String(res.error || 'the scenario was refused'));
    }
    return res;
  }

  // ---------- transport ----------
  ctl.bindPlay($('play'));
  $('reset').addEventListener('click', function () {
    link.call('reset');
    resetView();
  });
  ctl.bindSpeed($('speed'), $('speed-value'), true);
  ctl.bindNarration($('narration'));

  // ---------- large text ----------
  var largeBtn = $('large-text');
  function setLarge(on) {
    document.documentElement.classList.toggle('large', on);
    largeBtn.setAttribute('aria-pressed', on ? 'true' : 'false');
    try { localStorage.setItem('cp-large-text', on ? '1' : ''); } catch (e) { /* private mode */ }
    ctl.setTextScale(on ? 1.5 : 1);
    if (charts) drawCharts(); // not yet made when the stored choice is applied at start
  }
  largeBtn.addEventListener('click', function () {
    setLarge(!document.documentElement.classList.contains('large'));
  });
  try { if (localStorage.getItem('cp-large-text') === '1') setLarge(true); } catch (e) { /* ignore */ }

  // ---------- a room: presenter mode, keys, the Embed dialog ----------
  var presenter = bindPresenter(ctl, $('present'), $('present-exit'), function () {
    return document.documentElement.classList.contains('large') ? 1.5 : 1;
  });
  var keysUI = bindKeys(Object.assign(moveKeys(seekBy, function (d) { ctl.stepSpeed(d); }), {
    toggle: function () { ctl.togglePlay(); },
    reset: function () { $('reset').click(); },
    presenter: function () { presenter.toggle(); },
    escape: function () { if (!presenter.on()) return false; presenter.set(false); return true; }
  }));
  $('keys-button').addEventListener('click', keysUI.openHelp);
  // seekBy steps through the timeline's seek, so the charts follow.
  function seekBy(d) {
    var st = ctl.state();
    if (st && CP.finite(st.simSeconds)) seek(Math.max(0, st.simSeconds + d));
  }
  var embedUI = bindEmbedDialog($('embed-button'), function () {
    var st = link.ready() ? ctl.state() : null;
    return st && typeof st.scenario === 'string' && st.scenario ? st.scenario : running || currentText();
  });

  // ---------- state legend ----------
  CP.renderLegend($('state-legend'));

  // ---------- live numbers ----------
  var STATS = [
    { id: 'completed', label: 'Completed' },
    { id: 'failed', label: 'Failed' },
    { id: 'inflight', label: 'In flight', unit: 'sent, not yet answered' },
    { id: 'throughput', label: 'Throughput', unit: 'req/s' },
    { id: 'p50', label: 'p50 latency' },
    { id: 'p99', label: 'p99 latency' },
    { id: 'queue', label: 'Queue', unit: 'of those, not yet started' },
    { id: 'memory', label: 'Memory', unit: 'MB resident / virtual' },
    // Shown only in a lane with background=N (state().lanes[i].jobs).
    { id: 'jobs', label: 'Background jobs', unit: 'in Redis\'s list · finished · p99 from enqueue' }
  ];
  var builtLanes = null;
  function buildNumbers(labels) {
    var box = $('numbers');
    box.textContent = '';
    box.classList.toggle('multi', labels.length > 1);
    labels.forEach(function (label, i) {
      var sec = CP.el('section', { className: 'lane', id: 'lane-' + i, 'aria-label': 'Lane ' + (i + 1) + ': ' + label });
      sec.style.setProperty('--lane', CP.laneColour(i));
      var h = CP.el('h3', { className: 'lane-title' });
      var sw = CP.el('span', { className: 'swatch', 'aria-hidden': 'true' });
      sw.style.backgroundColor = CP.laneColour(i);
      h.appendChild(sw);
      h.appendChild(CP.el('span', { id: 'lane-label-' + i }, label));
      h.appendChild(CP.el('span', { className: 'lane-done', id: 'lane-done-' + i, hidden: '' }, 'finished'));
      sec.appendChild(h);
      var dl = CP.el('dl', { className: 'stats' });
      STATS.forEach(function (s) {
        var d = CP.el('div', { className: 'stat stat-' + s.id });
        d.appendChild(CP.el('dt', null, s.label));
        d.appendChild(CP.el('dd', { id: 'num-' + s.id + '-' + i }, '–'));
        // A div in a dl may hold only dt and dd: the notes are dd too.
        if (s.id === 'failed') d.appendChild(CP.el('dd', { id: 'num-failed-causes-' + i, className: 'sub' }, ''));
        if (s.unit) d.appendChild(CP.el('dd', { className: 'sub' }, s.unit));
        dl.appendChild(d);
      });
      sec.appendChild(dl);
      box.appendChild(sec);
    });
    builtLanes = labels.slice();
  }
  function setNum(id, text) {
    var e = $(id);
    if (e && e.textContent !== text) e.textContent = text;
  }
  function renderNumbers(st) {
    var ls = Array.isArray(st.lanes) ? st.lanes : [];
    var labels = ls.map(function (l, i) { return l && l.label ? String(l.label) : 'lane ' + (i + 1); });
    if (!builtLanes || builtLanes.join('\n') !== labels.join('\n')) buildNumbers(labels);
    ls.forEach(function (l, i) {
      if (!l) return;
      setNum('num-completed-' + i, CP.fmtInt(l.completed));
      setNum('num-failed-' + i, CP.fmtInt(l.failedTotal));
      var f = l.failed || {};
      var parts = CP.FAILURE_CAUSES.filter(function (c) { return f[c] > 0; })
        .map(function (c) { return c + ' ' + CP.fmtInt(f[c]); });
      setNum('num-failed-causes-' + i, parts.length ? parts.join(' · ') : 'none');
      setNum('num-inflight-' + i, CP.fmtInt(l.inFlight));
      setNum('num-throughput-' + i, CP.fmtRps(l.throughputRps));
      setNum('num-p50-' + i, CP.fmtMs(l.p50Ms));
      setNum('num-p99-' + i, CP.fmtMs(l.p99Ms));
      setNum('num-queue-' + i, CP.fmtInt(l.queue));
      var m = l.memoryMB || {};
      setNum('num-memory-' + i, CP.fmtMB(m.resident) + ' / ' + CP.fmtMB(m.virtual));
      var jobs = $('num-jobs-' + i);
      if (jobs) {
        jobs.parentNode.hidden = !l.jobs;
        if (l.jobs) {
          var jl = l.jobs.latency_ms || {};
          setNum('num-jobs-' + i, CP.fmtInt(l.jobs.queued) + ' · ' + CP.fmtInt(l.jobs.finished) + ' · ' +
            (l.jobs.finished > 0 ? CP.fmtMs(jl.p99) : '–'));
        }
      }
      var done = $('lane-done-' + i);
      if (done) done.hidden = !l.done;
    });
    setNum('sim-time', 't = ' + (CP.finite(st.simSeconds) ? st.simSeconds.toFixed(1) : '0.0') + ' s simulated');
    showMoment(st);
    // The speed the page achieves, when it falls short of the one asked for.
    var asked = Number(st.speed), got = Number(st.achievedSpeed);
    setNum('speed-achieved', !st.paused && got > 0 && got < 0.9 * asked
      ? 'achieving ' + (got >= 10 ? got.toFixed(0) : got.toFixed(1)) + 'x' : '');
    if (st.notice && st.notice !== shownNotice) { shownNotice = st.notice; showAlert(st.notice); }
    var allDone = ls.length > 0 && ls.every(function (l) { return l && l.done; });
    setNum('sim-status', allDone ? 'finished' : st.paused ? 'paused' : 'running');
  }

  // ---------- charts ----------
  var charts = {
    throughput: new LineChart($('chart-throughput'), { yLabel: 'req/s', minY: 1 }),
    latency: new LineChart($('chart-latency'), { yLabel: 'ms', minY: 10 }),
    queue: new LineChart($('chart-queue'), { yLabel: 'requests waiting', minY: 4 }),
    jobs: new LineChart($('chart-jobs'), { yLabel: 'jobs waiting', minY: 4 })
  };
  var lastSeries = [];
  function pts(points, field) {
    return points.map(function (p) { return [p && p.t, p && p[field]]; });
  }
  function drawCharts() {
    var th = [], lat = [], qu = [], jq = [], anyJobs = false;
    lastSeries.forEach(function (s, i) {
      var points = Array.isArray(s && s.points) ? s.points : [];
      var c = CP.laneColour(i);
      th.push({ colour: c, points: pts(points, 'rps') });
      lat.push({ colour: c, points: pts(points, 'p50') });
      lat.push({ colour: c, points: pts(points, 'p99'), dash: [6, 4] });
      qu.push({ colour: c, points: pts(points, 'queue') });
      jq.push({ colour: c, points: pts(points, 'jobQueue') });
      anyJobs = anyJobs || points.some(function (p) { return p && (p.jobQueue > 0 || p.jobs > 0); });
    });
    $('chart-jobs-figure').hidden = !anyJobs;
    if (anyJobs) charts.jobs.setData(jq);
    charts.throughput.setData(th);
    charts.latency.setData(lat);
    charts.queue.setData(qu);
  }
  // pollSeries brings lastSeries up to date: the whole series when a run
  // starts (st.run changes), then only the points after the last one held
  // (cpSim.series(since)), dropping the oldest down to what the program keeps.
  var seriesRun = null;
  function pollSeries(st) {
    var same = st.run === seriesRun && lastSeries.length > 0;
    var since = Infinity;
    if (same) lastSeries.forEach(function (s) { var p = s.points; since = Math.min(since, p.length ? p[p.length - 1].t : -1); });
    var fresh = same ? link.call('series', since) : link.call('series');
    if (!Array.isArray(fresh)) return;
    seriesRun = st.run;
    var added = 0;
    if (!same || fresh.length !== lastSeries.length) { lastSeries = fresh; added = 1; }
    else fresh.forEach(function (s, i) {
      var held = lastSeries[i].points, last = held.length ? held[held.length - 1].t : -1;
      s.points.forEach(function (p) { if (p.t > last) { held.push(p); added++; } });
      if (held.length > s.kept) held.splice(0, held.length - s.kept);
      lastSeries[i].kept = s.kept;
    });
    if (added) drawCharts(); // a paused run's charts are not drawn again four times a second
  }
  function renderChartLegend(labels) { renderLaneLegend($('chart-legend'), labels); }
  // renderLaneLegend lists labels in ul with their lane colours, when they
  // differ from what it shows.
  function renderLaneLegend(ul, labels) {
    var key = labels.join('\n');
    if (ul.getAttribute('data-names') === key) return;
    ul.setAttribute('data-names', key);
    ul.textContent = '';
    labels.forEach(function (label, i) {
      var li = CP.el('li');
      var sw = CP.el('span', { className: 'swatch line', 'aria-hidden': 'true' });
      sw.style.backgroundColor = CP.laneColour(i);
      li.appendChild(sw);
      li.appendChild(CP.el('span', null, label));
      ul.appendChild(li);
    });
  }

  // ---------- the clicked request ----------
  var PHRASES = {
    connecting: function (d) { return 'retried connecting for ' + d + ' (SYN or request dropped)'; },
    backlog: function (d) { return 'waited ' + d + ' in the listen queue'; },
    queued: function (d) { return 'waited ' + d + ' in the worker\'s queue (on uWSGI, for its request)'; },
    'wait-loop': function (d) { return 'waited ' + d + ' for the event loop'; },
    'wait-gil': function (d) { return 'waited ' + d + ' for the GIL'; },
    'wait-core': function (d) { return 'waited ' + d + ' for a free CPU core'; },
    cpu: function (d) { return 'ran ' + d + ' on CPU'; },
    io: function (d, sleep) { return sleep ? 'slept ' + d : 'waited ' + d + ' on the upstream'; },
    blocked: function (d, sleep) { return (sleep ? 'slept ' + d : 'waited ' + d + ' on the upstream') + ' while blocking the whole event loop'; },
    'wait-pool': function (d) { return 'waited ' + d + ' for an upstream connection'; }
  };
  var selectedKey = null;
  function renderSelected(sel, nowMs) {
    var key;
    try { key = sel ? JSON.stringify(sel) : 'null'; } catch (e) { key = String(Math.random()); }
    if (key === selectedKey) return;
    selectedKey = key;
    var body = $('selected-body');
    if (!sel || typeof sel !== 'object') {
      body.hidden = true;
      $('selected-empty').hidden = false;
      return;
    }
    $('selected-empty').hidden = true;
    body.hidden = false;

    var sent = CP.finite(sel.sentMs) ? sel.sentMs : 0;
    var inFlight = !sel.outcome || sel.outcome === 'in flight' || !CP.finite(sel.endMs);
    var lastSegEnd = sent;
    (Array.isArray(sel.segments) ? sel.segments : []).forEach(function (s) {
      if (s && CP.finite(s.endMs) && s.endMs > lastSegEnd) lastSegEnd = s.endMs;
    });
    var end = inFlight ? Math.max(CP.finite(nowMs) ? nowMs : sent, lastSegEnd) : sel.endMs;
    var segs = (Array.isArray(sel.segments) ? sel.segments : []).map(function (s) {
      var a = CP.finite(s && s.startMs) ? s.startMs : sent;
      var b = CP.finite(s && s.endMs) ? s.endMs : end;
      return { state: String(s && s.state || '?'), start: a, dur: Math.max(0, b - a) };
    });
    // Merge neighbours in the same state.
    var merged = [];
    segs.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && last.state === s.state) last.dur += s.dur; else merged.push({ state: s.state, dur: s.dur });
    });

    var head = 'Request #' + (CP.finite(sel.seq) ? String(sel.seq) : '?') + ' from client ' + CP.fmtInt(sel.client);
    // worker is 0-based; the canvas labels workers from 1.
    if (CP.finite(sel.worker) && sel.worker >= 0) head += ', worker ' + (sel.worker + 1);
    if (lanes.length > 1 && CP.finite(sel.lane) && lanes[sel.lane]) head += ', lane ' + lanes[sel.lane];
    var total = Math.max(0, end - sent);
    if (inFlight) head += ': in flight for ' + CP.fmtMs(total) + ' so far';
    else if (sel.outcome === 'ok') head += ': answered in ' + CP.fmtMs(total);
    else head += ': failed (' + String(sel.outcome) + ') after ' + CP.fmtMs(total);
    $('selected-head').textContent = head;

    var words = merged.filter(function (s) { return PHRASES[s.state]; })
      .map(function (s) { return PHRASES[s.state](CP.fmtMs(s.dur), sel.sleep === true); });
    var text;
    if (!words.length) text = 'No time recorded yet.';
    else if (words.length > 8) {
      // Many calls: totals by state read better than a long list.
      var sums = {}, order = [];
      merged.forEach(function (s) {
        if (!PHRASES[s.state]) return;
        if (!(s.state in sums)) { sums[s.state] = 0; order.push(s.state); }
        sums[s.state] += s.dur;
      });
      text = 'In total it ' + order.map(function (st) { return PHRASES[st](CP.fmtMs(sums[st]), sel.sleep === true); }).join(', ') +
        ' (' + merged.length + ' steps).';
    } else {
      text = 'It ' + words.join(', then ') + '.';
    }
    $('selected-text').textContent = text;

    var bar = $('selected-bar');
    bar.textContent = '';
    bar.setAttribute('aria-label', text);
    var sum = segs.reduce(function (a, s) { return a + s.dur; }, 0) || 1;
    segs.forEach(function (s) {
      var part = CP.el('span', { className: 'seg', title: s.state + ': ' + CP.fmtMs(s.dur) });
      part.style.flexGrow = String(s.dur / sum);
      part.style.flexBasis = '0';
      part.style.backgroundColor = CP.STATE_COLOUR[s.state] || '#777';
      bar.appendChild(part);
    });
    $('selected-total').textContent = CP.fmtMs(total);
  }

  function resetView() {
    lastSeries = [];
    drawCharts();
    selectedKey = null;
  }

  // ---------- loading and the poll loop (the Controller's hooks) ----------
  function showLoad(d) {
    var box = $('load-status');
    if (!d) { box.hidden = true; return; }
    box.hidden = false;
    $('load-text').textContent = d.text;
    var p = $('load-progress');
    if (d.fraction === null) p.removeAttribute('value'); else p.value = d.fraction;
  }

  function showFailure(f) {
    var box = $('load-status');
    box.hidden = false;
    box.classList.add('failed');
    $('load-text').textContent = f.short;
    $('load-progress').hidden = true;
    setNum('sim-status', f.stopped ? 'stopped' : 'not loaded');
    showAlert(f.head, f.output);
  }

  function firstLoad() {
    var text = urlError ? '' : CP.joinPairs(keys);
    if (!text) text = CP.DEFAULT_SCENARIO;
    var res = loadText(text);
    if (!res.ok) {
      var err = String(res.error || 'it was refused');
      showAlert('The scenario in the URL was not run: ' + err + '. The default scenario runs instead; ' +
        'the URL\'s text is in the Scenario text box: correct it there and press Apply.');
      res = loadText(CP.DEFAULT_SCENARIO);
      // The URL now names the default: the text to correct stays in the
      // field, with its error beside it.
      if (res.ok) {
        setField(text);
        fieldDirty = true;
        showText('scenario-error', err);
      }
    }
    if (!res.ok) {
      showAlert('The simulation refused the default scenario: ' + String(res.error || ''));
    }
    applyLinkMoment();
  }

  function render(st) {
    renderNumbers(st);
    renderCurves(st);
    var labels = (Array.isArray(st.lanes) ? st.lanes : []).map(function (l, i) {
      return l && l.label ? String(l.label) : 'lane ' + (i + 1);
    });
    renderChartLegend(labels);
    pollSeries(st);
    var sel = link.call('selected');
    renderSelected(sel === undefined ? null : sel, CP.finite(st.simSeconds) ? st.simSeconds * 1000 : NaN);
  }

  // ---------- start ----------
  var urlError = null;
  (function init() {
    var q = CP.scenarioFromQuery(location.search);
    if (q.error) {
      urlError = q.error;
      showAlert('The URL was not understood: ' + q.error + '. The default scenario runs instead; ' +
        'type the one you meant in the Scenario text box and press Apply.');
      keys = CP.parsePairs(CP.DEFAULT_SCENARIO);
    } else {
      keys = CP.parsePairs(q.text || CP.DEFAULT_SCENARIO);
    }
    syncControls();
    setField(currentText());
    drawCharts();
    ctl.start();
  })();

  // ---------- the timeline, the fragment and the data ----------
  // The run is deterministic, so going back to a moment re-simulates from 0
  // to it: the state equals a fresh run paused there. The fragment keeps the
  // moment and the speed (#t=12.5&speed=10), so a link shows a room the same
  // instant.
  var timeline = $('timeline');
  var reached = 0;       // the furthest simulated second seen in this run
  var shownNotice = '';  // the program's last notice, shown once
  var dragging = false;
  var seekTimer = null;
  function fragment() {
    var out = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      if (!kv) return;
      var i = kv.indexOf('=');
      var dec = function (x) { try { return decodeURIComponent(x); } catch (e) { return x; } }; // a bad escape stays as written
      out[dec(i < 0 ? kv : kv.slice(0, i))] = i < 0 ? '' : dec(kv.slice(i + 1));
    });
    return out;
  }
  function setFragment(f) {
    var parts = Object.keys(f).map(function (k) { return f[k] === '' ? k : k + '=' + f[k]; });
    try { history.replaceState(null, '', location.pathname + location.search + (parts.length ? '#' + parts.join('&') : '')); } catch (e) { /* sandboxed */ }
  }
  function showMoment(st) {
    var t = CP.finite(st.simSeconds) ? st.simSeconds : 0;
    reached = Math.max(reached, t);
    timeline.max = String(Math.max(1, Math.ceil(reached * 10) / 10));
    if (!dragging) timeline.value = String(t);
    $('timeline-value').textContent = t.toFixed(1) + ' s';
    var f = fragment();
    var tt = t.toFixed(1), sp = String(+Number(st.speed).toPrecision(3));
    if (f.t !== tt || f.speed !== sp) { f.t = tt; f.speed = sp; setFragment(f); }
  }
  function seek(seconds) {
    var res = link.call('seek', Number(seconds));
    if (!res) return { ok: false, error: 'the simulation has not started yet' };
    if (res.ok) { lastSeries = []; var s = link.call('series'); if (Array.isArray(s)) lastSeries = s; drawCharts(); }
    return res;
  }
  timeline.addEventListener('input', function () {
    dragging = true;
    $('timeline-value').textContent = Number(timeline.value).toFixed(1) + ' s';
    if (!seekTimer) seekTimer = setTimeout(function () { seekTimer = null; seek(timeline.value); }, 150);
  });
  timeline.addEventListener('change', function () {
    dragging = false;
    if (seekTimer) { clearTimeout(seekTimer); seekTimer = null; }
    seek(timeline.value);
  });
  // The moment and speed of a link, once the first scenario runs.
  var linkMoment = fragment();
  function applyLinkMoment() {
    var sp = parseFloat(linkMoment.speed);
    if (isFinite(sp) && sp > 0) link.call('setSpeed', sp);
    var t = parseFloat(linkMoment.t);
    if (isFinite(t) && t > 0) {
      link.call('setPaused', true);
      seek(t);
    }
    linkMoment = {};
  }

  $('clear-changes').addEventListener('click', function () {
    var base = keys.filter(function (p) { return p.key.indexOf('@') < 0; });
    applyText(CP.joinPairs(base));
  });

  function download(name, type, text) {
    var a = CP.el('a', { href: URL.createObjectURL(new Blob([text], { type: type })), download: name });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  $('download-csv').addEventListener('click', function () {
    var text = link.call('exportCSV');
    if (typeof text === 'string') download('concurrency-playground.csv', 'text/csv', text);
  });
  $('download-json').addEventListener('click', function () {
    var text = link.call('exportJSON');
    if (typeof text === 'string') download('concurrency-playground.json', 'application/json', text);
  });

  // Following a request needs no mouse: the button picks the oldest request
  // in flight, then the next one each time.
  $('follow').addEventListener('click', function () {
    if (link.call('follow') === false) showText('control-note', 'No request is in flight to follow.');
    var sel = link.call('selected');
    var st = link.call('state');
    renderSelected(sel === undefined ? null : sel, st && CP.finite(st.simSeconds) ? st.simSeconds * 1000 : NaN);
  });

  // ---------- capacity curves (a sweep: KEY=A..B) ----------
  // The program runs a sweep's points between frames; the page draws what
  // is done: throughput, p50/p99 and memory against the swept value, one
  // line per model, the knee (or the cheapest point meeting the goal)
  // marked, and a table whose "Run" buttons load a point as a live run.
  var curveCharts = null;
  var lastCurves = [], curvesKey = '', curvesRows = -1, sweepText = '', curvesSeen = '';
  function curveLines(curves, field, dash) {
    return curves.map(function (c, i) {
      return { colour: CP.laneColour(i), dash: dash || [], points: (c.points || []).map(function (p) { return [p.x, p[field]]; }) };
    });
  }
  // knee is where a curve's throughput first reaches 90% of its best.
  function knee(points) {
    var best = 0;
    points.forEach(function (p) { best = Math.max(best, p.throughputRps); });
    for (var i = 0; i < points.length; i++) if (points[i].throughputRps >= 0.9 * best) return points[i];
    return null;
  }
  function renderCurves(st) {
    var sw = st.sweep;
    var sec = $('curves');
    if (!sw && !lastCurves.length) { sec.hidden = true; return; }
    sec.hidden = false;
    // Only a new point (or the sweep's end) redraws: once it is done the
    // polls would otherwise fetch and draw the same curves four times a second.
    var seen = sw ? sw.scenario + '|' + sw.done : 'after|' + sweepText;
    if (seen === curvesSeen) return;
    curvesSeen = seen;
    if (sw) {
      sweepText = sw.scenario;
      var curves = link.call('curves');
      if (Array.isArray(curves)) lastCurves = curves;
      $('curves-progress').max = sw.total;
      $('curves-progress').value = sw.done;
      // The picture holds still meanwhile (cmd/wasm/drawpace.go), and says so.
      setNum('curves-status', sw.done < sw.total ? 'Running point ' + (sw.done + 1) + ' of ' + sw.total + '… (the picture above waits for them)' : sw.total + ' points done.');
      setNum('curves-caption', '(' + sw.key + (sw.target ? ', goal ' + sw.target : '') + ')');
      curvesKey = sw.key;
    } else {
      setNum('curves-status', 'From the sweep ' + sweepText + '; load it again to see its picture.');
    }
    if (!curveCharts) {
      curveCharts = {
        throughput: new LineChart($('curve-throughput'), { yLabel: 'req/s', minY: 1 }),
        latency: new LineChart($('curve-latency'), { yLabel: 'ms', minY: 10 }),
        memory: new LineChart($('curve-memory'), { yLabel: 'MB', minY: 10 })
      };
    }
    var xl = curvesKey + (CP.KEYS[curvesKey] && /ms|s$/.test(String(CP.KEYS[curvesKey].default)) ? ' (ms)' : '');
    var marks = [];
    lastCurves.forEach(function (c) {
      var pts = c.points || [];
      var cheap = pts.filter(function (p) { return p.cheapest; })[0];
      var k = cheap || (pts.length ? knee(pts) : null);
      if (k) marks.push({ t: k.x, text: (cheap ? 'cheapest ' : 'knee ') + k.value });
    });
    ['throughput', 'latency', 'memory'].forEach(function (n) {
      curveCharts[n].opts.xLabel = xl;
      curveCharts[n].setMarks(marks);
    });
    curveCharts.throughput.setData(curveLines(lastCurves, 'throughputRps'));
    curveCharts.latency.setData(curveLines(lastCurves, 'p50Ms').concat(curveLines(lastCurves, 'p99Ms', [6, 4])));
    curveCharts.memory.setData(curveLines(lastCurves, 'residentMB'));
    renderLaneLegend($('curves-legend'), lastCurves.map(function (c) { return c.label; }));
    var n = lastCurves.reduce(function (a, c) { return a + (c.points || []).length; }, 0);
    if (n === curvesRows) return;
    curvesRows = n;
    $('curves-key').textContent = curvesKey || 'value';
    var body = $('curves-body');
    body.textContent = '';
    lastCurves.forEach(function (c) {
      (c.points || []).forEach(function (p) {
        var tr = CP.el('tr');
        [c.label, p.value, CP.fmtRps(p.throughputRps), CP.fmtMs(p.p50Ms), CP.fmtMs(p.p99Ms),
          CP.fmtMB(p.residentMB), CP.fmtInt(p.failed), p.cheapest ? 'cheapest' : p.meetsTarget ? 'meets' : ''].forEach(function (v, j) {
          var td = CP.el(j === 0 ? 'th' : 'td', j === 0 ? { scope: 'row' } : null, String(v));
          if (j === 7 && v) td.className = 'meets';
          tr.appendChild(td);
        });
        var td = CP.el('td');
        var b = CP.el('button', { type: 'button' }, 'Run');
        b.setAttribute('aria-label', 'Run ' + c.label + ' with ' + curvesKey + '=' + p.value + ' live');
        b.addEventListener('click', function () { applyText(p.scenario); });
        td.appendChild(b);
        tr.appendChild(td);
        body.appendChild(tr);
      });
    });
  }

  // ---------- window.playground ----------
  window.playground = {
    get ready() { return ctl.ready; },
    state: function () {
      if (!link.ready()) return { ready: false, scenario: running || currentText() };
      var st = link.call('state');
      return st && typeof st === 'object' ? st : { ready: false, scenario: running || currentText() };
    },
    load: applyText,
    seek: seek,
    series: function () { return lastSeries; },
    curves: function () {
      // Fresh from the program while a sweep runs, else the last one drawn.
      var now = link.call('curves');
      if (Array.isArray(now) && now.length) lastCurves = now;
      return lastCurves.map(function (c) {
        return { label: c.label, points: (c.points || []).map(function (p) {
          return { x: p.x, throughputRps: p.throughputRps, p50Ms: p.p50Ms, p99Ms: p.p99Ms, residentMB: p.residentMB };
        }) };
      });
    },
    // embedCode({width, height} or {responsive: true}, controls, autoplay,
    // numbers) is the HTML that embeds the running scenario (docs/embed.md).
    embedCode: function (o) { return embedUI.code(o); }
  };
})();
