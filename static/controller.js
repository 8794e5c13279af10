// controller.js: the one controller of every page that shows the simulation
// (the playground, the embed, a lesson). It polls the canvas iframe, reports
// loading and failure, makes the first load, keeps the speed slider and the
// play button in step with the program, shows the narration and passes the
// page's text scale on to the canvas. The page says what to do through hooks.
import { CP } from './common.js';

const LOADER_GRACE_MS = 4000;  // canvas.html must set cpLoad within this after its load event
const NARRATION_EVERY_MS = 2000; // a screen reader hears at most one sentence in this long

export class Controller {
  // hooks (all optional):
  //   firstLoad()        the program exists: load the first scenario
  //   onLoading(status)  {text, fraction} while loading; null once ready
  //   onFailure(status)  once: {stopped, head, output, short}
  //   onState(st)        every poll once loaded, with cpSim.state()
  //   stopOnFailure      stop polling after a failure
  constructor(iframe, hooks) {
    this.iframe = iframe;
    this.link = new CP.SimLink(iframe);
    this.hooks = hooks || {};
    this.started = false;
    this.failed = false;
    this.textScale = 1;
    this.scaledSim = null; // the cpSim that was last given the text scale
    this.iframeLoadedAt = 0;
    this.speed = null;
    this.play = null;
    this.narration = null;
    iframe.addEventListener('load', () => { this.iframeLoadedAt = Date.now(); this.scaledSim = null; });
    // The picture is not a stop on the way through the page: Tab goes from
    // the control before it to the one after it. (After a failure the frame
    // takes focus again, for the canvas page's Reload button.)
    iframe.tabIndex = -1;
  }

  get ready() { return this.link.ready(); }

  // state returns cpSim.state(), or null. With poll, the picture rewrites
  // its words from the same moment (the poll loop's call): the counts on
  // the canvas are then the page's numbers.
  state(poll) {
    const st = poll ? this.link.call('state', 'poll') : this.link.call('state');
    return st && typeof st === 'object' ? st : null;
  }

  // load loads scenario text; it always returns {ok, ...} (see SimLink.load).
  load(text) {
    const res = this.link.load(text);
    if (res.ok) this.applyTextScale(true);
    return res;
  }

  // setTextScale sets the canvas's text size factor (1 to 2.5), now and
  // after every (re)load of the program.
  setTextScale(x) {
    this.textScale = x;
    this.applyTextScale(true);
  }
  applyTextScale(force) {
    const sim = this.link.sim();
    if (!sim || (!force && sim === this.scaledSim)) return;
    this.scaledSim = sim;
    this.link.call('setTextScale', this.textScale); // a no-op until the program has it
  }

  // ---------- speed ----------
  // bindSpeed drives cpSim.setSpeed from a range input holding log10(speed).
  // output shows the speed; with long, it also says slow motion / real time.
  bindSpeed(input, output, long) {
    input.min = String(Math.log10(CP.SPEED.min));
    input.max = String(Math.log10(CP.SPEED.max));
    this.speed = { input, output, long };
    input.addEventListener('input', () => {
      const x = this.speedFromSlider();
      this.showSpeed(x);
      this.link.call('setSpeed', x);
    });
    this.showSpeed(this.speedFromSlider());
  }
  speedFromSlider() {
    let v = parseFloat(this.speed.input.value);
    if (!CP.finite(v)) v = 0;
    let x = Math.pow(10, v);
    // Round to what the label shows, so the label is the truth.
    if (x >= 10) x = Math.round(x);
    else if (x >= 1) x = Math.round(x * 10) / 10;
    else x = Number(x.toPrecision(2));
    return Math.min(CP.SPEED.max, Math.max(CP.SPEED.min, x));
  }
  showSpeed(x) {
    const s = CP.fmtSpeed(x);
    const label = s + (x < 1 ? ' (slow motion)' : x === 1 ? ' (real time)' : ' (fast forward)');
    const out = this.speed.output;
    if (out) out.textContent = this.speed.long ? label : s;
    this.speed.input.setAttribute('aria-valuetext', label);
  }
  syncSpeed(st) {
    const sp = this.speed;
    if (!sp || !CP.finite(st.speed) || st.speed <= 0 || document.activeElement === sp.input) return;
    if (Math.abs(this.speedFromSlider() - st.speed) > 1e-6 * st.speed) {
      sp.input.value = String(Math.log10(st.speed));
      this.showSpeed(st.speed);
    }
  }

  // ---------- play / pause ----------
  // bindPlay makes btn toggle pause; onToggle(paused) runs after a click.
  bindPlay(btn, onToggle) {
    this.play = btn;
    btn.addEventListener('click', () => {
      if (!this.link.sim()) return;
      const st = this.state();
      const paused = st && typeof st.paused === 'boolean' ? st.paused : btn.classList.contains('paused');
      this.setPaused(!paused);
      if (onToggle) onToggle(!paused);
    });
  }
  setPlayLabel(paused) {
    const btn = this.play;
    if (!btn) return;
    const text = paused ? 'Play' : 'Pause';
    if (btn.textContent !== text) btn.textContent = text;
    btn.setAttribute('aria-label', text);
    btn.classList.toggle('paused', !!paused);
  }

