import { InternalServerError, XRPCError } from '@atproto/xrpc-server'
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express'
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

/** A plain HTTP route's error answer: the XRPC error shape, `{ error, message }`. */
export function sendError(res: Response, status: number, error: string, message: string): void {
  res.status(status).json({ error, message })
}

/** An async express handler whose failures reach the app's error handler. */
export function asyncRoute(handler: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next)
  }
}

/**
 * The last handler of the plain routes: a typed XRPC error (a refused service JWT) passes
 * through as it would in XRPC; a client error express raised itself (a path with malformed
 * percent-encoding) keeps its status; anything else is logged and a bare 500.
 */
export function plainErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err)
    if (err instanceof XRPCError && err.statusCode !== 500) {
      const { error, message } = err.payload
      sendError(res, err.statusCode, error ?? 'InvalidRequest', message ?? err.message)
      return
    }
    const status = (err as { status?: unknown }).status
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendError(res, status, 'InvalidRequest', (err as Error).message)
      return
    }
    logger.error({ err }, 'unhandled error in HTTP handler')
    sendError(res, 500, 'InternalServerError', 'Internal Server Error')
  }
}
