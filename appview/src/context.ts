import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { IndexSchema } from '@plyr/db'
import { createIdentity, type Indexer } from '@plyr/indexer'
import { BoundedDidCache } from './auth/did-cache.js'
import { ServiceAuth } from './auth/service-auth.js'
import type { AppViewConfig } from './config.js'
import { PageCache } from './pipeline/page-cache.js'

/** The AppView's own identity: its DID and where it is reached. */
export type ServiceIdentity = { did: string; url: string }

/** The composition root: everything a handler needs, passed explicitly. */
export type AppContext = {
  cfg: AppViewConfig
  db: Kysely<IndexSchema>
  logger: Logger
  service: ServiceIdentity
  auth: ServiceAuth
  /** The public feed's pages for anonymous readers, rebuilt every FEED_CACHE_MS. */
  feedCache: PageCache
  /** The indexer, when it runs in this process: its health and metrics are served here. */
  indexer?: Pick<Indexer, 'health' | 'metrics'>
}

/** What the context is built from; the rest depends on the port the server got. */
export type AppDeps = Pick<AppContext, 'cfg' | 'db' | 'logger' | 'indexer'>

/**
 * How long callers' DID documents are trusted without a fetch. A rotated key is picked up
 * at once (a signature that fails re-fetches the document); a document that changed
 * otherwise is seen within `staleMs`.
 */
const CALLER_DID_CACHE = { maxEntries: 10_000, staleMs: 5 * 60_000, maxAgeMs: 60 * 60_000 }

export function createAppContext(deps: AppDeps, port: number): AppContext {
  const service = serviceIdentity(deps.cfg, port)
  const { resolver } = createIdentity(
    {
      plcUrl: deps.cfg.indexer.plcUrl,
      allowPrivateNetwork: deps.cfg.indexer.allowPrivateNetwork,
      timeoutMs: deps.cfg.indexer.identityTimeoutMs,
    },
    new BoundedDidCache(CALLER_DID_CACHE),
  )
  return {
    ...deps,
    service,
    auth: new ServiceAuth(service.did, resolver, deps.logger),
    feedCache: new PageCache(deps.cfg.feedCacheMs),
  }
}

/** PUBLIC_URL (or localhost and the port) and APPVIEW_DID (or the did:web of that URL). */
function serviceIdentity(cfg: AppViewConfig, port: number): ServiceIdentity {
  const url = cfg.publicUrl ?? `http://localhost:${port}`
  // did:web percent-encodes the port's colon
  return { url, did: cfg.did ?? `did:web:${new URL(url).host.replace(':', '%3A')}` }
}
