import { sendError } from '@plyr/core'
import { randomBytes } from 'node:crypto'
import { Client } from '@atproto/lex'
import {
  OAuthCallbackError,
  OAuthResolverError,
  type OAuthSession,
} from '@atproto/oauth-client-node'
import { AuthRequiredError, InvalidRequestError } from '@atproto/xrpc-server'
import { isDatabaseUnavailable } from '@plyr/db'
import type { Request, Response } from 'express'
import { checkSameOrigin } from '../auth/origin.js'
import type { AppContext } from '../context.js'
import { hashSecret, type SignedInAccount } from '../oauth/browser-sessions.js'
import {
  clearCookie,
  LOGIN_MAX_AGE_MS,
  loginCookieName,
  readCookie,
  SESSION_MAX_AGE_MS,
  sessionCookieName,
  setCookie,
} from '../oauth/cookies.js'
import { sweepStates } from '../oauth/stores.js'

/** What a sign-in is for, and where the browser goes back to. */
type SignIn = { returnTo: string } & (
  { kind: 'session' } | { kind: 'token'; name: string; expiresInDays: number | null }
)

/** What a sign-in carries through the authorization server (sealed in `oauth_state`). */
type AppState = SignIn & {
  /** The SHA-256 of the login cookie set on the browser that started the sign-in. */
  binding: string
}

/** Why a sign-in failed, as the browser is sent back with it (`?signInError=`). */
type SignInError =
  | 'UnknownAccount'
  | 'AuthorizationServerUnavailable'
  | 'AccessDenied'
  | 'RequestExpired'
  | 'SignInFailed'

/**
 * The sign-in routes (docs/api.md):
 *
 * - `GET /oauth/login?handle=<handle or DID>[&returnTo=<path>]`: to the account's
 *   authorization server; signed in already, the account is added to this browser;
 * - `GET /oauth/tokens/new?handle=…&name=…[&expiresInDays=…]`: the same, for a developer
 *   token, shown once at the end;
 * - `GET /oauth/callback`: completes either, then back to `returnTo`;
 * - `POST /oauth/logout[?did=<did>|?all=true]`, `POST /oauth/switch?did=<did>`.
 *
 * A sign-in that fails comes back to `returnTo` with `signInError` and `signInMessage`;
 * never a stack or a 500.
 */
export function oauthRoutes(ctx: AppContext) {
  const secure = ctx.service.url.startsWith('https:')
  const sessionCookie = sessionCookieName(secure)
  const loginCookie = loginCookieName(secure)

  /** False (after answering 503) when sign-in is off. */
  const available = (res: Response): boolean => {
    if (!ctx.oauth.unavailable) return true
    sendError(res, 503, 'SignInUnavailable', `sign-in is off: ${ctx.oauth.unavailable}`)
    return false
  }

  const start = async (req: Request, res: Response, state: SignIn) => {
    if (!available(res)) return
    const handle = stringParam(req, 'handle')
    if (!handle || handle.length > 2048) throw new InvalidRequestError('handle is required')
    await sweepStates(ctx.db)
    const binding = randomBytes(32).toString('base64url')
    const appState: AppState = { ...state, binding: hashSecret(binding) }
    let url: URL
    try {
      url = await ctx.oauth.authorize(handle, JSON.stringify(appState))
    } catch (err) {
      // the sign-in's state is stored before the browser is sent on: a 503, not a refusal
      if (isDatabaseUnavailable(err)) throw err
      const [code, message] = loginFailure(err, handle)
      ctx.logger.info({ handle, err: String(err) }, 'sign-in could not start')
      return backWithError(res, state.returnTo, code, message)
    }
    setCookie(res, loginCookie, binding, secure, LOGIN_MAX_AGE_MS)
    res.redirect(303, url.href)
  }

  const login = async (req: Request, res: Response) => {
    await start(req, res, { kind: 'session', returnTo: returnToParam(req) })
  }

  const newToken = async (req: Request, res: Response) => {
    const name = stringParam(req, 'name')?.trim()
    if (!name || name.length > 100) {
      throw new InvalidRequestError('name is required (at most 100 characters)')
    }
    const days = stringParam(req, 'expiresInDays')
    const expiresInDays = days === undefined ? null : Number(days)
    if (expiresInDays !== null && (!Number.isInteger(expiresInDays) || expiresInDays < 1)) {
      throw new InvalidRequestError('expiresInDays must be a whole number of days, at least 1')
    }
    await start(req, res, { kind: 'token', name, expiresInDays, returnTo: returnToParam(req) })
  }

  const callback = async (req: Request, res: Response) => {
    if (!available(res)) return
    const params = new URLSearchParams(req.originalUrl.split('?')[1] ?? '')
    let grantId: string
    let session: OAuthSession
    let state: AppState | undefined
    try {
      const done = await ctx.oauth.callback(params)
      ;({ grantId, session } = done)
      state = parseAppState(done.appState)
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err
      const appState = parseAppState(err instanceof OAuthCallbackError ? err.state : undefined)
      const [code, message] = callbackFailure(err, params)
      ctx.logger.info({ code, err: String(err) }, 'sign-in did not complete')
      return backWithError(res, appState?.returnTo ?? '/', code, message)
    }
    const did = session.did
    clearCookie(res, loginCookie, secure)
    const binding = readCookie(req, loginCookie)
    if (!state || binding === undefined || hashSecret(binding) !== state.binding) {
      await ctx.oauth.revoke(grantId, did)
      return backWithError(
        res,
        state?.returnTo ?? '/',
        'SignInFailed',
        'This sign-in was started in another browser: start it again here.',
      )
    }
    if (state.kind === 'token') {
      const expiresAt =
        state.expiresInDays === null
          ? null
          : new Date(Date.now() + state.expiresInDays * 86_400_000)
      const token = await ctx.tokens.create(did, grantId, state.name, expiresAt)
      ctx.logger.info({ did, name: state.name }, 'created a developer token')
      res.set('Cache-Control', 'no-store')
      res.type('html').send(tokenPage(state.name, token, state.returnTo))
      return
    }
    const account: SignedInAccount = {
      did,
      grantId,
      handle: await ctx.oauth.handleOf(did),
      displayName: await displayName(session),
    }
    const cookie = readCookie(req, sessionCookie)
    const current = cookie === undefined ? undefined : await ctx.sessions.find(cookie)
    if (current) {
      const previous = await ctx.sessions.add(current.hash, account)
      if (previous && previous !== grantId) await ctx.oauth.revoke(previous, did)
    } else {
      await ctx.sessions.sweep()
      setCookie(res, sessionCookie, await ctx.sessions.create(account), secure, SESSION_MAX_AGE_MS)
    }
    ctx.logger.info({ did }, 'signed in')
    res.redirect(303, state.returnTo)
  }

  /** The browser's session, for the routes that change it: same origin only. */
  const currentSession = async (req: Request) => {
    const cookie = readCookie(req, sessionCookie)
    const session = cookie === undefined ? undefined : await ctx.sessions.find(cookie)
    if (!session) throw new AuthRequiredError('not signed in', 'AuthenticationRequired')
    checkSameOrigin(req, ctx.auth.origins)
    return session
  }

  const logout = async (req: Request, res: Response) => {
    const session = await currentSession(req)
    const all = stringParam(req, 'all') === 'true'
    const did = all ? undefined : (stringParam(req, 'did') ?? session.active?.did)
    if (!all && did === undefined) {
      sendError(res, 400, 'InvalidRequest', 'no account is signed in: name one with did')
      return
    }
    const accounts = await ctx.sessions.accounts(session.hash)
    const { remaining } = await ctx.sessions.remove(session.hash, did)
    for (const account of accounts) {
      if (all || account.did === did) await ctx.oauth.revoke(account.grantId, account.did)
    }
    if (!remaining) clearCookie(res, sessionCookie, secure)
    ctx.logger.info({ did: did ?? 'all' }, 'signed out')
    res.status(204).end()
  }

  const switchAccount = async (req: Request, res: Response) => {
    const session = await currentSession(req)
    const did = stringParam(req, 'did')
    if (!did || !(await ctx.sessions.switch(session.hash, did))) {
      sendError(res, 400, 'AccountNotSignedIn', 'that account is not signed in on this browser')
      return
    }
    res.status(204).end()
  }

  return { login, newToken, callback, logout, switchAccount }
}

