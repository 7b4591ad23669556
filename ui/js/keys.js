// Keyboard shortcuts of the workspace: Ctrl+Enter sends (not from a dialog),
// Ctrl+L goes to the URL, Ctrl+S saves the request. Esc closes a dialog on
// its own (<dialog>); tabs move with the arrow keys (tabs.js).

import { $ } from "./dom.js";
import { send } from "./request.js";
import { saveCurrentRequest } from "./saved-requests.js";
import { setSidebarCollapsed } from "./layout.js";

const inDialog = () => document.querySelector("dialog[open]") !== null;

export function wireKeys() {
  document.addEventListener("keydown", (event) => {
    const ctrl = event.ctrlKey || event.metaKey;
    if (!ctrl || event.altKey || inDialog()) return;
    const key = event.key.toLowerCase();
    if (key === "enter") {
      event.preventDefault();
      send();
    } else if (key === "l") {
      event.preventDefault();
      $("url").focus();
      $("url").select();
    } else if (key === "s") {
      event.preventDefault();
      if ($("sidebar").classList.contains("collapsed")) setSidebarCollapsed(false);
      saveCurrentRequest();
    }
  });
}
