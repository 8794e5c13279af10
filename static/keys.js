// keys.js: the page-level keyboard shortcuts of the playground and the embed,
// and the help dialog that lists them ("?"). The keys work wherever focus is,
// except in a text field or a select; keys pressed inside the canvas iframe
// reach this document too (canvas.html's loader re-dispatches them here).
import { CP } from './common.js';

// KEYS is the one list the handler and the help dialog read.
// Each: {keys: labels shown, test(ev), what, action name}.
const KEYS = [
  { keys: ['Space'], test: (e) => e.key === ' ' || e.code === 'Space', what: 'Play or pause', action: 'toggle' },
  { keys: ['←'], test: (e) => e.key === 'ArrowLeft' && !e.shiftKey, what: 'Back one simulated second', action: 'back1' },
  { keys: ['→'], test: (e) => e.key === 'ArrowRight' && !e.shiftKey, what: 'Forward one simulated second', action: 'forward1' },
  { keys: ['Shift', '←'], test: (e) => e.key === 'ArrowLeft' && e.shiftKey, what: 'Back ten simulated seconds', action: 'back10' },
  { keys: ['Shift', '→'], test: (e) => e.key === 'ArrowRight' && e.shiftKey, what: 'Forward ten simulated seconds', action: 'forward10' },
  { keys: ['+'], test: (e) => e.key === '+' || e.key === '=', what: 'Faster', action: 'faster' },
  { keys: ['-'], test: (e) => e.key === '-' || e.key === '_', what: 'Slower', action: 'slower' },
  { keys: ['r'], test: (e) => e.key === 'r' || e.key === 'R', what: 'Restart the run', action: 'reset' },
  { keys: ['p'], test: (e) => e.key === 'p' || e.key === 'P', what: 'Presenter mode on or off', action: 'presenter' },
  { keys: ['?'], test: (e) => e.key === '?', what: 'This list of keys', action: 'help' },
  { keys: ['Esc'], test: () => false, what: 'Close this list, or leave presenter mode', action: null }
];

// typing is true when ev belongs to a field that takes the key itself.
function typing(ev) {
  const t = ev.target;
  if (!t || !t.tagName) return false;
  if (t.isContentEditable) return true;
  const tag = t.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (t.getAttribute('type') || 'text').toLowerCase();
  if (type === 'range') return /^Arrow|^Page|^Home$|^End$/.test(ev.key); // the slider's own keys
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'color', 'file', 'image'].includes(type);
}

// moveKeys returns the actions that move through a run and change its
// speed, given how a page seeks by a number of seconds and steps its speed
// (+1 faster, -1 slower): the part of bindKeys' actions every page shares.
export function moveKeys(seekBy, stepSpeed) {
  return {
    back1: () => seekBy(-1),
    forward1: () => seekBy(1),
    back10: () => seekBy(-10),
    forward10: () => seekBy(10),
    faster: () => stepSpeed(1),
    slower: () => stepSpeed(-1)
  };
}

// bindKeys listens on document. actions maps an action name to a function;
// a key whose action is missing is not listed and does nothing.
// Returns {openHelp, closeHelp, dialog}.
export function bindKeys(actions) {
  const dialog = buildHelp(actions);
  let returnTo = null;
  function openHelp() {
    if (dialog.open) return;
    returnTo = document.activeElement;
    dialog.showModal();
    dialog.querySelector('button').focus();
  }
  function closeHelp() {
    if (dialog.open) dialog.close();
  }
  dialog.addEventListener('close', () => {
    const back = returnTo;
    returnTo = null;
    if (back && back !== document.body && document.contains(back) && typeof back.focus === 'function') back.focus();
  });
  actions.help = openHelp;

  // ours returns the entry of KEYS that ev triggers here, or null.
  function ours(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return null;
    if (dialog.open || typing(ev)) return null; // the dialog takes its own keys (Escape closes it)
    const t = ev.target;
    // Space and Enter on a button or link press it, as everywhere.
    if ((ev.key === ' ' || ev.key === 'Enter') && t && t.closest && t.closest('button, a, summary, [role="button"]')) return null;
    const k = KEYS.find((x) => x.action && x.test(ev));
    return k && typeof actions[k.action] === 'function' ? k : null;
  }
  document.addEventListener('keydown', (ev) => {
    if (ev.defaultPrevented) return;
    if (ev.key === 'Escape' && !dialog.open && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      if (actions.escape && actions.escape()) ev.preventDefault();
      return;
    }
    const k = ours(ev);
    if (!k) return;
    ev.preventDefault();
    try { actions[k.action](); } catch (e) { console.error(e); }
  });
  // The browser scrolls on Space's keypress; a keypress that follows a
  // prevented keydown usually never comes, but a synthetic one can.
  document.addEventListener('keypress', (ev) => {
    if (ev.key === ' ' && ours(ev)) ev.preventDefault();
  });
  return { openHelp, closeHelp, dialog };
}

// buildHelp makes the dialog that lists the keys the page has.
function buildHelp(actions) {
  const dialog = CP.el('dialog', {
    id: 'keys-help', className: 'keys-help', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'keys-help-title'
  });
  dialog.appendChild(CP.el('h2', { id: 'keys-help-title' }, 'Keyboard shortcuts'));
  const dl = CP.el('dl', { className: 'keys-list' });
  KEYS.forEach((k) => {
    if (k.action && k.action !== 'help' && typeof actions[k.action] !== 'function') return;
    const row = CP.el('div');
    const dt = CP.el('dt');
    k.keys.forEach((label, i) => {
      if (i) dt.appendChild(document.createTextNode(' + '));
      dt.appendChild(CP.el('kbd', null, label));
    });
    row.appendChild(dt);
    row.appendChild(CP.el('dd', null, k.what));
    dl.appendChild(row);
  });
  dialog.appendChild(dl);
  dialog.appendChild(CP.el('p', { className: 'note' }, 'The keys work wherever the focus is, except in a text field.'));
  const close = CP.el('button', { type: 'button', id: 'keys-help-close' }, 'Close');
  close.addEventListener('click', () => dialog.close());
  dialog.appendChild(close);
  document.body.appendChild(dialog);
  return dialog;
}
