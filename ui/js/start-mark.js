// The first statement the window's script runs (main.js imports this first):
// `make bench` splits the start-up into loading the script and running it.
export const scriptStarted = performance.now();
