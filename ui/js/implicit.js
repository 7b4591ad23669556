// The Implicit grant in the window (legacy public apps; not recommended by
// the OAuth 2.0 Security BCP). It is a sign-in like the authorization code:
// same fields but PKCE and offline_access, same login window and paste box,
// and the core reads the token from the Callback URL's #fragment. A browser
// never sends a fragment to a server, so the system browser cannot bring it
// back: the mode's help says so, and the core refuses it with
// implicit_needs_window_or_paste. Pure functions, but for `tieNote`.

/** Grant types whose token comes from a sign-in at the Auth URL. */
export const SIGN_IN_GRANTS = ["authorization_code", "implicit"];

/** The id of the "not recommended" note under Grant Type. */
export const NOT_RECOMMENDED_ID = "implicit-not-recommended";

export function isSignIn(grant) {
  return SIGN_IN_GRANTS.includes(grant);
}

/** The help of "Get code with" for `mode`, given the mode's usual help. */
export function modeHelp(grant, mode, usual) {
  if (grant !== "implicit") return usual;
  if (mode === "browser") {
    return "Implicit cannot use the system browser: the token comes back after # in the address, which a browser never sends to the app. Choose the in-app login window or paste the redirected URL.";
  }
  if (mode === "paste") {
    return "The app shows the sign-in URL. Open it in any browser, sign in, and paste the whole address the browser ends on, # and all (the token is in the part after #).";
  }
  return "A window of the app shows the identity domain's sign-in page. When the sign-in reaches the Callback URL, the app reads the token from the address (after #) without loading that page and closes the window.";
}

/** What the paste box says while the pasted URL is read. */
export function pasteProgress(grant) {
  return grant === "implicit" ? "Reading the token from the URL…" : "Exchanging the code for a token…";
}

/** The paste box's placeholder for the Redirected URL. */
export function pastePlaceholder(grant) {
  return grant === "implicit" ? "https://…/callback#access_token=…&state=…" : "https://…/callback?code=…&state=…";
}

/** `aria-describedby` of the Grant Type control: the note's id while Implicit is chosen, never otherwise. */
export function describedBy(current, grant) {
  const ids = (current ?? "").split(/\s+/).filter((id) => id && id !== NOT_RECOMMENDED_ID);
  if (grant === "implicit") ids.push(NOT_RECOMMENDED_ID);
  return ids.join(" ");
}

/** Ties the note to the Grant Type control (screen readers read it with the choice) only while Implicit is chosen. */
export function tieNote(select) {
  const ids = describedBy(select.getAttribute("aria-describedby"), select.value);
  if (ids) select.setAttribute("aria-describedby", ids);
  else select.removeAttribute("aria-describedby");
}
