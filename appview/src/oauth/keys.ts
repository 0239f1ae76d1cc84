import { JoseKey, Keyset } from '@atproto/oauth-client-node'
import { ConfigError } from '@plyr/core'

/** A private JWK as OAUTH_PRIVATE_KEYS holds it: an ES256 key with a `kid`. */
export type PrivateJwk = Record<string, unknown> & { kid: string; d: string }

/**
 * OAUTH_PRIVATE_KEYS: a JSON array of private JWKs, each with its own `kid`. The
 * confidential client signs its token requests with them (private_key_jwt) and publishes
 * their public halves at /.well-known/jwks.json. To rotate, add the new key and keep the
 * old one until the sessions made with it are gone: a session keeps using the key it was
 * made with, and one whose key was removed must sign in again.
 */
export function parsePrivateKeys(name: string, value: string): PrivateJwk[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    throw new ConfigError(`${name} must be a JSON array of private JWKs`)
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new ConfigError(`${name} must be a non-empty JSON array of private JWKs`)
  }
  const kids = new Set<string>()
  for (const jwk of parsed as unknown[]) {
    const key = jwk as Partial<PrivateJwk> | null
    if (!key || typeof key !== 'object' || typeof key.kid !== 'string' || !key.kid) {
      throw new ConfigError(`${name}: every key needs a "kid"`)
    }
    if (typeof key.d !== 'string') throw new ConfigError(`${name}: key ${key.kid} is not private`)
    if (kids.has(key.kid)) throw new ConfigError(`${name}: kid ${key.kid} appears twice`)
    kids.add(key.kid)
  }
  return parsed as PrivateJwk[]
}

export async function loadKeyset(jwks: PrivateJwk[]): Promise<Keyset> {
  return new Keyset(await Promise.all(jwks.map((jwk) => JoseKey.fromJWK(jwk, jwk.kid))))
}

/** A new ES256 private key for OAUTH_PRIVATE_KEYS (npm run oauth:keygen). */
export async function generatePrivateKey(kid: string): Promise<PrivateJwk> {
  const key = await JoseKey.generate(['ES256'], kid)
  return key.privateJwk as PrivateJwk
}
