// presenter.js: presenter mode for a room (index.html). The picture fills
// the screen, its text is large and the page's high-contrast; the controls
// shrink to what a presenter uses (play/pause, speed, reset, the narration,
// exit). A button, the `p` key or `#present` in the URL's fragment turn it on.

export const PRESENTER_TEXT_SCALE = 1.8;

// fragmentHas / withFragment read and write one bare word ("present")
// among the fragment's &-separated pieces, keeping the others (t=, speed=).
function pieces() {
  return String(location.hash || '').replace(/^#/, '').split('&').filter(Boolean);
}
export function fragmentHas(word) { return pieces().indexOf(word) >= 0; }
function withFragment(word, on) {
  const p = pieces().filter((x) => x !== word);
  if (on) p.push(word);
  return p.length ? '#' + p.join('&') : '';
}

// bindPresenter wires the button (aria-pressed) and the exit button to
// presenter mode. ctl is the page's Controller; normalScale() the canvas
// text scale outside presenter mode. Returns {toggle, set, on()}.
export function bindPresenter(ctl, button, exitButton, normalScale) {
  const root = document.documentElement;
  function set(on) {
    root.classList.toggle('present', on);
    button.setAttribute('aria-pressed', on ? 'true' : 'false');
    exitButton.hidden = !on;
    ctl.setTextScale(on ? PRESENTER_TEXT_SCALE : normalScale());
    try {
      history.replaceState(null, '', location.pathname + location.search + withFragment('present', on));
    } catch (e) { /* file:// or sandboxed: the URL stays */ }
    // Entering, focus leaves the hidden button, so that Space plays and
    // pauses (the exit button is a Tab away, and Escape exits); leaving, the
    // button takes focus back.
    if (on && document.activeElement === button) button.blur();
    else if (!on && (document.activeElement === exitButton || document.activeElement === document.body)) button.focus();
  }
  const api = {
    on: () => root.classList.contains('present'),
    set,
    toggle: () => set(!api.on())
  };
  button.addEventListener('click', api.toggle);
  exitButton.addEventListener('click', () => set(false));
  window.addEventListener('hashchange', () => {
    if (fragmentHas('present') !== api.on()) set(fragmentHas('present'));
  });
  if (fragmentHas('present')) set(true);
  return api;
}
