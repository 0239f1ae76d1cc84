import type { IdResolver } from '@atproto/identity'
import {
  AuthRequiredError,
  type MethodAuthContext,
  parseReqNsid,
  verifyJwt,
} from '@atproto/xrpc-server'

/** Who is asking: a user's DID when a PDS vouched for them, or nobody. */
export type ViewerAuth = { credentials: { viewer: string | null } }

/**
 * Inter-service auth the ATProto way: a PDS proxying a user's call (`atproto-proxy`) signs a
 * short JWT with the user's key; it must name this AppView as audience and the called
 * method as `lxm`, and be unexpired. The signature is checked against the key in the
 * caller's DID document (re-fetched once if it fails, for rotated keys).
 */
export class ServiceAuth {
  constructor(
    private readonly ownDid: string,
    private readonly idResolver: IdResolver,
  ) {}

  /** The caller as viewer when the request carries a valid service JWT; anonymous without one. */
  optional = async ({ req }: MethodAuthContext): Promise<ViewerAuth> => {
    const header = req.headers.authorization
    if (header === undefined) return { credentials: { viewer: null } }
    if (!header.startsWith('Bearer ')) {
      throw new AuthRequiredError('authorization must be a Bearer service JWT', 'BadJwt')
    }
    const payload = await verifyJwt(
      header.slice('Bearer '.length).trim(),
      this.ownDid,
      parseReqNsid(req),
      (iss, forceRefresh) => this.signingKey(iss, forceRefresh),
    )
    return { credentials: { viewer: payload.iss } }
  }

  private async signingKey(iss: string, forceRefresh: boolean): Promise<string> {
    // a viewer is an account; a service (`did#service_id`) does not view on its own behalf
    if (iss.includes('#')) throw new AuthRequiredError('the issuer must be an account', 'BadJwtIss')
    try {
      return await this.idResolver.did.resolveAtprotoKey(iss, forceRefresh)
    } catch (err) {
      throw new AuthRequiredError(
        `could not resolve the issuer's signing key: ${String(err)}`,
        'BadJwtIss',
      )
    }
  }
}
