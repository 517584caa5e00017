// xlive panel: the screens and the navigation between them (the URL's #hash names the screen, so the
// browser's back button and bookmarks work). A screen registers what it does on entering, on the
// periodic refresh and on leaving; it is offered only to users whose scopes allow it.
import { $, can } from './panel-api.js';

const screens = new Map();
let current = null;

/**
 * `def`: { allowed?: () => boolean, enter?: () => void, refresh?: () => void, leave?: () => void }.
 * `enter` loads the screen's data; `refresh` runs every few seconds while it is shown.
 */
export function registerScreen(name, def) {
  screens.set(name, def);
}

const allowed = (name) => {
  const def = screens.get(name);
  return !!def && (!def.allowed || def.allowed());
};

/** Show the screen the URL names (or the dashboard), hiding the others. */
function route() {
  let name = decodeURIComponent(location.hash.slice(1));
  if (!allowed(name)) name = 'dashboard';
  if (name === current) return;
  if (current) screens.get(current).leave?.();
  current = name;
  for (const sec of document.querySelectorAll('[data-screen]')) sec.hidden = sec.getAttribute('data-screen') !== name;
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.getAttribute('data-nav') === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  screens.get(name).enter?.();
}

/** After sign-in: offer the screens this user may use and open the one in the URL. */
export function startNav() {
  for (const a of document.querySelectorAll('[data-nav]')) a.hidden = !allowed(a.getAttribute('data-nav'));
  current = null;
  route();
}

/** After sign-out: leave the current screen (its timers stop). */
export function stopNav() {
  if (current) screens.get(current).leave?.();
  current = null;
}

/** The periodic refresh of the screen on display. */
export function refreshCurrent() {
  if (current) screens.get(current).refresh?.();
}

export const currentScreen = () => current;

window.addEventListener('hashchange', () => {
  if (!$('view-dashboard').hidden) route();
});
