import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { type Identity, pdsEndpoint } from '@plyr/core'

export type TrackAudio = {
  did: string
  audio_url: string | null
  audio_url_trusted: boolean
  audio_blob_cid: string | null
}

export type AudioLimits = { maxBytes: number; timeoutMs: number }

export class AudioFetchError extends Error {
  override name = 'AudioFetchError'
}

/** Whether plyr can read this track's audio: a trusted URL or a blob on the artist's PDS. */
export const hasReadableAudio = (t: TrackAudio) =>
  (t.audio_url !== null && t.audio_url_trusted) || t.audio_blob_cid !== null

/**
 * Where a track's audio is fetched from: its `audioUrl` only when its origin is trusted
 * (TRUSTED_MEDIA_ORIGINS), else its blob on the PDS the artist's DID document names,
 * resolved now. No other URL from a record is ever fetched.
 */
export async function audioLocation(track: TrackAudio, identity: Identity): Promise<URL> {
  if (track.audio_url !== null && track.audio_url_trusted) return new URL(track.audio_url)
  if (track.audio_blob_cid === null) throw new AudioFetchError('the track has no readable audio')
  const data = await identity.resolver.did.resolveAtprotoData(track.did)
  const pds = pdsEndpoint(data.pds)
  if (!pds) throw new AudioFetchError(`${track.did} names no usable PDS`)
  const url = new URL('/xrpc/com.atproto.sync.getBlob', pds)
  url.searchParams.set('did', track.did)
  url.searchParams.set('cid', track.audio_blob_cid)
  return url
}

/** Downloads `url` to `path`, refusing more than `maxBytes` and giving up after the timeout. */
export async function download(
  fetch: Identity['fetch'],
  url: URL,
  path: string,
  limits: AudioLimits,
): Promise<void> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(limits.timeoutMs) })
  if (!res.ok || !res.body) throw new AudioFetchError(`${url.origin} answered ${res.status}`)
  const declared = Number(res.headers.get('content-length') ?? 0)
  if (declared > limits.maxBytes)
    throw new AudioFetchError(`audio larger than ${limits.maxBytes} bytes`)
  let seen = 0
  const capped = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream).map(
    (chunk: Buffer) => {
      seen += chunk.length
      if (seen > limits.maxBytes)
        throw new AudioFetchError(`audio larger than ${limits.maxBytes} bytes`)
      return chunk
    },
  )
  await pipeline(capped, createWriteStream(path, { mode: 0o600 }))
}
