/** A closed range from byte 0 shorter than this is a probe, not playback. */
const PROBE_BYTES = 1024

/**
 * Whether a request for a track's audio starts playing it, from its method and `Range`
 * header: a GET of the whole file or of a range from byte 0. Not a HEAD; not a range that
 * starts further in (a seek, or a player fetching the rest); not the few bytes some
 * players ask for before they play (Safari: `bytes=0-1`, to learn that ranges work).
 * A malformed range counts for nothing.
 */
export function startsPlayback(method: string, range: string | undefined): boolean {
  if (method !== 'GET') return false
  if (range === undefined) return true
  // only the first range matters: where the player starts
  const first = /^bytes=\s*(\d+)-(\d*)\s*(?:,|$)/i.exec(range.trim())
  if (!first || Number(first[1]) !== 0) return false
  return first[2] === '' || Number(first[2]) + 1 >= PROBE_BYTES
}
