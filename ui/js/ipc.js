// The one door to the Rust side. Every call names a command that the main
// window's capability grants; errors arrive as {code, message, hint}.

const { invoke } = window.__TAURI__.core;

let nextId = 1;

/** A fresh id for a cancellable request. */
export const newRequestId = () => nextId++;

export const call = (command, args = {}) => invoke(command, args);
