// embedcode.js: the code that puts the running scenario into an article
// (an <iframe> of embed.html), and the playground's "Embed" dialog that
// writes it: a size or "responsive", options, a live preview, a copy button.
import { CP } from './common.js';

export const SIZES = [[400, 300], [640, 400], [800, 450]];
const NUMBERS = ['completed', 'inflight', 'throughput', 'p99', 'failed'];
const NUMBER_WORDS = { completed: 'done', inflight: 'in flight', throughput: 'req/s', p99: 'p99', failed: 'failed' };

function escAttr(s) {
  return String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// embedURL is the address of embed.html for scenario text and options,
// relative to base (the playground's own address).
export function embedURL(scenario, o, base) {
  const frag = [];
  if (o.controls === false) frag.push('controls=0');
  if (o.autoplay === false) frag.push('autoplay=0');
  if (Array.isArray(o.numbers) && o.numbers.join(',') !== NUMBERS.join(',')) {
    frag.push('numbers=' + (o.numbers.filter((n) => NUMBERS.includes(n)).join(',') || 'none'));
  }
  const rel = 'embed.html' + CP.queryFromScenario(scenario) + (frag.length ? '#' + frag.join('&') : '');
  return new URL(rel, base).href;
}

// embedCode returns the HTML to paste: an <iframe> with a title, of a fixed
// size ({width, height} in px), or responsive ({responsive: true}, or no
// width): full width, and a few lines of script that take the embed's
// height message. Options: controls, autoplay (booleans, default true),
// numbers (a list of completed, inflight, throughput, p99, failed).
export function embedCode(o, scenario, base) {
  o = o || {};
  const width = Number(o.width), height = Number(o.height);
  const responsive = o.responsive === true || !(width > 0);
  const src = embedURL(scenario, o, base);
  const title = 'Concurrency Playground: ' + (scenario || CP.DEFAULT_SCENARIO);
  if (!responsive) {
    const h = height > 0 ? Math.round(height) : Math.round(width * 9 / 16);
    return '<iframe src="' + escAttr(src) + '" title="' + escAttr(title) + '" width="' + Math.round(width) +
      '" height="' + h + '" style="border:0;max-width:100%" loading="lazy"></iframe>';
  }
  const id = 'cp-embed-' + Math.random().toString(36).slice(2, 8);
  return '<iframe id="' + id + '" src="' + escAttr(src) + '" title="' + escAttr(title) +
    '" style="border:0;width:100%;height:' + (height > 0 ? Math.round(height) : 400) + 'px" loading="lazy"></iframe>\n' +
    '<script>\n' +
    '/* The embed says how tall it wants to be. */\n' +
    'addEventListener("message", function (e) {\n' +
    '  var f = document.getElementById("' + id + '");\n' +
    '  if (f && e.source === f.contentWindow && e.data && e.data.type === "height" && e.data.px > 0) f.style.height = e.data.px + "px";\n' +
    '});\n' +
    '</script>';
}

// bindEmbedDialog makes the dialog and opens it from button. scenario()
// returns the scenario text to embed now.
export function bindEmbedDialog(button, scenario) {
  const d = CP.el('dialog', { id: 'embed-dialog', className: 'embed-dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'embed-dialog-title' });
  d.appendChild(CP.el('h2', { id: 'embed-dialog-title' }, 'Embed this scenario in a page'));
  const form = CP.el('form', { method: 'dialog', className: 'embed-form' });
  const size = CP.el('fieldset');
  size.appendChild(CP.el('legend', null, 'Size'));
  SIZES.map((s) => s.join('x')).concat(['responsive']).forEach((v, i) => {
    const lab = CP.el('label');
    const r = CP.el('input', { type: 'radio', name: 'embed-size', value: v, id: 'embed-size-' + v });
    if (i === 1) r.checked = true;
    lab.appendChild(r);
    lab.appendChild(document.createTextNode(' ' + (v === 'responsive' ? 'responsive (full width, its own height)' : v.replace('x', ' × ') + ' px')));
    size.appendChild(lab);
  });
  form.appendChild(size);
  const opt = CP.el('fieldset');
  opt.appendChild(CP.el('legend', null, 'Options'));
  function check(id, text, on) {
    const lab = CP.el('label');
    const c = CP.el('input', { type: 'checkbox', id });
    c.checked = on;
    lab.appendChild(c);
    lab.appendChild(document.createTextNode(' ' + text));
    return lab;
  }
  opt.appendChild(check('embed-controls', 'Play button and legend', true));
  opt.appendChild(check('embed-autoplay', 'Starts running', true));
  form.appendChild(opt);
  const nums = CP.el('fieldset');
  nums.appendChild(CP.el('legend', null, 'Numbers'));
  NUMBERS.forEach((n) => nums.appendChild(check('embed-num-' + n, NUMBER_WORDS[n], true)));
  form.appendChild(nums);
  d.appendChild(form);

  const codeLabel = CP.el('label', { for: 'embed-code' }, 'Code to paste');
  const code = CP.el('textarea', { id: 'embed-code', readonly: '', rows: '5', spellcheck: 'false' });
  const row = CP.el('div', { className: 'embed-code-row' });
  const copy = CP.el('button', { type: 'button', id: 'embed-copy' }, 'Copy');
  const copied = CP.el('span', { id: 'embed-copied', role: 'status', className: 'note' });
  const close = CP.el('button', { type: 'button', id: 'embed-close' }, 'Close');
  row.appendChild(copy);
  row.appendChild(copied);
  row.appendChild(close);
  d.appendChild(codeLabel);
  d.appendChild(code);
  d.appendChild(row);
  d.appendChild(CP.el('h3', null, 'Preview'));
  const preview = CP.el('div', { className: 'embed-preview', id: 'embed-preview' });
  d.appendChild(preview);
  document.body.appendChild(d);

  function options() {
    const v = (form.querySelector('input[name="embed-size"]:checked') || {}).value || 'responsive';
    const o = { controls: form.querySelector('#embed-controls').checked, autoplay: form.querySelector('#embed-autoplay').checked };
    o.numbers = NUMBERS.filter((n) => form.querySelector('#embed-num-' + n).checked);
    if (v === 'responsive') o.responsive = true;
    else { const p = v.split('x'); o.width = +p[0]; o.height = +p[1]; }
    return o;
  }
  let shown = '';
  function update() {
    const o = options();
    code.value = embedCode(o, scenario(), location.href);
    copied.textContent = '';
    const src = embedURL(scenario(), o, location.href);
    const key = src + (o.width || 'r') + 'x' + (o.height || '');
    if (key === shown) return;
    shown = key;
    preview.textContent = '';
    const f = CP.el('iframe', { src, title: 'Preview of the embed', id: 'embed-preview-frame' });
    f.style.width = o.responsive ? '100%' : o.width + 'px';
    f.style.height = (o.height || 400) + 'px';
    preview.appendChild(f);
  }
  // The preview of a responsive embed takes its height messages too.
  window.addEventListener('message', (e) => {
    const f = document.getElementById('embed-preview-frame');
    if (f && e.source === f.contentWindow && e.data && e.data.type === 'height' && e.data.px > 0 && options().responsive) {
      f.style.height = e.data.px + 'px';
    }
  });
  form.addEventListener('change', update);
  copy.addEventListener('click', () => {
    const done = () => { copied.textContent = 'Copied.'; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(code.value).then(done, () => { code.select(); copied.textContent = 'Selected: press Ctrl+C to copy.'; });
    } else { code.select(); copied.textContent = 'Selected: press Ctrl+C to copy.'; }
  });
  close.addEventListener('click', () => d.close());
  d.addEventListener('close', () => {
    preview.textContent = ''; // the preview stops running
    shown = '';
    button.focus();
  });
  button.addEventListener('click', () => {
    update();
    d.showModal();
    copy.focus();
  });
  return { dialog: d, code: (o) => embedCode(o, scenario(), location.href) };
}
