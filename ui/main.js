// The window's one script (index.html): scripts/bundle-ui.mjs bundles it and
// everything it imports for the app. The order is the start-up order: the
// Oracle panel and the network settings wire themselves, then app.js boots.
import "./js/start-mark.js";
import "./js/oracle.js";
import "./js/oic-admin.js";
import "./js/settings-network.js";
import "./app.js";
