// The window's shared state, in one place: the current profile (as stored),
// the token shown under Current Token, and the app's settings. Panels read
// it and subscribe to changes instead of reading each other's fields.

const state = { profile: null, token: null, settings: {} };
const subscribers = { profile: [], token: [], settings: [] };

export const currentProfile = () => state.profile;
export const currentToken = () => state.token;
export const currentSettings = () => state.settings;

function set(key, value) {
  state[key] = value;
  for (const listener of subscribers[key]) listener(value);
}

export const setProfile = (profile) => set("profile", profile);
export const setToken = (token) => set("token", token);
export const setSettings = (settings) => set("settings", settings ?? {});

/** `listener(value)` after each change of `key` ("profile", "token" or "settings"). */
export function subscribe(key, listener) {
  subscribers[key].push(listener);
}
