// A profile is loaded into, and saved from, several panels. Each panel
// registers its part here: `load(profile)` fills the panel, `save(profile)`
// writes the panel's non-secret fields back into the profile object.
// Panels call `edited()` when the user changes something, so the profile can
// be saved (profiles.js listens). Each part has a `name`, the panel's title,
// for the message when its `load` fails.

const parts = [];
const editListeners = [];
const loadListeners = [];

export function registerPart(part) {
  parts.push(part);
}

/**
 * Fills every panel with `profile`. A panel that fails does not stop the
 * others; the failures come back as `[{panel, error}]`, so the window can say
 * which panel is wrong and not save the half-shown profile over the stored one.
 */
export function loadProfile(profile) {
  const failures = [];
  for (const part of parts) {
    try {
      part.load(profile);
    } catch (error) {
      failures.push({ panel: part.name, error });
    }
  }
  for (const listener of loadListeners) {
    try {
      listener(profile);
    } catch (error) {
      failures.push({ panel: "Profile", error });
    }
  }
  return failures;
}

/** A copy of `profile` with every panel's current fields written in. */
export function collectProfile(profile) {
  const copy = structuredClone(profile);
  for (const part of parts) part.save(copy);
  return copy;
}

export function onEdit(listener) {
  editListeners.push(listener);
}

export function onProfileLoaded(listener) {
  loadListeners.push(listener);
}

export function edited() {
  for (const listener of editListeners) listener();
}
