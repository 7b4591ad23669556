// A profile is loaded into, and saved from, several panels. Each panel
// registers its part here: `load(profile)` fills the panel, `save(profile)`
// writes the panel's non-secret fields back into the profile object.
// Panels call `edited()` when the user changes something, so the profile can
// be saved (profiles.js listens).

const parts = [];
const editListeners = [];
const loadListeners = [];

export function registerPart(part) {
  parts.push(part);
}

export function loadProfile(profile) {
  for (const part of parts) part.load(profile);
  for (const listener of loadListeners) listener(profile);
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