function stringParam(req: Request, name: string): string | undefined {
  const value = req.query[name]
  return typeof value === 'string' ? value : undefined
}

/**
 * Where to go back after signing in: a path on this site (`/…`, not `//…` or `/\…`, which
 * browsers read as another host); absent means `/`. Anything else is refused.
 */
export function returnToParam(req: Request): string {
  const value = req.query.returnTo
  if (value === undefined) return '/'
  if (
    typeof value !== 'string' ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    value.startsWith('/\\') ||
    value.length > 2048 ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f]/.test(value)
  ) {
    throw new InvalidRequestError('returnTo must be a path on this site', 'InvalidReturnTo')
  }
  return value
}

function parseAppState(value: string | null | undefined): AppState | undefined {
  if (!value) return undefined
  try {
    return JSON.parse(value) as AppState
  } catch {
    return undefined
  }
}

function backWithError(res: Response, returnTo: string, code: SignInError, message: string) {
  const url = new URL(returnTo, 'http://plyr.invalid')
  url.searchParams.set('signInError', code)
  url.searchParams.set('signInMessage', message)
  res.redirect(303, `${url.pathname}${url.search}${url.hash}`)
}

function loginFailure(err: unknown, handle: string): [SignInError, string] {
  if (err instanceof OAuthResolverError && /resolve identity/i.test(err.message)) {
    return ['UnknownAccount', `No account was found for "${handle}".`]
  }
  if (err instanceof OAuthResolverError || err instanceof TypeError) {
    return [
      'AuthorizationServerUnavailable',
      "The account's server could not be reached. Try again later.",
    ]
  }
  return ['SignInFailed', 'Sign-in could not start. Try again later.']
}

function callbackFailure(err: unknown, params: URLSearchParams): [SignInError, string] {
  const error = params.get('error')
  if (error === 'access_denied') return ['AccessDenied', 'Sign-in was cancelled at your server.']
  if (err instanceof OAuthCallbackError && /unknown authorization session/i.test(err.message)) {
    return ['RequestExpired', 'This sign-in expired or was already used: start again.']
  }
  if (error) return ['SignInFailed', `Your server refused the sign-in (${error}).`]
  return ['SignInFailed', 'Sign-in could not complete. Try again.']
}

/** The account's Bluesky display name, if its profile has one (best effort). */
async function displayName(session: OAuthSession): Promise<string | null> {
  try {
    const res = await new Client(session).getRecord('app.bsky.actor.profile', 'self')
    const name = (res.body.value as { displayName?: unknown }).displayName
    return typeof name === 'string' && name.length > 0 && name.length <= 640 ? name : null
  } catch {
    return null
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The one time a developer token is shown. */
function tokenPage(name: string, token: string, returnTo: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>plyr developer token</title>
<meta name="referrer" content="no-referrer"></head>
<body>
<h1>Developer token “${escapeHtml(name)}”</h1>
<p>Copy it now: it is not shown again. Send it as <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<pre id="token">${escapeHtml(token)}</pre>
<p><a href="${escapeHtml(returnTo)}">Back to plyr</a></p>
</body></html>`
}
