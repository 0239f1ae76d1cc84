import { InternalServerError, XRPCError } from '@atproto/xrpc-server'
import type { Logger } from 'pino'

/**
 * The one place unexpected errors become responses: typed XRPC errors pass through,
 * anything else is logged and answered as a bare 500 that leaks nothing.
 */
export function xrpcErrorParser(logger: Logger) {
  return (err: unknown): XRPCError => {
    const parsed = XRPCError.fromError(err)
    if (err instanceof XRPCError || parsed.type !== 500) return parsed
    logger.error({ err }, 'unhandled error in XRPC handler')
    return new InternalServerError('Internal Server Error')
  }
}
