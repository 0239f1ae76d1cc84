import { createIdentity, type IdentityConfig, pdsEndpoint } from '@plyr/core'

/** The label values plyr's labeler emits, and what they mean (its declaration record). */
export const LABEL_VALUES = ['copyright-violation', '!takedown']

export const LABEL_DEFINITIONS = [
  {
    identifier: 'copyright-violation',
    severity: 'alert',
    blurs: 'content',
    defaultSetting: 'hide',
    adultOnly: false,
    locales: [
      {
        lang: 'en',
        name: 'Copyright violation',
        description:
          'The audio matches a recording published earlier by another artist or a work in the reference catalogue.',
      },
    ],
  },
]

export type SetupInput = {
  did: string
  /** The labeler account's password (or app password) at its PDS. */
  password: string
  /** The key the labeler signs with (`did:key:…`), published as `#atproto_label`. */
  signingDidKey: string
  /** The labeler's public URL, published as the `#atproto_labeler` endpoint. */
  endpoint: string
  identity: IdentityConfig
  /** The PLC operation token the PDS e-mailed; without it, one is requested. */
  plcToken?: string
}

export type SetupResult =
  { state: 'done'; didDocumentUpdated: boolean } | { state: 'token-requested' }

type PlcData = {
  verificationMethods: Record<string, string>
  services: Record<string, { type: string; endpoint: string }>
}

class SetupError extends Error {
  override name = 'SetupError'
}

/**
 * `npm run labeler:setup`: publishes the labeler through its account's PDS. Its DID
 * document gains the `#atproto_label` key and the `#atproto_labeler` service (a PLC
 * operation the PDS signs, given the token it e-mails; the maps are sent merged with what
 * the document holds, since the PDS replaces them whole), and its repo the
 * `app.bsky.labeler.service` declaration with plyr's label values. Idempotent: a document
 * that already says this is left alone.
 */
export async function setupLabeler(input: SetupInput): Promise<SetupResult> {
  if (!input.did.startsWith('did:plc:')) {
    throw new SetupError(
      `${input.did} is not a did:plc: publish #atproto_label (${input.signingDidKey}) and #atproto_labeler (${input.endpoint}) in its DID document yourself`,
    )
  }
  const { resolver } = createIdentity(input.identity)
  const doc = await resolver.did.resolveAtprotoData(input.did, true)
  const pds = pdsEndpoint(doc.pds)
  if (!pds) throw new SetupError(`the DID document of ${input.did} names no usable PDS`)
  const session = await call<{ accessJwt: string }>(pds, 'com.atproto.server.createSession', {
    body: { identifier: input.did, password: input.password },
  })
  const auth = { authorization: `Bearer ${session.accessJwt}` }

  const data = await getPlcData(input.identity.plcUrl, input.did)
  const current = data.services.atproto_labeler
  const published =
    data.verificationMethods.atproto_label === input.signingDidKey &&
    current?.type === 'AtprotoLabeler' &&
    current.endpoint === input.endpoint
  if (!published) {
    if (!input.plcToken) {
      await call(pds, 'com.atproto.identity.requestPlcOperationSignature', { headers: auth })
      return { state: 'token-requested' }
    }
    const { operation } = await call<{ operation: unknown }>(
      pds,
      'com.atproto.identity.signPlcOperation',
      {
        headers: auth,
        body: {
          token: input.plcToken,
          verificationMethods: { ...data.verificationMethods, atproto_label: input.signingDidKey },
          services: {
            ...data.services,
            atproto_labeler: { type: 'AtprotoLabeler', endpoint: input.endpoint },
          },
        },
      },
    )
    await call(pds, 'com.atproto.identity.submitPlcOperation', {
      headers: auth,
      body: { operation },
    })
  }
  await call(pds, 'com.atproto.repo.putRecord', {
    headers: auth,
    body: {
      repo: input.did,
      collection: 'app.bsky.labeler.service',
      rkey: 'self',
      record: {
        $type: 'app.bsky.labeler.service',
        policies: { labelValues: LABEL_VALUES, labelValueDefinitions: LABEL_DEFINITIONS },
        createdAt: new Date().toISOString(),
      },
    },
  })
  return { state: 'done', didDocumentUpdated: !published }
}

async function getPlcData(plcUrl: string, did: string): Promise<PlcData> {
  const res = await fetch(new URL(`/${did}/data`, plcUrl), { signal: AbortSignal.timeout(10_000) })
  if (!res.ok) throw new SetupError(`the PLC directory answered ${res.status} for ${did}`)
  return (await res.json()) as PlcData
}

async function call<T = unknown>(
  service: string,
  nsid: string,
  opts: { headers?: Record<string, string>; body?: unknown },
): Promise<T> {
  const res = await fetch(new URL(`/xrpc/${nsid}`, service), {
    method: 'POST',
    headers: {
      ...opts.headers,
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    redirect: 'error',
    signal: AbortSignal.timeout(30_000),
  })
  const text = await res.text()
  if (!res.ok) throw new SetupError(`${nsid} failed at ${service}: ${res.status} ${text}`)
  return (text ? JSON.parse(text) : {}) as T
}
