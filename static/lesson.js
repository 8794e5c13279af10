// lesson.js: the lesson pages (lessons/*.html, <main id="lesson">) and the
// lessons index (main.lesson-index). The HTML comes from lessons/render.go
// and lessons/page.go; docs/lessons-format.md says what each block means.
// Everything from the page or the simulation goes in as text (textContent),
// never as HTML. Nothing here throws on bad or missing data. Loading, the
// first load, play, speed and the poll loop are the shared Controller's.
import { CP } from './common.js';
import { Controller } from './controller.js';
import { bindKeys, moveKeys } from './keys.js';
import { bindPresenter } from './presenter.js';

(function () {
  var $ = function (id) { return document.getElementById(id); };
  var PREFIX = 'cp-lesson:';

  // ---------- small helpers ----------
  function store(key, value) {
    try { localStorage.setItem(key, value); return true; } catch (e) { return false; }
  }
  function recall(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }
  function parseJSON(s, fallback) {
    try {
      var v = JSON.parse(s);
      return v === undefined || v === null ? fallback : v;
    } catch (e) { return fallback; }
  }
  function finite(x) { return typeof x === 'number' && isFinite(x); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function setText(e, text) {
    if (e && e.textContent !== text) e.textContent = text;
  }
  function each(list, fn) { Array.prototype.forEach.call(list || [], fn); }
  function closest(e, sel) {
    while (e && e.nodeType === 1) {
      if (e.matches && e.matches(sel)) return e;
      e = e.parentNode;
    }
    return null;
  }
  function fmtMs(x) { return CP.fmtMs ? CP.fmtMs(x) : (finite(x) ? Math.round(x) + ' ms' : '–'); }
  function fmtInt(x) { return CP.fmtInt ? CP.fmtInt(x) : (finite(x) ? String(Math.round(x)) : '–'); }
  function fmtRps(x) { return CP.fmtRps ? CP.fmtRps(x) : (finite(x) ? x.toFixed(1) : '–'); }
  function fmtMB(x) { return CP.fmtMB ? CP.fmtMB(x) : (finite(x) ? x.toFixed(1) : '–'); }
  function parsePairs(text) {
    if (CP.parsePairs) return CP.parsePairs(text);
    return String(text || '').split(/\s+/).filter(Boolean).map(function (f) {
      var i = f.indexOf('=');
      return i < 0 ? { key: f, value: null } : { key: f.slice(0, i), value: f.slice(i + 1) };
    });
  }
  function durationMs(s) {
    if (CP.parseDurationMs) return CP.parseDurationMs(s);
    return NaN;
  }
  var OP_WORDS = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=', '!=': '≠', '~': '≈' };
  function opWord(op) { return OP_WORDS[op] || String(op); }

  // ---------- the lessons index ----------
  function summaryOf(slug) {
    var s = parseJSON(recall(PREFIX + slug + ':summary'), null);
    return s && typeof s === 'object' ? s : null;
  }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  function initIndex(main) {
    each(main.querySelectorAll('li[data-slug]'), function (li) {
      var slug = li.getAttribute('data-slug') || '';
      var out = li.querySelector('.lesson-progress');
      if (!out) return;
      var s = summaryOf(slug);
      var text = '', state = 'new';
      if (s) {
        var ex = finite(s.exercises) ? Math.max(0, Math.round(s.exercises)) : 0;
        var solved = finite(s.solved) ? Math.max(0, Math.min(ex, Math.round(s.solved))) : 0;
        if (ex > 0) {
          text = solved + ' of ' + plural(ex, 'exercise', 'exercises') + ' solved';
          state = solved >= ex ? 'done' : solved > 0 ? 'partial' : 'visited';
        } else {
          text = 'read';
          state = 'done';
        }
      } else {
        text = 'not started';
      }
      out.textContent = text;
      out.setAttribute('aria-label', 'progress: ' + text);
      out.className = 'lesson-progress progress-' + state;
    });
  }

  // ---------- the lesson page ----------
  function initLesson(main) {
    var slug = main.getAttribute('data-slug') || 'lesson';
    var key = function (kind, line) { return PREFIX + slug + ':' + kind + ':' + line; };
    var iframe = $('sim-frame');
    var sim = iframe ? new Controller(iframe, {
      firstLoad: firstRun,
      onLoading: function (d) { if (d && !started) showMessage(d.text, false); },
      onFailure: showFailure,
      onState: onState,
      stopOnFailure: true
    }) : null;
    var link = sim ? sim.link : null;
    var runningBox = $('lesson-running');
    var alertBox = $('lesson-alert');
    var numbersBox = $('lesson-numbers');
    var playBtn = $('play');
    var speedInput = $('speed');
    var aside = document.querySelector('.lesson-sim');
    var narrow = function () {
      try { return window.matchMedia('(max-width: 900px)').matches; } catch (e) { return false; }
    };

    // The template shows the title as <h1>; a lesson that starts with its
    // own "# Title" would show it twice.
    (function () {
      var hs = main.querySelectorAll('h1');
      if (hs.length > 1 && hs[0].textContent.trim() === hs[1].textContent.trim()) hs[1].hidden = true;
    })();

    function showAlert(text) {
      if (!alertBox) return;
      alertBox.textContent = text || '';
      alertBox.hidden = !text;
    }

    // #lesson-running: a heading line and the scenario text, or a message.
    function showRunning(label, scenario, note) {
      if (!runningBox) return;
      runningBox.textContent = '';
      if (label) {
        runningBox.appendChild(el('span', 'lesson-running-label', label));
      }
      if (scenario) {
        runningBox.appendChild(document.createTextNode(' '));
        runningBox.appendChild(el('code', 'lesson-running-scenario', scenario));
      }
      if (note) {
        runningBox.appendChild(document.createTextNode(' '));
        runningBox.appendChild(el('span', 'lesson-running-note', note));
      }
    }
    function showMessage(text, failed) {
      if (!runningBox) return;
      runningBox.textContent = text;
      runningBox.classList.toggle('failed', !!failed);
    }

    // ---------- cards ----------
    var active = null;         // the card element whose scenario runs
    var activeExercise = null; // the exercise being played, if any
    var running = '';          // canonical text of what we loaded

    function cardTitle(card) {
      if (!card) return '';
      if (card.classList.contains('cp-exercise')) {
        var h = card.querySelector('h3');
        return h ? h.textContent.trim() : 'Exercise';
      }
      var cap = card.querySelector('figcaption');
      var t = cap ? cap.textContent.trim() : '';
      var pred = closest(card.parentNode, '.cp-predict');
      if (pred && (!t || t === 'Run this scenario')) {
        var q = pred.querySelector('.cp-question');
        t = 'The prediction’s scenario' + (q ? ': ' + q.textContent.trim() : '');
      }
      return t || 'Scenario';
    }

    function markActive(card) {
      each(main.querySelectorAll('.cp-active'), function (c) {
        if (c !== card) {
          c.classList.remove('cp-active');
          c.removeAttribute('data-running');
        }
      });
      if (card) {
        card.classList.add('cp-active');
        card.setAttribute('data-running', '');
      }
      active = card;
      if (backBtn && !card) backBtn.hidden = true;
    }
    // fmtShortMs: latencies for the narrow numbers panel ("990 ms", "1.02 s").
    function fmtShortMs(x) {
      if (!finite(x)) return '–';
      if (x < 0) x = 0;
      if (x < 10) return (Math.round(x * 10) / 10) + ' ms';
      if (x < 1000) return Math.round(x) + ' ms';
      if (x < 100000) return Number((x / 1000).toPrecision(3)) + ' s';
      return fmtMs(x);
    }

    // run loads text into the simulation for a card. It returns the load result.
    function run(text, card, opts) {
      opts = opts || {};
      text = String(text || '').trim();
      if (!link || !link.sim() || !link.ready()) {
        var why = link && link.stopped() ? 'The simulation is not running, so this scenario cannot be loaded.'
          : 'The simulation is still loading; try again in a moment.';
        showAlert(why);
        return { ok: false, error: why };
      }
      var res = sim.load(text);
      if (!res || !res.ok) {
        var err = String((res && res.error) || 'the simulation refused this scenario');
        showAlert('This scenario was not loaded: ' + err + (res && res.key ? ' (key ' + res.key + (res.value ? ', value ' + res.value : '') + ')' : ''));
        return res || { ok: false, error: err };
      }
      showAlert('');
      running = typeof res.scenario === 'string' && res.scenario ? res.scenario : text;
      if (!opts.paused) link.call('setPaused', false);
      else link.call('setPaused', true);
      markActive(card);
      var ex = card && card.classList.contains('cp-exercise') ? card : null;
      activeExercise = ex;
      showRunning((opts.paused ? 'Ready: ' : 'Running: ') + cardTitle(card), running,
        opts.paused ? '(paused: press Play, or Run this on a card)' : null);
      lastCheck = 0;
      if (opts.user && narrow() && aside && aside.scrollIntoView) {
        if (backBtn) backBtn.hidden = false;
        var smooth = true;
        try { smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches; } catch (e) { /* ignore */ }
        aside.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
      }
      sim.tick();
      return res;
    }

    // On narrow screens Run scrolls up to the simulation; this goes back.
    var backBtn = null;
    if (aside) {
      backBtn = el('button', 'lesson-back', 'Back to the card');
      backBtn.type = 'button';
      backBtn.id = 'lesson-back';
      backBtn.hidden = true;
      backBtn.addEventListener('click', function () {
        if (active && active.scrollIntoView) active.scrollIntoView({ block: 'center' });
        var b = active && active.querySelector('button');
        if (b && b.focus) { try { b.focus({ preventScroll: true }); } catch (e) { b.focus(); } }
      });
      var ctl = aside.querySelector('.lesson-controls');
      if (ctl) ctl.appendChild(backBtn); else aside.appendChild(backBtn);
    }

    main.addEventListener('click', function (ev) {
      var btn = closest(ev.target, 'button');
      if (!btn || !main.contains(btn)) return;
      if (btn.classList.contains('cp-run')) {
        run(btn.getAttribute('data-scenario'), closest(btn, '.cp-scenario') || closest(btn, '.cp-card'), { user: true });
      } else if (btn.classList.contains('cp-try')) {
        var ex = closest(btn, '.cp-exercise');
        var text = btn.getAttribute('data-scenario') || (ex && ex.getAttribute('data-start')) || '';
        var exs = ex && exercises.filter(function (x) { return x.card === ex; })[0];
        if (exs && exs.input) exs.input.value = text;
        var r = run(text, ex, { user: true });
        if (exs) exs.editError(r && r.ok ? '' : String((r && r.error) || ''));
      } else if (btn.classList.contains('cp-option')) {
        var p = closest(btn, '.cp-predict');
        if (p) choose(p, btn.getAttribute('data-option'), true);
      }
    });

    // ---------- predict ----------
    function options(p) { return Array.prototype.slice.call(p.querySelectorAll('.cp-option')); }
    function choose(p, choice, user) {
      var answer = p.getAttribute('data-answer') || '';
      var opts = options(p);
      var chosen = opts.filter(function (o) { return o.getAttribute('data-option') === choice; })[0];
      if (!chosen) return;
      var right = choice === answer;
      opts.forEach(function (o) {
        var v = o.getAttribute('data-option');
        o.disabled = true;
        o.classList.toggle('cp-chosen', o === chosen);
        o.setAttribute('aria-pressed', o === chosen ? 'true' : 'false');
        o.classList.toggle('cp-answer', v === answer);
      });
      p.classList.add('cp-revealed');
      p.classList.toggle('cp-right', right);
      p.classList.toggle('cp-wrong', !right);
      var verdict = p.querySelector('.cp-verdict');
      if (verdict) setText(verdict, right ? 'Right.' : 'Not quite — the answer is ' + answer + '.');
      var reveal = p.querySelector('.cp-reveal');
      if (reveal) reveal.hidden = false;
      if (user) {
        store(key('predict', p.getAttribute('data-line') || '0'), choice);
        if (verdict && verdict.focus) {
          verdict.setAttribute('tabindex', '-1');
          try { verdict.focus({ preventScroll: true }); } catch (e) { /* ignore */ }
        }
      }
    }
    var predicts = Array.prototype.slice.call(main.querySelectorAll('.cp-predict'));
    predicts.forEach(function (p) {
      var saved = recall(key('predict', p.getAttribute('data-line') || '0'));
      if (saved != null) choose(p, saved, false);
    });

    // ---------- exercises ----------
    var exercises = [];
    var lastCheck = 0;

    function lanesOf(text) {
      var n = 1;
      parsePairs(text).forEach(function (p) {
        if (p.value) n = Math.max(n, String(p.value).split(',').length);
      });
      return n;
    }

    function readField(lane, path) {
      var v = lane;
      String(path || '').split('.').forEach(function (k) {
        v = v != null && typeof v === 'object' ? v[k] : undefined;
      });
      return v;
    }

    var LATENCY = { p50: 1, p99: 1, mean: 1 };
    function fmtMetric(metric, v) {
      if (!finite(v)) return '–';
      switch (metric) {
        case 'p50': case 'p99': case 'mean': return fmtMs(v);
        case 'throughput': return fmtRps(v) + ' req/s';
        case 'resident': case 'virtual': return fmtMB(v) + ' MB';
        case 'cpu': return (Math.round(v * 1000) / 10) + '%';
      }
      return fmtInt(v);
    }
    function compare(a, op, b) {
      switch (op) {
        case '<': return a < b;
        case '<=': return a <= b;
        case '>': return a > b;
        case '>=': return a >= b;
        case '==': return a === b;
        case '!=': return a !== b;
        case '~': return Math.abs(a - b) <= 0.1 * Math.abs(b);
      }
      return false;
    }

    // goalStatus checks one goal on lane 0: {ok, text}.
    function goalStatus(g, lane) {
      var metric = String(g.metric || g.field || 'value');
      var v = readField(lane, g.field);
      var want = opWord(g.op) + ' ' + fmtMetric(metric, g.value);
      if (LATENCY[metric] && metric !== 'mean' && !(lane.throughputRps > 0)) {
        return { ok: false, text: metric + ': no request finished in the last simulated second; the goal is ' + want };
      }
      if (metric === 'mean' && !(lane.completed > 0)) {
        return { ok: false, text: 'mean: no request has finished yet; the goal is ' + want };
      }
      if (!finite(v) || !finite(g.value)) {
        return { ok: false, text: metric + ': no number yet; the goal is ' + want };
      }
      var ok = compare(v, g.op, g.value);
      return { ok: ok, text: metric + ' is ' + fmtMetric(metric, v) + (ok ? ', as the goal wants (' : '; the goal is ') + want + (ok ? ')' : '') };
    }

    var NUM = /^-?[0-9.]+$/;
    function constraintHolds(c, got) {
      var want = String(c.Value);
      got = String(got);
      var a = NUM.test(got) ? parseFloat(got) : NaN;
      var b = NUM.test(want) ? parseFloat(want) : NaN;
      var da = durationMs(got), db = durationMs(want);
      if (finite(da) && finite(db)) { a = da; b = db; }
      if (!finite(a) || !finite(b)) {
        if (c.Op === '==') return got === want;
        if (c.Op === '!=') return got !== want;
        return false;
      }
      return compare(a, c.Op, b);
    }
    function constraintStatus(c, scenario) {
      var pairs = parsePairs(scenario);
      var got;
      pairs.forEach(function (p) { if (p.key === c.Key) got = p.value; });
      if (got === undefined || got === null) got = c.Default == null ? '' : c.Default;
      var ok = constraintHolds(c, got);
      return { ok: ok, text: c.Key + '=' + got + (ok ? '' : ', but the exercise needs ' + c.Key + ' ' + opWord(c.Op) + ' ' + c.Value) };
    }

    function makeExercise(card) {
      var line = card.getAttribute('data-line') || '0';
      var goals = parseJSON(card.getAttribute('data-goal'), []);
      var withs = parseJSON(card.getAttribute('data-with'), []);
      if (!Array.isArray(goals)) goals = [];
      if (!Array.isArray(withs)) withs = [];
      goals = goals.filter(function (g) { return g && typeof g === 'object'; });
      withs = withs.filter(function (c) { return c && typeof c === 'object' && c.Key; });
      var status = card.querySelector('.cp-exercise-status');
      if (!status) {
        status = el('p', 'cp-exercise-status', 'Not solved yet.');
        status.setAttribute('aria-live', 'polite');
        card.appendChild(status);
      }
      var x = { card: card, line: line, goals: goals, withs: withs, status: status, solved: false, input: null };

      // An editor: the page has no other way to change the scenario.
      var start = card.getAttribute('data-start') || '';
      var form = el('form', 'cp-edit');
      form.setAttribute('novalidate', '');
      var id = 'cp-edit-' + line;
      var lab = el('label', null, 'Change the scenario, then run it:');
      lab.setAttribute('for', id);
      var row = el('div', 'cp-edit-row');
      var input = el('textarea', 'cp-edit-text');
      input.rows = 2;
      input.id = id;
      input.addEventListener('keydown', function (ev) {
        if (ev.key === 'Enter' && !ev.shiftKey) {
          ev.preventDefault();
          if (form.requestSubmit) form.requestSubmit(); else go.click();
        }
      });
      input.value = start;
      input.setAttribute('spellcheck', 'false');
      input.setAttribute('autocapitalize', 'off');
      input.setAttribute('autocomplete', 'off');
      var go = el('button', 'cp-edit-run', 'Run mine');
      go.type = 'submit';
      var err = el('p', 'cp-edit-error error', '');
      err.setAttribute('role', 'alert');
      err.hidden = true;
      row.appendChild(input);
      row.appendChild(go);
      form.appendChild(lab);
      form.appendChild(row);
      form.appendChild(err);
      x.editError = function (t) { err.textContent = t ? 'Not loaded: ' + t : ''; err.hidden = !t; };
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        var r = run(input.value, card, { user: true });
        if (r && r.ok) {
          input.value = running;
          x.editError('');
        } else {
          x.editError(String((r && r.error) || 'the scenario was refused'));
        }
      });
      x.input = input;
      var tryBtn = card.querySelector('.cp-try');
      var before = tryBtn && tryBtn.parentNode === card ? tryBtn.nextSibling : status;
      if (before && before.parentNode === card) card.insertBefore(form, before);
      else card.appendChild(form);

      var saved = recall(key('exercise', line));
      if (saved) {
        var s = parseJSON(saved, {});
        markSolved(x, 'Solved' + (s && typeof s.scenario === 'string' && s.scenario ? ' (with ' + s.scenario + ')' : '') + '. Remembered in this browser.');
      }
      if (!goals.length) {
        setText(status, 'This exercise has no goal the page can check.');
      }
      return x;
    }

    function markSolved(x, text) {
      x.solved = true;
      x.card.classList.add('cp-solved');
      x.status.classList.add('cp-solved');
      x.status.classList.remove('cp-failing');
      setText(x.status, text);
    }

    function writeSummary() {
      var solved = exercises.filter(function (x) { return x.solved; }).length;
      var answered = predicts.filter(function (p) { return p.classList.contains('cp-revealed'); }).length;
      store(PREFIX + slug + ':summary', JSON.stringify({
        exercises: exercises.length, solved: solved, predicts: predicts.length, answered: answered
      }));
    }

    each(main.querySelectorAll('.cp-exercise'), function (card) {
      try { exercises.push(makeExercise(card)); } catch (e) { /* a broken card stays as rendered */ }
    });
    writeSummary();
    main.addEventListener('click', function (ev) {
      if (closest(ev.target, '.cp-option')) setTimeout(writeSummary, 0);
    });

    function checkExercises(st) {
      var lanes = Array.isArray(st.lanes) ? st.lanes : [];
      var scenario = typeof st.scenario === 'string' ? st.scenario : '';
      var t = finite(st.simSeconds) ? st.simSeconds : 0;
      var oneLane = lanes.length === 1;
      var changed = false;
      exercises.forEach(function (x) {
        if (x.solved || !x.goals.length) return;
        // Only the exercise the reader is playing (Try it, or Run mine) is
        // checked: another card's scenario that happens to meet a goal
        // does not solve it.
        var isActive = x.card === activeExercise;
        if (!isActive) return;
        // Only the exercise being played talks; the others are checked quietly.
        var say = function (text, failing) {
          if (!isActive) return;
          setText(x.status, text);
          x.status.classList.toggle('cp-failing', !!failing);
        };
        if (!oneLane) {
          say('Your scenario has ' + lanes.length + ' lanes; an exercise runs one. Remove the commas.', true);
          return;
        }
        var lane = lanes[0] || {};
        if (t < 5) {
          say('Running… the goal is checked once 5 simulated seconds have run (now ' + t.toFixed(1) + ' s).');
          return;
        }
        if (lane.done) {
          say('This run has finished. Click Try it, or change the scenario and run it, to play again.', true);
          return;
        }
        var gs = x.goals.map(function (g) { return goalStatus(g, lane); });
        var cs = x.withs.map(function (c) { return constraintStatus(c, scenario); });
        var allOK = gs.every(function (s) { return s.ok; }) && cs.every(function (s) { return s.ok; });
        if (allOK) {
          markSolved(x, 'Solved: ' + gs.map(function (s) { return s.text; }).join('; ') + ', with ' + scenario + '.');
          store(key('exercise', x.line), JSON.stringify({ solved: true, scenario: scenario, at: new Date().toISOString() }));
          changed = true;
          return;
        }
        var parts = gs.filter(function (s) { return !s.ok; }).map(function (s) { return s.text; });
        var bad = cs.filter(function (s) { return !s.ok; }).map(function (s) { return s.text; });
        var okGoals = gs.filter(function (s) { return s.ok; }).map(function (s) { return s.text; });
        var text = parts.length ? parts.join('. ') + '.' : 'The goal is met: ' + okGoals.join('; ') + '.';
        if (bad.length) text += ' Not allowed: ' + bad.join('; ') + '.';
        say('Not solved yet. ' + text, true);
      });
      if (changed) writeSummary();
    }

    // ---------- transport ----------
    if (sim && playBtn) {
      sim.bindPlay(playBtn, function (paused) {
        if (!paused && active && runningBox) {
          var note = runningBox.querySelector('.lesson-running-note');
          var lbl = runningBox.querySelector('.lesson-running-label');
          if (note) note.remove();
          if (lbl) lbl.textContent = lbl.textContent.replace(/^Ready: /, 'Running: ');
        }
      });
    }
    if (sim && speedInput) sim.bindSpeed(speedInput, $('speed-value'), false);
    if (sim && $('narration')) sim.bindNarration($('narration'));

    // ---------- a room: the playground's keys and presenter mode ----------
    // The keys drive the lesson's one simulation (README "In a room"); in
    // presenter mode the lesson's text and the picture's grow for a
    // projector, and the page still scrolls from card to card.
    if (sim) {
      var controls = aside && aside.querySelector('.lesson-controls');
      var presentBtn = el('button', 'lesson-present', 'Present');
      presentBtn.type = 'button';
      presentBtn.id = 'present';
      presentBtn.title = 'Presenter mode: large text for a room (key p)';
      presentBtn.setAttribute('aria-pressed', 'false');
      var exitBtn = el('button', 'lesson-present-exit', 'Exit presenter mode');
      exitBtn.type = 'button';
      exitBtn.id = 'present-exit';
      exitBtn.hidden = true;
      var keysBtn = el('button', 'lesson-keys', 'Keys ?');
      keysBtn.type = 'button';
      keysBtn.title = 'Keyboard shortcuts (key ?)';
      (controls || aside || main).append(presentBtn, exitBtn, keysBtn);
      var presenter = bindPresenter(sim, presentBtn, exitBtn, function () { return 1; });
      var keysUI = bindKeys(Object.assign(moveKeys(function (d) { sim.seekBy(d); }, function (d) { sim.stepSpeed(d); }), {
        toggle: function () { if (playBtn && !playBtn.disabled) playBtn.click(); },
        reset: function () { if (link.ready()) link.call('reset'); },
        presenter: function () { presenter.toggle(); },
        escape: function () { if (!presenter.on()) return false; presenter.set(false); return true; }
      }));
      keysBtn.addEventListener('click', keysUI.openHelp);
    }
    if ($('state-legend')) CP.renderLegend($('state-legend'));

    // ---------- live numbers ----------
    var STATS = [
      { id: 'completed', label: 'completed', get: function (l) { return fmtInt(l.completed); } },
      { id: 'failed', label: 'failed', get: function (l) { return fmtInt(l.failedTotal); } },
      { id: 'inflight', label: 'in flight', get: function (l) { return fmtInt(l.inFlight); } },
      { id: 'throughput', label: 'req/s', get: function (l) { return fmtRps(l.throughputRps); } },
      { id: 'p50', label: 'p50', get: function (l) { return l.throughputRps > 0 ? fmtShortMs(l.p50Ms) : '–'; } },
      { id: 'p99', label: 'p99', get: function (l) { return l.throughputRps > 0 ? fmtShortMs(l.p99Ms) : '–'; } },
      { id: 'queue', label: 'queue', get: function (l) { return fmtInt(l.queue); } }
    ];
    var builtFor = null;
    function buildNumbers(labels) {
      numbersBox.textContent = '';
      numbersBox.classList.toggle('multi', labels.length > 1);
      labels.forEach(function (label, i) {
        var lane = el('section', 'ln-lane');
        lane.setAttribute('data-lane', String(i));
        lane.setAttribute('aria-label', 'Lane ' + (i + 1) + ': ' + label);
        var colour = CP.laneColour ? CP.laneColour(i) : '#56b4e9';
        lane.style.setProperty('--lane', colour);
        var h = el('p', 'ln-title');
        var sw = el('span', 'swatch');
        sw.setAttribute('aria-hidden', 'true');
        sw.style.backgroundColor = colour;
        h.appendChild(sw);
        h.appendChild(el('span', 'ln-label', label));
        var done = el('span', 'lane-done', 'finished');
        done.id = 'lesson-done-' + i;
        done.hidden = true;
        h.appendChild(done);
        lane.appendChild(h);
        var dl = el('dl', 'ln-stats');
        STATS.forEach(function (s) {
          var d = el('div', 'ln-stat ln-' + s.id);
          d.appendChild(el('dt', null, s.label));
          var dd = el('dd', null, '–');
          dd.id = 'lesson-num-' + s.id + '-' + i;
          dd.setAttribute('data-stat', s.id);
          d.appendChild(dd);
          dl.appendChild(d);
        });
        lane.appendChild(dl);
        numbersBox.appendChild(lane);
      });
      builtFor = labels.join('\n');
    }
    function renderNumbers(st) {
      if (!numbersBox) return;
      var lanes = Array.isArray(st.lanes) ? st.lanes : [];
      var labels = lanes.map(function (l, i) { return l && l.label ? String(l.label) : 'lane ' + (i + 1); });
      if (builtFor !== labels.join('\n')) buildNumbers(labels);
      lanes.forEach(function (l, i) {
        if (!l || typeof l !== 'object') return;
        STATS.forEach(function (s) {
          var v;
          try { v = s.get(l); } catch (e) { v = '–'; }
          setText($('lesson-num-' + s.id + '-' + i), v);
        });
        var d = $('lesson-done-' + i);
        if (d) d.hidden = !l.done;
      });
      var t = finite(st.simSeconds) ? st.simSeconds : 0;
      var allDone = lanes.length > 0 && lanes.every(function (l) { return l && l.done; });
      setText($('sim-time'), 't = ' + t.toFixed(1) + ' s simulated' + (allDone ? ', finished' : st.paused ? ', paused' : ''));
    }

    // ---------- loading and the poll loop (the Controller's hooks) ----------
    var started = false;
    function showFailure(f) {
      showMessage(f.short, true);
      showAlert((f.head.replace(/\.$/, '')) + '. The lesson text still works; reload the page to try again.');
      each(main.querySelectorAll('.cp-run, .cp-try, .cp-edit-run'), function (b) { b.disabled = true; });
      if (playBtn) playBtn.disabled = true;
      if (speedInput) speedInput.disabled = true;
      setText($('sim-time'), '');
    }

    // firstRun: the first scenario card outside a prediction's reveal. If a
    // prediction that the reader has not answered comes before it, it is
    // loaded paused, so the simulation does not give the answer away.
    function firstRun() {
      started = true;
      var cards = Array.prototype.slice.call(main.querySelectorAll('.cp-scenario')).filter(function (c) {
        return !closest(c, '.cp-reveal');
      });
      var card = cards[0];
      if (!card) {
        link.call('setPaused', true);
        showRunning(exercises.length ? 'Click Try it on an exercise to load it here.' : 'This lesson has no scenario to run.', '', '');
        return;
      }
      var spoil = predicts.some(function (p) {
        return !p.classList.contains('cp-revealed') &&
          (p.compareDocumentPosition(card) & Node.DOCUMENT_POSITION_FOLLOWING);
      });
      var btn = card.querySelector('.cp-run');
      var text = (btn && btn.getAttribute('data-scenario')) || card.getAttribute('data-scenario') || '';
      var res = run(text, card, { paused: spoil });
      if (!res || !res.ok) {
        showRunning('Click Run this on a card to load its scenario here.', '', '');
      }
    }

    // A sweep card in view gets the sweep's workers ready (their program
    // downloaded and compiled once) before its Run is pressed.
    if (iframe && typeof IntersectionObserver === 'function') {
      var sweepSeen = new IntersectionObserver(function (entries) {
        if (!entries.some(function (e) { return e.isIntersecting; })) return;
        var pool = iframe.contentWindow && iframe.contentWindow.cpSweepPool;
        if (!pool || !pool.prepare) return; // not loaded yet: when the card comes into view again
        pool.prepare();
        sweepSeen.disconnect();
      });
      each(main.querySelectorAll('.cp-sweep'), function (c) { sweepSeen.observe(c); });
    }

    // A sweep card's points, as the sweep's workers finish them: a row
    // per point, the cheapest that meets the goal marked.
    var sweepShown = '';
    function renderSweep(st) {
      var card = active && active.classList.contains('cp-sweep') ? active : null;
      var box = card && card.querySelector('.cp-sweep-points');
      if (!box || !st.sweep || st.sweep.scenario !== card.getAttribute('data-scenario')) return;
      var sw = st.sweep;
      var shown = card.getAttribute('data-line') + ':' + sw.done;
      if (shown === sweepShown) return;
      sweepShown = shown;
      var curves = link.call('curves') || [];
      box.hidden = false;
      setText(box.querySelector('.cp-sweep-status'), sw.done < sw.total ? sw.done + ' of ' + sw.total + ' points have run…' : 'All ' + sw.total + ' points have run.');
      var table = el('table', 'cp-sweep-table');
      var head = el('tr');
      ['lane', sw.key, 'req/s', 'p50', 'p99', 'memory MB'].concat(sw.target ? [sw.target] : []).forEach(function (h) {
        var th = el('th', null, h);
        th.scope = 'col';
        head.appendChild(th);
      });
      table.appendChild(el('thead')).appendChild(head);
      var body = table.appendChild(el('tbody'));
      curves.forEach(function (c) {
        (c.points || []).forEach(function (p) {
          var tr = body.appendChild(el('tr', p.cheapest ? 'cp-cheapest' : null));
          [c.label, p.value, fmtRps(p.throughputRps), fmtMs(p.p50Ms), fmtMs(p.p99Ms), fmtMB(p.residentMB)]
            .concat(sw.target ? [p.cheapest ? 'cheapest' : p.meetsTarget ? 'yes' : 'no'] : [])
            .forEach(function (v) { tr.appendChild(el('td', null, String(v))); });
        });
      });
      var rows = box.querySelector('.cp-sweep-rows');
      rows.textContent = '';
      rows.appendChild(table);
    }

    function onState(st) {
      renderNumbers(st);
      renderSweep(st);
      // Someone else (a test, the console) loaded another scenario.
      if (running && typeof st.scenario === 'string' && st.scenario !== running) {
        running = st.scenario;
        markActive(null);
        activeExercise = null;
        showRunning('Running:', running, '');
      }
      var now = Date.now();
      if (now - lastCheck >= 1000) {
        lastCheck = now;
        checkExercises(st);
      }
    }

    showMessage('Loading the simulation…', false);
    if (sim) {
      sim.start();
    } else {
      showMessage('The live simulation is missing from this page.', true);
      showAlert('The live simulation could not start: the page has no #sim-frame.');
    }

    // For tests and the console.
    window.lessonPage = {
      get ready() { return !!(link && link.ready()) && started; },
      state: function () { return link ? link.call('state') : undefined; },
      running: function () { return running; }
    };
  }

  function init() {
    try {
      var lesson = $('lesson');
      if (lesson && lesson.hasAttribute('data-slug')) { initLesson(lesson); return; }
      var index = document.querySelector('main.lesson-index');
      if (index) initIndex(index);
    } catch (e) {
      if (window.console) console.error('lesson.js:', e);
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
