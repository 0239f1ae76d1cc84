import { pino } from 'pino'

/**
 * What never reaches a log line, wherever it sits in a logged object (one level deep, or
 * in a request's headers): session cookies, bearer tokens, OAuth tokens and DPoP keys,
 * the session secret and the client's private keys.
 */
export const REDACTED_PATHS = [
  'cookie',
  'authorization',
  'access_token',
  'refresh_token',
  'dpopJwk',
  'sessionSecret',
  'oauthPrivateKeys',
  'token',
].flatMap((key) => [key, `*.${key}`, `*.headers.${key}`, `*.tokenSet.${key}`])

/** The root logger; subsystems take children (`logger.child({ subsystem })`). */
export const logger = pino({
  name: 'plyr',
  level: process.env.LOG_LEVEL || 'info',
  redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
})
