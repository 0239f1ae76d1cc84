import type { IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'
import { fingerprintBytes } from './fpcalc.js'

/** One work of the reference catalogue: fpcalc's `-raw -json` answer plus what it is. */
export type ReferenceWork = {
  title: string
  artist: string
  isrc?: string
  duration: number
  fingerprint: number[]
}

export class CatalogueError extends Error {
  override name = 'CatalogueError'
}

const ISRC = /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/

/**
 * Parses a catalogue file: JSON Lines (or one JSON array) of works, each
 * `{title, artist, isrc?, duration, fingerprint}` with the raw fingerprint as `fpcalc
 * -raw -json` prints it. The first bad entry fails the whole file, naming its line.
 */
export function parseCatalogue(text: string): ReferenceWork[] {
  const trimmed = text.trim()
  const entries: [number, unknown][] = trimmed.startsWith('[')
    ? (JSON.parse(trimmed) as unknown[]).map((e, i) => [i + 1, e])
    : trimmed
        .split('\n')
        .map((line, i) => [i + 1, line.trim()] as const)
        .filter(([, line]) => line !== '')
        .map(([n, line]) => {
          try {
            return [n, JSON.parse(line) as unknown]
          } catch {
            throw new CatalogueError(`entry ${n}: not JSON`)
          }
        })
  return entries.map(([n, e]) => {
    const w = e as Partial<ReferenceWork>
    const fail = (why: string) => new CatalogueError(`entry ${n}: ${why}`)
    if (typeof w.title !== 'string' || !w.title.trim()) throw fail('title missing')
    if (typeof w.artist !== 'string' || !w.artist.trim()) throw fail('artist missing')
    if (w.isrc !== undefined && (typeof w.isrc !== 'string' || !ISRC.test(w.isrc))) {
      throw fail(`malformed ISRC ${JSON.stringify(w.isrc)}`)
    }
    if (typeof w.duration !== 'number' || !(w.duration > 0)) throw fail('duration missing')
    const fp = w.fingerprint
    if (
      !Array.isArray(fp) ||
      fp.length === 0 ||
      !fp.every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 32)
    ) {
      throw fail('fingerprint must be fpcalc -raw integers')
    }
    return { title: w.title, artist: w.artist, isrc: w.isrc, duration: w.duration, fingerprint: fp }
  })
}

/** Stores works (replacing one with the same ISRC, or title and artist); all or nothing. */
export async function importCatalogue(
  db: Kysely<IndexSchema>,
  works: ReferenceWork[],
): Promise<number> {
  await db.transaction().execute(async (tx) => {
    for (const w of works) {
      const values = {
        kind: 'reference' as const,
        subject: w.isrc ?? `${w.artist}\n${w.title}`,
        title: w.title,
        artist: w.artist,
        isrc: w.isrc ?? null,
        duration: w.duration,
        // -signed output is the same bits
        fingerprint: fingerprintBytes(Uint32Array.from(w.fingerprint, (v) => v >>> 0)),
      }
      await tx
        .insertInto('labeler_fingerprint')
        .values(values)
        .onConflict((oc) => oc.columns(['kind', 'subject']).doUpdateSet(values))
        .execute()
    }
  })
  return works.length
}
