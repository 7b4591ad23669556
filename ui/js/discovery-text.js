// What Discover shows, as pure functions (tests/ui/discovery.test.js).

/** The grant types a server advertises for each Grant Type option. */
const GRANT_TYPES = {
  client_credentials: "client_credentials",
  password: "password",
  authorization_code: "authorization_code",
  device_code: "urn:ietf:params:oauth:grant-type:device_code",
  jwt_assertion: "urn:ietf:params:oauth:grant-type:jwt-bearer",
  implicit: "implicit",
};

/** The options (`{value, text}`) split by whether the server advertises
 * them; a server that lists no grant types advertises nothing to compare. */
export function advertisedGrants(options, supported = []) {
  if (!supported?.length) return { advertised: options, notAdvertised: [] };
  const known = new Set(supported);
  const notAdvertised = options.filter((o) => GRANT_TYPES[o.value] && !known.has(GRANT_TYPES[o.value]));
  return { advertised: options.filter((o) => !notAdvertised.includes(o)), notAdvertised };
}

/** The rows of what was found: each endpoint and list the document had. */
export function discoveryRows(found) {
  const rows = [
    ["Token endpoint", found.tokenEndpoint],
    ["Authorization endpoint", found.authorizationEndpoint],
    ["Device authorization endpoint", found.deviceAuthorizationEndpoint],
    ["Introspection endpoint", found.introspectionEndpoint],
    ["Revocation endpoint", found.revocationEndpoint],
    ["Userinfo endpoint", found.userinfoEndpoint],
    ["JWKS", found.jwksUri],
    ["Secure token endpoint (TLS client authentication)", found.secureTokenEndpoint],
    ["Grant types", (found.grantTypesSupported ?? []).join(", ")],
    ["Client authentication", (found.tokenEndpointAuthMethodsSupported ?? []).join(", ")],
  ];
  return rows.filter(([, value]) => value);
}
