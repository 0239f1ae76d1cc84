import type { IncomingMessage } from 'node:http'
import {
  type DidDocument,
  getKey,
  type IdResolver,
  PoorlyFormattedDidDocumentError,
  PoorlyFormattedDidError,
  UnsupportedDidMethodError,
  UnsupportedDidWebPathError,
} from '@atproto/identity'
import { trace } from '@opentelemetry/api'
import { AuthRequiredError, UpstreamFailureError, verifyJwt, XRPCError } from '@atproto/xrpc-server'
import type { Logger } from 'pino'
import { SERVICE_ID } from '../service-identity.js'

const tracer = trace.getTracer('@plyr/appview')

/**
 * Inter-service auth the ATProto way: a PDS proxying a user's call (`atproto-proxy`) signs a
 * short JWT with the user's key; it must name this AppView as audience (its DID, or the DID
 * with `#plyr_appview`) and the called method as `lxm`, and be unexpired. The signature is
 * checked against the key in the caller's DID document (re-fetched once if it fails, for
 * rotated keys). Every failure is a 401 naming what was wrong, except a PLC directory that
 * cannot be reached: that is a 502, the caller's credentials are not at fault.
 */
export class ServiceAuth {
  private readonly audiences: Set<string>

  constructor(
    ownDid: string,
    private readonly idResolver: IdResolver,
    private readonly logger: Logger,
  ) {
    this.audiences = new Set([ownDid, `${ownDid}#${SERVICE_ID}`])
  }

  /**
   * The account a request's service JWT vouches for; null without an authorization header.
   * `lxm`: the method the JWT must name, or null for a plain HTTP route, which has none (any
   * JWT whose audience is this AppView then serves).
   */
  async viewer(req: IncomingMessage, lxm: string | null): Promise<string | null> {
    const header = req.headers.authorization
    if (header === undefined) return null
    const token = /^Bearer +(\S+)$/i.exec(header.trim())?.[1]
    if (token === undefined) {
      throw new AuthRequiredError('authorization must be a Bearer service JWT', 'BadJwt')
    }
    const payload = await verifyJwt(
      token,
      null, // checked below: two forms of our DID are accepted
      lxm,
      (iss, forceRefresh) => this.signingKey(iss, forceRefresh),
    ).catch((err: unknown) => {
      // verifyJwt lets JSON.parse errors from a mangled token escape untyped
      if (err instanceof XRPCError) throw err
      throw new AuthRequiredError('poorly formatted jwt', 'BadJwt')
    })
    if (!this.audiences.has(payload.aud)) {
      throw new AuthRequiredError('jwt audience does not match service did', 'BadJwtAudience')
    }
    return payload.iss
  }

  private async signingKey(iss: string, forceRefresh: boolean): Promise<string> {
    // a viewer is an account; a service (`did#service_id`) does not view on its own behalf
    if (iss.includes('#')) throw new AuthRequiredError('the issuer must be an account', 'BadJwtIss')
    const doc = await this.resolveIssuer(iss, forceRefresh)
    let key: string | undefined
    try {
      key = getKey(doc)
    } catch {
      // an unparseable key is as good as none
    }
    if (!key) {
      throw new AuthRequiredError(
        "the issuer's DID document has no atproto signing key",
        'BadJwtIss',
      )
    }
    return key
  }

  private resolveIssuer(iss: string, forceRefresh: boolean): Promise<DidDocument> {
    return tracer.startActiveSpan('identity.resolveDid', async (span) => {
      span.setAttribute('did', iss)
      try {
        // did:plc and did:web only: a did:key would vouch for itself
        const doc = await this.idResolver.did.resolve(iss, forceRefresh)
        if (doc) return doc
        throw new AuthRequiredError(`the issuer's DID does not resolve: ${iss}`, 'BadJwtIss')
      } catch (err) {
        if (err instanceof XRPCError) throw err
        if (!directoryUnreachable(iss, err)) {
          throw new AuthRequiredError(
            `the issuer's DID does not resolve: ${String(err)}`,
            'BadJwtIss',
          )
        }
        this.logger.warn({ did: iss, err: String(err) }, 'could not resolve a service JWT issuer')
        throw new UpstreamFailureError("could not resolve the issuer's DID document")
      } finally {
        span.end()
      }
    })
  }
}

/**
 * Whether resolving failed on our side (the PLC directory down or erring) rather than on
 * the issuer's: a malformed or unsupported DID or document, a DID the directory refuses
 * (gone, 4xx), or a did:web whose owner does not serve it.
 */
function directoryUnreachable(iss: string, err: unknown): boolean {
  if (iss.startsWith('did:web:')) return false
  if (
    err instanceof PoorlyFormattedDidError ||
    err instanceof UnsupportedDidMethodError ||
    err instanceof UnsupportedDidWebPathError ||
    err instanceof PoorlyFormattedDidDocumentError
  ) {
    return false
  }
  const status = (err as { status?: unknown }).status
  return !(typeof status === 'number' && status < 500)
}
