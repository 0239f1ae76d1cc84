/** Seconds of audio per Chromaprint item (4096/3 samples at 11025 Hz). */
export const ITEM_SECONDS = 4096 / 3 / 11025

export type MatchThresholds = {
  /** A match has at most this bit error rate over the overlap (LABELER_MATCH_MAX_BER). */
  maxBitErrorRate: number
  /** ...over at least this many seconds of overlap (LABELER_MATCH_MIN_OVERLAP_SECONDS). */
  minOverlapSeconds: number
}

export type Match = {
  /** 1 - 2 × the bit error rate: 1 for identical audio, about 0 for unrelated audio. */
  score: number
  bitErrorRate: number
  /** Where the compared audio starts in the reference, in seconds (negative: before it). */
  offsetSeconds: number
  overlapSeconds: number
}

/** Keys shared by more positions than this (silence, a held tone) carry no evidence. */
const MAX_POSITIONS = 64
const CANDIDATE_OFFSETS = 4

const popcount = (x: number) => {
  x -= (x >>> 1) & 0x55555555
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/** The positions of each fingerprint value's top 20 bits, for offset voting. */
export type FingerprintIndex = Map<number, number[]>

export function indexFingerprint(fp: Uint32Array): FingerprintIndex {
  const index: FingerprintIndex = new Map()
  fp.forEach((v, i) => {
    const key = v >>> 12
    const list = index.get(key)
    if (list === undefined) index.set(key, [i])
    else if (list.length <= MAX_POSITIONS) list.push(i)
  })
  return index
}

/**
 * The best alignment of `query` against `reference` by bit error rate, if it is a match.
 * Candidate offsets come from votes of values whose top 20 bits agree (survives
 * re-encoding, trimming and excerpts); each candidate is scored over the whole overlap.
 */
export function compareFingerprints(
  query: Uint32Array,
  queryIndex: FingerprintIndex,
  reference: Uint32Array,
  thresholds: MatchThresholds,
): Match | undefined {
  const votes = new Map<number, number>()
  reference.forEach((v, r) => {
    const positions = queryIndex.get(v >>> 12)
    if (positions === undefined || positions.length > MAX_POSITIONS) return
    for (const q of positions) votes.set(r - q, (votes.get(r - q) ?? 0) + 1)
  })
  const offsets = [...votes.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, CANDIDATE_OFFSETS)
    .map(([offset]) => offset)
  const minItems = Math.ceil(thresholds.minOverlapSeconds / ITEM_SECONDS)
  let best: Match | undefined
  for (const offset of offsets) {
    const start = Math.max(0, -offset)
    const end = Math.min(query.length, reference.length - offset)
    const items = end - start
    if (items < minItems) continue
    let errors = 0
    for (let q = start; q < end; q++) errors += popcount((query[q]! ^ reference[q + offset]!) >>> 0)
    const ber = errors / (32 * items)
    if (ber > thresholds.maxBitErrorRate || (best && ber >= best.bitErrorRate)) continue
    best = {
      score: 1 - 2 * ber,
      bitErrorRate: ber,
      offsetSeconds: offset * ITEM_SECONDS,
      overlapSeconds: items * ITEM_SECONDS,
    }
  }
  return best
}
