import { createIdentity } from '@plyr/core'
import type { IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { BoundedDidCache } from './auth/did-cache.js'
import { ServiceAuth } from './auth/service-auth.js'
import type { AppViewConfig } from './config.js'
import { PageCache } from './pipeline/page-cache.js'
import { type ServiceIdentity, serviceIdentity } from './service-identity.js'

/**
 * A part of plyr running in this process besides the AppView (the indexer, ...): the
 * AppView serves its health in /health, under its name, and its metrics in /metrics.
 */
export type ProcessPart = {
  name: string
  health(): { degraded: boolean }
  metrics?: Registry
}

/** The composition root: everything a handler needs, passed explicitly. */
export type AppContext = {
  cfg: AppViewConfig
  db: Kysely<IndexSchema>
  logger: Logger
  service: ServiceIdentity
  auth: ServiceAuth
  /** The public feed's pages for anonymous readers, rebuilt every FEED_CACHE_MS. */
  feedCache: PageCache
  /** The other parts running in this process. */
  parts: ProcessPart[]
}

/** What the context is built from; the rest depends on the port the server got. */
export type AppDeps = Pick<AppContext, 'cfg' | 'db' | 'logger'> & { parts?: ProcessPart[] }

/**
 * How long callers' DID documents are trusted without a fetch. A rotated key is picked up
 * at once (a signature that fails re-fetches the document); a document that changed
 * otherwise is seen within `staleMs`.
 */
const CALLER_DID_CACHE = { maxEntries: 10_000, staleMs: 5 * 60_000, maxAgeMs: 60 * 60_000 }

export function createAppContext(deps: AppDeps, port: number): AppContext {
  const service = serviceIdentity(deps.cfg, port)
  const { resolver } = createIdentity(deps.cfg.identity, new BoundedDidCache(CALLER_DID_CACHE))
  return {
    ...deps,
    parts: deps.parts ?? [],
    service,
    auth: new ServiceAuth(service.did, resolver, deps.logger),
    feedCache: new PageCache(deps.cfg.feedCacheMs),
  }
}
