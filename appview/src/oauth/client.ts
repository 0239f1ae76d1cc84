import { randomBytes } from 'node:crypto'
import { safeFetchWrap } from '@atproto-labs/fetch-node'
import { SimpleStoreMemory } from '@atproto-labs/simple-store-memory'
import {
  buildAtprotoLoopbackClientMetadata,
  type Keyset,
  NodeOAuthClient,
  type NodeOAuthClientOptions,
  OAuthResponseError,
  type OAuthClientMetadataInput,
  type OAuthSession,
  requestLocalLock,
} from '@atproto/oauth-client-node'
import { trace } from '@opentelemetry/api'
import type { IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { AppViewConfig } from '../config.js'
import type { ServiceIdentity } from '../service-identity.js'
import { DatabaseLock } from './lock.js'
import { defaultScope, MINIMAL_SCOPE } from './scopes.js'
import type { Sealer } from './seal.js'
import { grantStore, stateStore } from './stores.js'

const tracer = trace.getTracer('@plyr/appview')

/** Where the authorization server sends the browser back. */
export const CALLBACK_PATH = '/oauth/callback'
export const CLIENT_METADATA_PATH = '/oauth-client-metadata.json'
export const JWKS_PATH = '/.well-known/jwks.json'

export type OAuthOptions = {
  cfg: AppViewConfig
  service: ServiceIdentity
  db: Kysely<IndexSchema>
  sealer: Sealer
  /** The confidential client's keys; without them (an http PUBLIC_URL) a loopback client. */
  keyset?: Keyset
  /** Why sign-in is off, when it is (no session secret, no keys under https). */
  unavailable?: string
  logger: Logger
}

/** Sign-in is off (see docs/configuration.md): the routes answer 503 with the reason. */
export class SignInUnavailableError extends Error {}

type Clients = {
  /** Starts sign-ins: no grant exists yet, so it never reads or writes one. */
  authorizer: NodeOAuthClient
  /** What every grant's client shares: metadata, keys, identity resolver, caches. */
  base: Omit<NodeOAuthClientOptions, 'sessionStore' | 'requestLock'>
}

/**
 * plyr as an OAuth client of its users' PDSes (`@atproto/oauth-client-node`):
 *
 * - under an https PUBLIC_URL, a confidential client (`private_key_jwt`) whose metadata is
 *   served at /oauth-client-metadata.json and keys at /.well-known/jwks.json;
 * - under http (local use), a loopback client, whose redirect URI must be on 127.0.0.1.
 *
 * The library keys sessions by account DID, but a plyr account can hold several grants at
 * once (one per browser, one per developer token, each with its own DPoP key and refresh
 * token), so each grant is used through a client of its own: its session store is the
 * grant's row and its lock the grant's lease (a refresh token works once, and any number
 * of AppView processes may refresh the same grant at the same moment). The clients share
 * the identity resolver and the metadata and nonce caches.
 */
export class OAuth {
  readonly metadata: OAuthClientMetadataInput
  readonly redirectUri: string
  /** The scopes sign-in asks for (OAUTH_SCOPE, else derived from the namespace). */
  readonly scope: string
  private readonly clients?: Clients
  private readonly lock: DatabaseLock

  constructor(private readonly opts: OAuthOptions) {
    const { cfg, service, db, keyset } = opts
    this.scope = cfg.oauthScope ?? defaultScope(cfg.namespace)
    const url = new URL(service.url)
    if (url.protocol === 'https:') {
      this.redirectUri = `${service.url}${CALLBACK_PATH}`
      this.metadata = {
        client_id: `${service.url}${CLIENT_METADATA_PATH}`,
        client_name: 'plyr',
        client_uri: service.url,
        redirect_uris: [this.redirectUri],
        scope: this.scope,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        application_type: 'web',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        dpop_bound_access_tokens: true,
        jwks_uri: `${service.url}${JWKS_PATH}`,
      }
    } else {
      // a loopback client's redirect must name an IP: localhost is refused
      url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname
      this.redirectUri = `${url.origin}${CALLBACK_PATH}`
      this.metadata = buildAtprotoLoopbackClientMetadata({
        scope: this.scope,
        redirect_uris: [this.redirectUri as `http://127.0.0.1${string}`],
      })
    }
    this.clients = opts.unavailable ? undefined : this.buildClients(keyset)
    this.lock = new DatabaseLock(db)
  }

  private buildClients(keyset: Keyset | undefined): Clients {
    const { cfg, db, sealer } = this.opts
    const fetch = tracedFetch(
      cfg.identity.allowPrivateNetwork
        ? globalThis.fetch
        : (safeFetchWrap({
            allowIpHost: false,
            allowImplicitRedirect: true,
            // uploads of audio go through this fetch
            timeout: 5 * 60_000,
          }) as typeof globalThis.fetch),
    )
    const common = {
      clientMetadata: this.metadata,
      keyset,
      stateStore: stateStore(db, sealer),
      // the authorization servers and PDSes of a local dev network are plain http
      allowHttp: cfg.identity.allowPrivateNetwork,
      fetch,
    }
    const authorizer = new NodeOAuthClient({
      ...common,
      handleResolver: cfg.identity.handleResolverUrl,
      plcDirectoryUrl: cfg.identity.plcUrl,
      sessionStore: { get: async () => undefined, set: async () => {}, del: async () => {} },
      requestLock: requestLocalLock,
    })
    const base: Clients['base'] = {
      ...common,
      identityResolver: authorizer.identityResolver,
      authorizationServerMetadataCache: new SimpleStoreMemory(CACHE),
      protectedResourceMetadataCache: new SimpleStoreMemory(CACHE),
      dpopNonceCache: new SimpleStoreMemory(CACHE),
    }
    return { authorizer, base }
  }

  /** Why sign-in is off, or undefined when it is on. */
  get unavailable(): string | undefined {
    return this.opts.unavailable
  }

  private ready(): Clients {
    if (!this.clients) throw new SignInUnavailableError(this.opts.unavailable)
    return this.clients
  }

  /** The handle an account's DID document claims, if it resolves back to the account. */
  async handleOf(did: string): Promise<string | null> {
    try {
      const { handle } = await this.ready().authorizer.identityResolver.resolve(did)
      return handle === 'handle.invalid' ? null : handle
    } catch {
      return null
    }
  }

  /** The public keys of the confidential client, for /.well-known/jwks.json. */
  get jwks() {
    return this.opts.keyset?.publicJwks ?? { keys: [] }
  }

  /** The OAuth client acting for one grant. */
  private client(grantId: string): NodeOAuthClient {
    return new NodeOAuthClient({
      ...this.ready().base,
      sessionStore: grantStore(this.opts.db, this.opts.sealer, grantId, this.opts.logger),
      // the library names its lock after the account; the grant is what must not be
      // refreshed twice at once
      requestLock: (_name, work) => this.lock.run(`grant:${grantId}`, async () => work()),
    })
  }

  /**
   * The URL of `identifier`'s authorization server to send the browser to. Where the
   * server refuses a scope (`invalid_scope`), asks again for the minimal one: sign-in
   * works, and what the grant lacks is reported when it is used (ScopeMissing).
   */
  async authorize(identifier: string, appState: string): Promise<URL> {
    const client = this.ready().authorizer
    try {
      return await client.authorize(identifier, { scope: this.scope, state: appState })
    } catch (err) {
      if (!(err instanceof OAuthResponseError) || err.error !== 'invalid_scope') throw err
      this.opts.logger.warn(
        { scope: this.scope, reason: err.errorDescription },
        'the authorization server refused the scopes; signing in with the minimal one',
      )
      return client.authorize(identifier, { scope: MINIMAL_SCOPE, state: appState })
    }
  }

  /** Completes a sign-in into a new grant. */
  async callback(
    params: URLSearchParams,
  ): Promise<{ grantId: string; session: OAuthSession; appState: string | null }> {
    const grantId = randomBytes(16).toString('base64url')
    const { session, state } = await this.client(grantId).callback(params)
    return { grantId, session, appState: state }
  }

  /** The grant's session, its tokens refreshed first when they are (about to be) stale. */
  restore(grantId: string, did: string, refresh: boolean | 'auto' = 'auto'): Promise<OAuthSession> {
    return this.client(grantId).restore(did, refresh)
  }

  /** Revokes the grant at its authorization server and deletes it, whatever the server says. */
  async revoke(grantId: string, did: string): Promise<void> {
    try {
      await this.client(grantId).revoke(did)
    } catch (err) {
      this.opts.logger.warn({ grant: grantId, err: String(err) }, 'could not revoke a grant')
      await this.forget(grantId)
    }
  }

  /** Deletes a grant the authorization server no longer honours (and what used it). */
  async forget(grantId: string): Promise<void> {
    await this.opts.db.deleteFrom('oauth_grant').where('id', '=', grantId).execute()
  }
}

/** The caches the grants' clients share: servers' metadata and DPoP nonces, for a minute. */
const CACHE = { ttl: 60_000, max: 1000 }

/** The OAuth client's fetch, each call in a span (PDS, authorization server, identity). */
function tracedFetch(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) =>
    tracer.startActiveSpan('oauth.fetch', async (span) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      span.setAttribute('http.url', `${url.origin}${url.pathname}`)
      try {
        const res = await fetch(input, init)
        span.setAttribute('http.status_code', res.status)
        return res
      } catch (err) {
        span.recordException(err as Error)
        throw err
      } finally {
        span.end()
      }
    })
}
