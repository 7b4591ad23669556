// The one door to the Rust side. Every call names a command that the main
// window's capability grants; errors arrive as {code, message, hint}.

// From @tauri-apps/api, bundled with the window's script (only what is
// used), instead of the whole global API that `withGlobalTauri` would inject
// into the page before it starts.
import { invoke, Channel } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

export { Channel, listen };

let nextId = 1;

/** A fresh id for a cancellable request. */
export const newRequestId = () => nextId++;

export const call = (command, args = {}) => invoke(command, args);
