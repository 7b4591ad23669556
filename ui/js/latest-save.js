// A debounced save whose answers never undo a newer change. The layout and
// the theme are saved through the core a moment after each change; the core
// answers with the whole settings, which the window then shows. An answer that
// comes back after the user changed something again describes the settings
// *before* that change: showing it would flip the theme back for a moment, or
// undo a change still waiting to be sent. So only the answer to the newest
// save is shown, and only if nothing new is waiting behind it.

/**
 * `send(changes)` saves the changes gathered since the last send and resolves
 * to the saved settings; `apply(settings)` shows them. Returns
 * `save(changes, { now })`: gathers `changes` and sends them after `delayMs`
 * of quiet (at once with `now`).
 */
export function latestSave({ send, apply, delayMs }) {
  let waiting = {};
  let timer = null;
  let sent = 0;
  return function save(changes, { now = false } = {}) {
    waiting = { ...waiting, ...changes };
    clearTimeout(timer);
    timer = setTimeout(async () => {
      timer = null;
      const turn = ++sent;
      const changes = waiting;
      waiting = {};
      let saved;
      try {
        saved = await send(changes);
      } catch {
        return; // What is shown stays; it is saved with the next change.
      }
      if (turn === sent && timer === null) apply(saved);
    }, now ? 0 : delayMs);
  };
}
