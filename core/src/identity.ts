import { safeFetchWrap } from '@atproto-labs/fetch-node'
import { type DidCache, IdResolver } from '@atproto/identity'
import type { Logger } from 'pino'
import { trace } from '@opentelemetry/api'
import { xrpcGet } from './xrpc.js'

const tracer = trace.getTracer('@plyr/core')

/** What the index shows for an actor besides their DID. */
export type ActorIdentity = {
  handle: string | null
  displayName: string | null
  /** The PDS origin the actor's DID document names; absent when unknown. */
  pds?: string
}

export type IdentityConfig = {
  plcUrl: string
  /** Resolve handles with com.atproto.identity.resolveHandle here instead of DNS/HTTPS. */
  handleResolverUrl?: string
  /** Let identity lookups reach private addresses (a local dev network). */
  allowPrivateNetwork: boolean
  timeoutMs: number
}

export type Identity = {
  resolver: IdResolver
  fetch: typeof globalThis.fetch
  /** The DID a handle points at (DNS / HTTPS, or HANDLE_RESOLVER_URL), if any. */
  resolveHandle(handle: string): Promise<string | undefined>
}

/**
 * The resolver and the fetch for every identity-related call. The fetch refuses loopback
 * and private addresses (URLs in DID documents are untrusted) unless the config allows
 * them for a local network. Without `didCache` every lookup fetches the document.
 */
export function createIdentity(cfg: IdentityConfig, didCache?: DidCache): Identity {
  const fetch = cfg.allowPrivateNetwork
    ? globalThis.fetch
    : (safeFetchWrap({ allowIpHost: false }) as typeof globalThis.fetch)
  const resolver = new IdResolver({ plcUrl: cfg.plcUrl, timeout: cfg.timeoutMs, fetch, didCache })
  const resolveHandle = async (handle: string): Promise<string | undefined> => {
    if (!cfg.handleResolverUrl) return resolver.handle.resolve(handle)
    const body = await getJson(
      xrpcGet(
        fetch,
        cfg.handleResolverUrl,
        'com.atproto.identity.resolveHandle',
        { handle },
        cfg.timeoutMs,
      ),
    )
    return typeof body?.did === 'string' ? body.did : undefined
  }
  return { resolver, fetch, resolveHandle }
}

/** Looks up what the index shows for an actor; rejects when it cannot be known yet. */
export type ActorLookup = (did: string) => Promise<ActorIdentity>

/**
 * What the index shows for an actor: the handle their DID document claims, if it
 * resolves back to them, the PDS it names (when it is a plain http(s) origin), and the
 * display name of their Bluesky profile. Rejects when the DID document itself cannot be
 * had (the directory down or slow, the DID unknown): the caller retries later. A handle
 * that does not resolve back, or a profile that cannot be read, only leaves that field
 * empty.
 */
export function createActorLookup(
  cfg: IdentityConfig,
  { resolver, fetch, resolveHandle }: Identity,
  logger: Logger,
): ActorLookup {
  return async (did) =>
    tracer.startActiveSpan('identity.lookupActor', async (span) => {
      try {
        const data = await resolver.did.resolveAtprotoData(did)
        const identity: ActorIdentity = { handle: null, displayName: null }
        const back = await resolveHandle(data.handle).catch(() => undefined)
        identity.handle = back === did ? data.handle.toLowerCase() : null
        const pds = pdsEndpoint(data.pds)
        if (pds) {
          identity.pds = pds
          identity.displayName = await fetchDisplayName(fetch, pds, did, cfg.timeoutMs).catch(
            () => null,
          )
        } else {
          // a PDS plyr will not send clients to is not asked for the profile either
          logger.warn({ did, pds: data.pds }, 'ignoring a PDS endpoint that is not an origin')
        }
        return identity
      } finally {
        span.end()
      }
    })
}

/**
 * A PDS endpoint from a DID document (untrusted) as the origin the index stores, or
 * undefined unless it is an http(s) URL with a host and nothing else: no credentials,
 * path, query or fragment. Clients are sent to `<origin>/xrpc/...` under it.
 */
export function pdsEndpoint(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined
  const url = new URL(value)
  const plain =
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    !value.endsWith('?') &&
    !value.endsWith('#')
  return plain ? url.origin : undefined
}

async function fetchDisplayName(
  fetch: Identity['fetch'],
  pds: string,
  did: string,
  timeoutMs: number,
): Promise<string | null> {
  const body = await getJson(
    xrpcGet(
      fetch,
      pds,
      'com.atproto.repo.getRecord',
      { repo: did, collection: 'app.bsky.actor.profile', rkey: 'self' },
      timeoutMs,
    ),
  )
  const value = body?.value as { displayName?: unknown } | undefined
  const name = value?.displayName
  return typeof name === 'string' && name.length > 0 && name.length <= 640 ? name : null
}

async function getJson(response: Promise<Response>): Promise<Record<string, unknown> | undefined> {
  const res = await response
  if (!res.ok) return undefined
  const body: unknown = await res.json()
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined
}
