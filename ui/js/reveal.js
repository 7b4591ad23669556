// When the window shows its workspace at start-up (app.js). index.html keeps
// it hidden until the panels are wired and filled, so WebKit lays it out and
// paints it once, filled, instead of once bare and again filled. A profile
// slow to come (a keychain waiting to be unlocked) must not leave the window
// blank: after `withinMs` the workspace is shown as it is and fills in later.

/** Calls `show` once `ready` settles (fulfilled or rejected) or `withinMs`
 * has passed, whichever is first; resolves when `show` has been called. */
export async function showWhenReady(ready, withinMs, show) {
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, withinMs);
  });
  try {
    await Promise.race([Promise.resolve(ready).catch(() => {}), late]);
  } finally {
    clearTimeout(timer);
    show();
  }
}