  // ---------- commands shared by keys, messages and buttons ----------
  // togglePlay flips pause, as a click on the play button does.
  togglePlay() {
    if (!this.link.sim()) return false;
    const st = this.state();
    const paused = st && typeof st.paused === 'boolean' ? st.paused : false;
    this.setPaused(!paused);
    return true;
  }
  setPaused(paused) {
    this.link.call('setPaused', !!paused);
    this.setPlayLabel(!!paused);
  }
  // setSpeed sets the speed, clamped to the tables' range, and moves the
  // speed slider with it.
  setSpeed(x) {
    x = Math.min(CP.SPEED.max, Math.max(CP.SPEED.min, x));
    this.link.call('setSpeed', x);
    if (this.speed) {
      this.speed.input.value = String(Math.log10(x));
      this.showSpeed(x);
    }
    return x;
  }
  // stepSpeed moves the speed one step along 1-2-5 steps (dir +1 or -1).
  stepSpeed(dir) {
    const st = this.state();
    const now = st && CP.finite(st.speed) && st.speed > 0 ? st.speed : 1;
    const ladder = [];
    for (let e = -2; e <= 2; e++) [1, 2, 5].forEach((m) => ladder.push(Number((m * Math.pow(10, e)).toPrecision(2))));
    const steps = ladder.filter((v) => v >= CP.SPEED.min && v <= CP.SPEED.max);
    let next = now;
    if (dir > 0) next = steps.find((v) => v > now * 1.0001) || CP.SPEED.max;
    else next = steps.slice().reverse().find((v) => v < now * 0.9999) || CP.SPEED.min;
    return this.setSpeed(next);
  }
  // seekBy moves the run d simulated seconds (re-simulating from 0 when it
  // goes back); the result is cpSim.seek's, or undefined without seek.
  seekBy(d) {
    const st = this.state();
    if (!st || !CP.finite(st.simSeconds)) return undefined;
    return this.link.call('seek', Math.max(0, st.simSeconds + d));
  }

  // ---------- narration ----------
  // bindNarration shows state().narration in el (an aria-live region): only
  // when the words change, and at most once every NARRATION_EVERY_MS.
  bindNarration(el) {
    this.narration = { el, shown: null, at: 0 };
  }
  showNarration(st) {
    const n = this.narration;
    if (!n) return;
    const text = typeof st.narration === 'string' ? st.narration : '';
    const now = Date.now();
    // An empty line (a run that is starting) gives way at once.
    if (text === n.shown || (n.shown && now - n.at < NARRATION_EVERY_MS)) return;
    n.el.textContent = text;
    n.el.title = text; // the whole sentence, where a small embed cuts it short
    n.shown = text;
    n.at = now;
  }

  // ---------- loading ----------
  // loadStatus describes cpLoad: {failed: false, text, fraction} while
  // loading, or {failed: true, stopped, head, output, short}.
  loadStatus() {
    const l = this.link.loadInfo();
    if (!l && this.iframeLoadedAt && Date.now() - this.iframeLoadedAt > LOADER_GRACE_MS) {
      return {
        failed: true, stopped: false,
        head: 'The simulation could not load: canvas.html did not start its loader (is loader.js missing?).',
        output: '', short: 'The simulation page (canvas.html) did not start its loader.'
      };
    }
    const d = CP.describeLoad(l);
    if (!d.failed) return { failed: false, text: d.text, fraction: d.fraction };
    const stopped = l.phase === 'stopped';
    const lines = String(l.error || '').split('\n');
    let head = lines[0] || (stopped ? 'the program exited' : 'unknown error');
    if (!/^The simulation/.test(head)) {
      head = (stopped ? 'The simulation stopped: ' : 'The simulation could not load: ') + head;
    }
    return {
      failed: true, stopped, head, output: lines.slice(1).join('\n'),
      short: stopped ? 'The simulation stopped.' : 'The simulation could not load.'
    };
  }

  // ---------- the poll loop ----------
  // start polls fast while loading, then about four times a second.
  start() {
    const loop = () => {
      try { this.tick(); } catch (e) { console.error(e); }
      if (this.failed && this.hooks.stopOnFailure) return;
      setTimeout(loop, this.link.ready() ? 250 : 100);
    };
    loop();
  }
  tick() {
    const h = this.hooks;
    if (this.failed) return;
    const status = this.loadStatus();
    if (status.failed) {
      this.failed = true;
      this.iframe.removeAttribute('tabindex');
      if (h.onFailure) h.onFailure(status);
      return;
    }
    if (!this.link.sim()) {
      if (h.onLoading) h.onLoading(status);
      return;
    }
    this.applyTextScale(false);
    if (!this.started) {
      this.started = true;
      if (h.firstLoad) h.firstLoad();
    }
    if (h.onLoading) h.onLoading(this.link.ready() ? null : status);
    const st = this.state(true);
    if (!st) return;
    this.syncSpeed(st);
    if (typeof st.paused === 'boolean') this.setPlayLabel(st.paused);
    this.showNarration(st);
    if (h.onState) h.onState(st);
  }
}
