import type { IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'

/** A raw Chromaprint fingerprint (as `fpcalc -raw` prints it) and the audio's duration. */
export type MediaFingerprint = { duration: number; fingerprint: Uint32Array }

export class ChromaprintFormatError extends Error {
  override name = 'ChromaprintFormatError'
}

/**
 * The current media version's fingerprint of a track uploaded through plyr, raw: what the
 * labeler compares, read from `media_version` (owned by the AppView's media, which stores
 * the fingerprint ffmpeg's `chromaprint` muxer gave for the first two minutes). The
 * current version is the highest, the one `/audio` serves for the track's URI, so it is
 * the audio of the record the index holds. Undefined when the track was not uploaded
 * through plyr, or its version has no fingerprint (silence, or stored before there were).
 *
 * Here rather than in the AppView so that the labeler, which the AppView imports, can
 * reach it alone (`npm run start:labeler`) without importing the AppView.
 */
export function mediaFingerprints(db: Kysely<IndexSchema>) {
  return async (uri: string): Promise<MediaFingerprint | undefined> => {
    const row = await db
      .selectFrom('media_version')
      .select(['duration', 'fingerprint'])
      .where('track_uri', '=', uri)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst()
    if (!row?.fingerprint) return undefined
    return { duration: row.duration, fingerprint: decodeChromaprint(row.fingerprint) }
  }
}

/**
 * Chromaprint's compressed fingerprint (URL-safe base64 without padding, as `fpcalc`
 * prints by default and ffmpeg's muxer gives with `-fp_format base64`) decoded to the raw
 * 32-bit values, following Chromaprint's `FingerprintDecompressor`: a byte naming the
 * algorithm, the count of values (24 bits, big-endian), then for each value the XOR with
 * the previous one as the gaps between its set bits, packed 3 bits each (0 ends a value,
 * 7 means "add the next 5-bit exceptional value"), then those 5-bit values.
 */
export function decodeChromaprint(encoded: string): Uint32Array {
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) {
    throw new ChromaprintFormatError('a fingerprint is URL-safe base64')
  }
  const bytes = Buffer.from(encoded, 'base64url')
  if (bytes.length < 4) throw new ChromaprintFormatError('the fingerprint has no header')
  const count = (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!
  const normal = unpack(bytes, 4, 3, Math.floor(((bytes.length - 4) * 8) / 3))
  let ended = 0
  let exceptional = 0
  let used = 0
  while (ended < count && used < normal.length) {
    const bit = normal[used++]!
    if (bit === 0) ended++
    else if (bit === 7) exceptional++
  }
  if (ended !== count) throw new ChromaprintFormatError('the fingerprint is cut short')
  const extraAt = 4 + Math.ceil((used * 3) / 8)
  if (bytes.length < extraAt + Math.ceil((exceptional * 5) / 8)) {
    throw new ChromaprintFormatError('the fingerprint is cut short')
  }
  const extra = unpack(bytes, extraAt, 5, exceptional)
  const out = new Uint32Array(count)
  let i = 0
  let value = 0
  let last = 0
  for (let j = 0, k = 0; j < used; j++) {
    let bit = normal[j]!
    if (bit === 7) bit += extra[k++]!
    if (bit === 0) {
      out[i] = i > 0 ? (value ^ out[i - 1]!) >>> 0 : value >>> 0
      i++
      value = 0
      last = 0
      continue
    }
    last += bit
    if (last > 32) throw new ChromaprintFormatError('a fingerprint value has more than 32 bits')
    value |= 1 << (last - 1)
  }
  return out
}

/** `n` values of `width` bits, least significant bit first, from `bytes` at `offset`. */
function unpack(bytes: Uint8Array, offset: number, width: number, n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    let v = 0
    for (let b = 0; b < width; b++) {
      const pos = i * width + b
      const byte = bytes[offset + (pos >> 3)] ?? 0
      v |= ((byte >> (pos & 7)) & 1) << b
    }
    out[i] = v
  }
  return out
}
