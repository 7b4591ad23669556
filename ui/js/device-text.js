// The device code panel's words (js/device.js), as pure functions so that
// `node --test` checks them: the polling status and the countdown.

/** The status while polling: `first` is the interval the server gave, `now` the one in effect (seconds). */
export function pollingStatus(first, now) {
  return now > first
    ? `Server asked to slow down: polling every ${now} s`
    : `Waiting for you to sign in… (checking every ${now} s)`;
}

/** The countdown to the code's expiry, `left` seconds from now. */
export function expiryText(left) {
  if (left <= 0) return "The code has expired";
  return `The code expires in ${Math.floor(left / 60)} min ${String(left % 60).padStart(2, "0")} s`;
}
