import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import type { IndexSchema } from '@plyr/db'
import { com } from '@plyr/lexicons'
import type { Kysely } from 'kysely'
import { labelOf } from '../store.js'

/** `%`, `_` and `\` stand for themselves in a LIKE prefix. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * com.atproto.label.queryLabels: the labels in force (a negation included, an expired
 * label not) whose uri matches a pattern, exactly or by prefix with a trailing `*`,
 * oldest first; the cursor is the last label's seq.
 */
export default function (server: Server, db: Kysely<IndexSchema>) {
  server.add(com.atproto.label.queryLabels.main, async ({ params }) => {
    const { uriPatterns, sources, limit = 50, cursor } = params
    if (uriPatterns.length === 0) throw new InvalidRequestError('uriPatterns is empty')
    for (const p of uriPatterns) {
      if (p.indexOf('*') !== -1 && p.indexOf('*') !== p.length - 1) {
        throw new InvalidRequestError(`a * may only end a uri pattern: ${p}`)
      }
    }
    if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) {
      throw new InvalidRequestError('malformed cursor', 'InvalidCursor')
    }
    const now = new Date().toISOString()
    let query = db
      .selectFrom('labeler_label')
      .selectAll()
      .where('superseded', '=', false)
      .where((eb) => eb.or([eb('exp', 'is', null), eb('exp', '>', now)]))
      .where((eb) =>
        eb.or(
          uriPatterns.map((p) =>
            p === '*'
              ? eb.lit(true)
              : p.endsWith('*')
                ? eb('uri', 'like', `${escapeLike(p.slice(0, -1))}%`)
                : eb('uri', '=', p),
          ),
        ),
      )
      .orderBy('seq')
      .limit(limit)
    if (sources && sources.length > 0) query = query.where('src', 'in', sources)
    if (cursor !== undefined) query = query.where('seq', '>', Number(cursor))
    const rows = await query.execute()
    return {
      encoding: 'application/json',
      body: {
        labels: rows.map(labelOf),
        cursor: rows.length === limit ? String(rows[rows.length - 1]!.seq) : undefined,
      },
    }
  })
}
