// The profile's saves: each kind of edit (the profile's fields, the Client
// Secret, the Password) is saved a moment after the user stops typing, and
// saves of the same kind run one after the other. Two saves of the profile
// sent together could reach the store in either order, and the older one,
// landing last, would undo what the user typed after it.

/**
 * `onChange()` is called whenever what `status()` reports changes.
 * `schedule(key, work)` runs `work` after `delayMs` of quiet (the last work
 * scheduled for `key` wins), once the previous save of `key` has finished.
 */
export function saveQueue({ delayMs, onChange = () => {} }) {
  const timers = new Map(); // key → { timer, work }: waiting for the pause
  const running = new Map(); // key → the settled promise of its newest save
  let inFlight = 0;
  let failed = null;

  function schedule(key, work) {
    clearTimeout(timers.get(key)?.timer);
    const timer = setTimeout(() => run(key), delayMs);
    timers.set(key, { timer, work });
    onChange();
  }

  async function run(key) {
    const entry = timers.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    timers.delete(key);
    inFlight += 1;
    onChange();
    const turn = (running.get(key) ?? Promise.resolve()).then(() => entry.work());
    const settled = turn.then(() => {}, () => {});
    running.set(key, settled);
    try {
      await turn;
      failed = null;
    } catch (error) {
      failed = error;
    } finally {
      inFlight -= 1;
      if (running.get(key) === settled) running.delete(key);
      onChange();
    }
  }

  /** Saves whatever is waiting, now, and resolves once every save has finished. */
  async function flush() {
    await Promise.all([...timers.keys()].map(run));
    await Promise.all([...running.values()]);
  }

  /** Saves waiting for their pause, saves running, and the last save's error (null once one succeeds). */
  const status = () => ({ waiting: timers.size, inFlight, failed });

  return { schedule, flush, status };
}
