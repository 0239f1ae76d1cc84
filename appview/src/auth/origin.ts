import type { IncomingMessage } from 'node:http'
import { ForbiddenError } from '@atproto/xrpc-server'

/**
 * Whether a cookie-authenticated request that changes something comes from one of plyr's
 * own pages: its Origin must be one of `origins` (a missing Origin is refused too: every
 * browser sends one on a POST). SameSite=Lax keeps the cookie off other sites' POSTs; this
 * also refuses other origins of the same site (a subdomain).
 */
export function checkSameOrigin(req: IncomingMessage, origins: ReadonlySet<string>): void {
  const origin = req.headers.origin
  if (origin === undefined || !origins.has(origin)) {
    throw new ForbiddenError(
      `cross-origin request refused (Origin: ${origin ?? 'none'})`,
      'CrossOriginRequest',
    )
  }
}
