import { InternalServerError, ResponseType, XRPCError } from '@atproto/xrpc-server'
import { isDatabaseUnavailable } from '@plyr/db'
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express'
import type { Logger } from 'pino'

/** What every request answers while the database cannot be reached: 503, typed. */
export class DatabaseUnavailableError extends XRPCError {
  constructor() {
    super(
      ResponseType.NotEnoughResources,
      'The database is unreachable; try again in a few seconds',
      'DatabaseUnavailable',
    )
  }
}

/**
 * A failure because the database is away, as `DatabaseUnavailableError`; logged once per
 * `everyMs` with how many requests it refused meanwhile (an outage refuses many).
 */
function databaseOutage(logger: Logger, everyMs = 5000) {
  let loggedAt = 0
  let refused = 0
  return (err: unknown): DatabaseUnavailableError | undefined => {
    if (!isDatabaseUnavailable(err)) return undefined
    refused++
    if (Date.now() - loggedAt >= everyMs) {
      logger.warn({ err: String(err), refused }, 'database unreachable: answering 503')
      loggedAt = Date.now()
      refused = 0
    }
    return new DatabaseUnavailableError()
  }
}

/**
 * The one place unexpected errors of an XRPC server become responses (every plyr server's): typed XRPC errors pass through, the
 * database being away is a 503 `DatabaseUnavailable`, anything else is logged and answered
 * as a bare 500 that leaks nothing.
 */
export function xrpcErrorParser(logger: Logger) {
  const outage = databaseOutage(logger)
  return (err: unknown): XRPCError => {
    const parsed = XRPCError.fromError(err)
    if (err instanceof XRPCError || parsed.type !== 500) return parsed
    const unavailable = outage(err)
    if (unavailable) return unavailable
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
 * through as it would in XRPC; the database being away is a 503 `DatabaseUnavailable`; a
 * client error express raised itself (a path with malformed percent-encoding) keeps its
 * status; anything else is logged and a bare 500.
 */
export function plainErrorHandler(logger: Logger): ErrorRequestHandler {
  const outage = databaseOutage(logger)
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err)
    err = outage(err) ?? err
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
