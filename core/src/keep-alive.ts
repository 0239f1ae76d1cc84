import type { Server } from 'node:http'

/** How long an idle keep-alive connection stays open on a plyr HTTP server. */
export const KEEP_ALIVE_MS = 65_000

/**
 * Keeps idle connections open well past clients' own idle timeouts (undici, Node's fetch,
 * closes its idle sockets after 4 s; load balancers after 60 s). With Node's default of
 * 5 s, a client on a loaded machine whose event loop stalls past that margin sends its
 * next request on a socket the server is closing, and gets ECONNRESET; seen in the test
 * suite under load, and the same race exists behind a proxy. Returns the server.
 */
export function keepConnectionsAlive<S extends Server>(server: S): S {
  server.keepAliveTimeout = KEEP_ALIVE_MS
  // must exceed keepAliveTimeout, or a slow request's headers time out first
  server.headersTimeout = KEEP_ALIVE_MS + 1000
  return server
}
