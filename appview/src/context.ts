import type { Express } from 'express'
import { randomBytes } from 'node:crypto'
import { createIdentity, type ProcessPart } from '@plyr/core'
import type { IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { BoundedDidCache } from './auth/did-cache.js'
import { ServiceAuth } from './auth/service-auth.js'
import { ViewerAuthVerifier } from './auth/viewer-auth.js'
import type { AppViewConfig } from './config.js'
import { Media } from './media/media.js'
import { BrowserSessions } from './oauth/browser-sessions.js'
import { OAuth } from './oauth/client.js'
import { DeveloperTokens } from './oauth/developer-tokens.js'
import { loadKeyset } from './oauth/keys.js'
import { Sealer } from './oauth/seal.js'
import { PageCache } from './pipeline/page-cache.js'
import { type ServiceIdentity, serviceIdentity } from './service-identity.js'
import type { ApplyWrites } from './writes/apply.js'

/** The composition root: everything a handler needs, passed explicitly. */
export type AppContext = {
  cfg: AppViewConfig
  db: Kysely<IndexSchema>
  logger: Logger
  service: ServiceIdentity
  /**
   * Who a request comes from, one verifier per method: `auth.optional` (anyone; the viewer
   * if named) and `auth.signedIn` (a session cookie or developer token, with `pds()` to
   * act on the account's PDS).
   */
  auth: ViewerAuthVerifier
  /** plyr as an OAuth client: sign-in, grants, their refresh. */
  oauth: OAuth
  sessions: BrowserSessions
  tokens: DeveloperTokens
  /** Applies writes the PDS accepted to the index at once (read-after-write). */
  applyWrites: ApplyWrites
  /** The public feed's pages for anonymous readers, rebuilt every FEED_CACHE_MS. */
  feedCache: PageCache
  /** Uploaded media: its settings and storage. */
  media: Media
  /** The media worker in this process, if it runs here (woken when a job is queued). */
  mediaWorker?: { wake(): void }
  /** The other parts running in this process. */
  parts: ProcessPart[]
}

/** What the context is built from; the rest depends on the port the server got. */
export type AppDeps = Pick<AppContext, 'cfg' | 'db' | 'logger' | 'applyWrites'> & {
  parts?: ProcessPart[]
  /** Run the media worker in the server's process (`npm start` with RUN_MEDIA_WORKER). */
  runMediaWorker?: boolean
  /** What sign-in data is encrypted under (see resolveSessionSecret); none: sign-in is off. */
  sessionSecret?: string
  /** Plain routes another part of the process adds (the labeler's /admin), given the context. */
  routes?: (app: Express, ctx: AppContext) => void
}

/**
 * How long callers' DID documents are trusted without a fetch. A rotated key is picked up
 * at once (a signature that fails re-fetches the document); a document that changed
 * otherwise is seen within `staleMs`.
 */
const CALLER_DID_CACHE = { maxEntries: 10_000, staleMs: 5 * 60_000, maxAgeMs: 60 * 60_000 }

export async function createAppContext(deps: AppDeps, port: number): Promise<AppContext> {
  const { cfg, db, logger, sessionSecret, routes: _routes, runMediaWorker: _worker, ...rest } = deps
  const service = serviceIdentity(cfg, port)
  const { resolver } = createIdentity(cfg.identity, new BoundedDidCache(CALLER_DID_CACHE))
  const secure = service.url.startsWith('https:')
  const unavailable = !sessionSecret
    ? 'SESSION_SECRET is not set: it is required with DATABASE_URL'
    : secure && !cfg.oauthPrivateKeys
      ? 'OAUTH_PRIVATE_KEYS is not set: an https PUBLIC_URL signs in as a confidential client'
      : undefined
  if (unavailable) logger.warn(`sign-in is off: ${unavailable}`)
  const oauth = new OAuth({
    cfg,
    service,
    db,
    // with sign-in off nothing is sealed: no grant is ever made
    sealer: new Sealer(sessionSecret ?? randomBytes(32).toString('base64url')),
    keyset: cfg.oauthPrivateKeys ? await loadKeyset(cfg.oauthPrivateKeys) : undefined,
    unavailable,
    logger: logger.child({ subsystem: 'oauth' }),
  })
  const sessions = new BrowserSessions(db)
  const tokens = new DeveloperTokens(db)
  return {
    ...rest,
    cfg,
    db,
    logger,
    parts: deps.parts ?? [],
    service,
    oauth,
    sessions,
    tokens,
    auth: new ViewerAuthVerifier({
      serviceAuth: new ServiceAuth(service.did, resolver, logger),
      oauth,
      sessions,
      tokens,
      origins: new Set([service.url, new URL(oauth.redirectUri).origin]),
      secure,
      logger,
    }),
    feedCache: new PageCache(cfg.feedCacheMs),
    media: new Media(cfg.media),
  }
}
