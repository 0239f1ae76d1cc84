import type { IncomingMessage } from 'node:http'
import type { Response } from 'express'

/**
 * The browser session cookie: an opaque random id, HttpOnly, SameSite=Lax, path `/`;
 * under https Secure, with the `__Host-` prefix (so no subdomain can set or shadow it).
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-plyr_session' : 'plyr_session'
}

/** Ties a sign-in's callback to the browser that started it (no login CSRF). */
export function loginCookieName(secure: boolean): string {
  return secure ? '__Host-plyr_login' : 'plyr_login'
}

export const SESSION_MAX_AGE_MS = 180 * 24 * 60 * 60_000
export const LOGIN_MAX_AGE_MS = 30 * 60_000

/** A cookie's value; the first one when the header repeats it. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

export function setCookie(
  res: Response,
  name: string,
  value: string,
  secure: boolean,
  maxAgeMs: number,
): void {
  res.cookie(name, value, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: maxAgeMs })
}

export function clearCookie(res: Response, name: string, secure: boolean): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure, path: '/' })
}
