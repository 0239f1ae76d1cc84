import type { IncomingMessage } from 'node:http'
import { Client } from '@atproto/lex'
import {
  type OAuthSession,
  TokenInvalidError,
  TokenRefreshError,
  TokenRevokedError,
} from '@atproto/oauth-client-node'
import {
  AuthRequiredError,
  type MethodAuthContext,
  parseReqNsid,
  UpstreamFailureError,
  type XRPCError,
} from '@atproto/xrpc-server'
import { isDatabaseUnavailable } from '@plyr/db'
import type { Response } from 'express'
import type { Logger } from 'pino'
import type { BrowserSessions } from '../oauth/browser-sessions.js'
import type { OAuth } from '../oauth/client.js'
import { clearCookie, readCookie, sessionCookieName } from '../oauth/cookies.js'
import { type DeveloperTokens, isDeveloperToken } from '../oauth/developer-tokens.js'
import { checkSameOrigin } from './origin.js'
import type { ServiceAuth } from './service-auth.js'

/** Who is asking: an account's DID, or nobody. */
export type ViewerAuth = { credentials: { viewer: string | null } }

/**
 * A signed-in account: a browser session (cookie) or a developer token, each with an
 * OAuth grant plyr acts through on the account's PDS.
 */
export type SignedInCredentials = {
  did: string
  viewer: string
  via: 'session' | 'token'
  /** The grant's id (which session or token this is). */
  grantId: string
  /**
   * A client of the account's PDS acting through the grant (createRecord, putRecord,
   * deleteRecord, uploadBlob...), its tokens refreshed when stale. A grant revoked or
   * expired at the PDS is a 401 SessionExpired (and the browser's cookie is cleared when
   * no account is left on it).
   */
  pds(): Promise<Client>
  /** The grant's OAuth session (its scopes, its token info), restored as `pds()` does. */
  session(): Promise<OAuthSession>
  /** The browser session's key, for a cookie; absent for a developer token. */
  sessionHash?: string
  /** Call when the PDS refused the grant's tokens: forgets it, returns the 401 to throw. */
  expired(): Promise<XRPCError>
}

export type SignedInAuth = { credentials: SignedInCredentials }

export type ViewerAuthOptions = {
  serviceAuth: ServiceAuth
  oauth: OAuth
  sessions: BrowserSessions
  tokens: DeveloperTokens
  /** The origins plyr's own pages are served from (PUBLIC_URL, the loopback redirect's). */
  origins: ReadonlySet<string>
  secure: boolean
  logger: Logger
}

/**
 * Who a request comes from, one verifier per XRPC method (`auth:` of `server.add`):
 *
 * - `Authorization: Bearer plyr_…`: a developer token;
 * - `Authorization: Bearer <JWT>`: a service JWT from a PDS proxying its user's call
 *   (reads only: plyr holds no grant for such a viewer);
 * - the session cookie: the browser's active account. A procedure (POST) with the cookie
 *   must come from plyr's own origin.
 *
 * A tampered, unknown or expired cookie or token is a 401 (the cookie is cleared).
 */
export class ViewerAuthVerifier {
  private readonly cookieName: string

  constructor(private readonly opts: ViewerAuthOptions) {
    this.cookieName = sessionCookieName(opts.secure)
  }

  /** The origins a cookie-authenticated change must come from. */
  get origins(): ReadonlySet<string> {
    return this.opts.origins
  }

  /** The viewer when the request names one; anonymous without credentials. */
  optional = async ({ req, res }: MethodAuthContext): Promise<ViewerAuth> => ({
    credentials: { viewer: await this.viewer(req, parseReqNsid(req), res) },
  })

  /** A signed-in account (session cookie or developer token), or a 401. */
  signedIn = async ({ req, res }: MethodAuthContext): Promise<SignedInAuth> => {
    const found = await this.identify(req, parseReqNsid(req), res)
    if (!found) throw new AuthRequiredError('sign in first', 'AuthenticationRequired')
    if (found.via === 'service') {
      throw new AuthRequiredError(
        'a service JWT names a viewer but plyr holds no session for it: sign in to plyr',
        'AuthenticationRequired',
      )
    }
    return { credentials: found }
  }

