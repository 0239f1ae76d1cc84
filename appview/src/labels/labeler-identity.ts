import { getDidKeyFromMultibase, type IdResolver } from '@atproto/identity'
import { pdsEndpoint } from '@plyr/core'

/** What a labeler's DID document publishes: where to subscribe, and its signing key. */
export type LabelerIdentity = { endpoint: string; didKey: string }

const matches = (id: string, did: string, fragment: string) =>
  id === `#${fragment}` || id === `${did}#${fragment}`

/**
 * The `#atproto_labeler` service (type `AtprotoLabeler`, a plain http(s) origin) and the
 * `#atproto_label` key of a labeler's DID document; throws when either is missing.
 */
export async function resolveLabeler(
  resolver: IdResolver,
  did: string,
  forceRefresh = false,
): Promise<LabelerIdentity> {
  const doc = await resolver.did.resolve(did, forceRefresh)
  if (!doc) throw new Error(`${did}: no DID document`)
  const method = doc.verificationMethod?.find((m) => matches(m.id, did, 'atproto_label'))
  const didKey =
    method?.publicKeyMultibase !== undefined
      ? getDidKeyFromMultibase({ type: method.type, publicKeyMultibase: method.publicKeyMultibase })
      : undefined
  if (!didKey) throw new Error(`${did}: no #atproto_label key`)
  const service = doc.service?.find(
    (s) => matches(s.id, did, 'atproto_labeler') && s.type === 'AtprotoLabeler',
  )
  const endpoint =
    typeof service?.serviceEndpoint === 'string' ? pdsEndpoint(service.serviceEndpoint) : undefined
  if (!endpoint) throw new Error(`${did}: no #atproto_labeler endpoint`)
  return { endpoint, didKey }
}
