// xlive panel: sign-in problems in words. A lockout (429 with Retry-After) says until when and how to
// recover; a wrong name or password keeps the box's words, which never tell whether the name exists.

const pad = (n) => String(n).padStart(2, '0');

/** "in 1 minute", "in 12 minutes", "in 2 h 5 min". */
function inWords(seconds) {
  const min = Math.max(1, Math.ceil(seconds / 60));
  if (min < 60) return `in ${min} minute${min === 1 ? '' : 's'}`;
  return `in ${Math.floor(min / 60)} h ${min % 60} min`;
}

/**
 * The message for a refused sign-in of `username`. `err` is an ApiError from `api()`; `now` is the
 * time (ms) the answer came.
 */
export function explainSignIn(err, username, now = Date.now()) {
  const detail = (err.problem && err.problem.detail) || '';
  const seconds = Number(err.retryAfter);
  if (err.status === 429 && /too many failed/i.test(detail) && Number.isFinite(seconds) && seconds > 0) {
    const until = new Date(now + seconds * 1000);
    const name = username || '<name>';
    return new Error(
      `Too many failed sign-ins: this account is locked until ${pad(until.getHours())}:${pad(until.getMinutes())} (${inWords(seconds)}) ` +
        'for sign-ins from this device. To get in: wait until then, or have an admin set a new password on the People screen, ' +
        `or on the box's console run: xlive admin reset-password ${name}`,
    );
  }
  if (err.status === 401) return new Error(`Sign-in refused: ${detail || 'wrong username or password'}. Check both and try again.`);
  return err;
}