  /**
   * The account of a plyr session cookie, or null: what pages for people (/admin) accept.
   * A request carrying a developer token or a service JWT is a program's: not signed in.
   */
  async sessionAccount(req: IncomingMessage, res?: Response): Promise<string | null> {
    if (req.headers.authorization !== undefined) return null
    return this.viewer(req, null, res)
  }

  /**
   * The viewer's DID, or null without credentials. `lxm`: the method a service JWT must
   * name, or null for a plain HTTP route. `res`: where to clear a bad cookie, if anywhere.
   */
  async viewer(req: IncomingMessage, lxm: string | null, res?: Response): Promise<string | null> {
    return (await this.identify(req, lxm, res))?.did ?? null
  }

  private async identify(
    req: IncomingMessage,
    lxm: string | null,
    res: Response | undefined,
  ): Promise<SignedInCredentials | { did: string; via: 'service' } | undefined> {
    const header = req.headers.authorization
    if (header !== undefined) {
      const token = /^Bearer +(\S+)$/i.exec(header.trim())?.[1]
      if (token !== undefined && isDeveloperToken(token)) return this.fromToken(token)
      // anything else is a service JWT, whose check names what is wrong with it
      const did = await this.opts.serviceAuth.viewer(req, lxm)
      return did === null ? undefined : { did, via: 'service' }
    }
    const cookie = readCookie(req, this.cookieName)
    if (cookie === undefined) return undefined
    const clear = () => {
      if (res) clearCookie(res, this.cookieName, this.opts.secure)
    }
    const session = await this.opts.sessions.find(cookie)
    if (!session) {
      clear()
      throw new AuthRequiredError('the session cookie is not valid', 'InvalidSession')
    }
    if (req.method === 'POST') checkSameOrigin(req, this.opts.origins)
    const active = session.active
    if (!active) {
      // its account's grant went (expired or revoked, seen by another request): the next
      // account takes over, if there is one
      if (!(await this.opts.sessions.reactivate(session.hash))) clear()
      throw new AuthRequiredError('the session has expired: sign in again', 'SessionExpired')
    }
    const credentials = this.credentials(active.did, active.grantId, 'session', async () => {
      if (!(await this.opts.sessions.reactivate(session.hash))) clear()
    })
    return { ...credentials, sessionHash: session.hash }
  }

  private async fromToken(token: string): Promise<SignedInCredentials> {
    const found = await this.opts.tokens.verify(token)
    if (found === 'expired') throw new AuthRequiredError('the token has expired', 'ExpiredToken')
    if (!found) throw new AuthRequiredError('unknown or revoked token', 'InvalidToken')
    return this.credentials(found.did, found.grantId, 'token', async () => {})
  }

  /**
   * The account behind a grant, outside any request: what a background job (the media
   * worker publishing an upload) acts through on the account's PDS.
   */
  forGrant(did: string, grantId: string): SignedInCredentials {
    return this.credentials(did, grantId, 'token', async () => {})
  }

  private credentials(
    did: string,
    grantId: string,
    via: SignedInCredentials['via'],
    forget: () => Promise<void>,
  ): SignedInCredentials {
    const { oauth, logger } = this.opts
    const expired = async () => {
      // the grant row is gone (the OAuth client deleted it) or goes now
      await oauth.forget(grantId)
      await forget()
      logger.info({ did, grant: grantId, via }, 'a grant expired or was revoked at the PDS')
      return new AuthRequiredError(
        'the sign-in expired or was revoked at the PDS: sign in again',
        'SessionExpired',
      )
    }
    const session = async () => {
      try {
        return await oauth.restore(grantId, did)
      } catch (err) {
        if (
          err instanceof TokenRefreshError ||
          err instanceof TokenRevokedError ||
          err instanceof TokenInvalidError
        ) {
          throw await expired()
        }
        // the grant is read from the database: its being away is no fault of the PDS
        if (isDatabaseUnavailable(err)) throw err
        logger.warn({ did, grant: grantId, err: String(err) }, 'could not restore a grant')
        throw new UpstreamFailureError("could not reach the account's PDS")
      }
    }
    return {
      did,
      viewer: did,
      via,
      grantId,
      expired,
      session,
      pds: async () => new Client(await session()),
    }
  }
}
