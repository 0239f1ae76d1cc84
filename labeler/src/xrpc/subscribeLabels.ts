import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { com } from '@plyr/lexicons'
import type { LabelFeed } from '../feed.js'
import { labelOf, type LabelStore } from '../store.js'

const PAGE = 500
const NSID = 'com.atproto.label.subscribeLabels'

/**
 * com.atproto.label.subscribeLabels. No cursor: live from the current head. A cursor:
 * everything numbered after it, read a page at a time from the database (nothing piled up
 * in memory), then live; the switch is seamless because the subscriber only ever asks
 * for "after the last seq it sent", from the database or the feed's recent labels, and
 * seq grows in commit order (see LabelStore). Ahead of the head: FutureCursor. Older
 * than what compaction kept: `#info OutdatedCursor`, then the labels in force from there.
 */
export default function (server: Server, store: LabelStore, feed: LabelFeed) {
  server.add(com.atproto.label.subscribeLabels.main, async function* ({ params, signal }) {
    let pos: number
    let compacted = 0
    if (params.cursor === undefined) {
      pos = feed.seq
    } else {
      pos = params.cursor
      if (pos > feed.seq) await feed.refresh()
      if (pos > feed.seq)
        throw new InvalidRequestError('cursor is ahead of the stream', 'FutureCursor')
      compacted = await store.compactedThrough()
      if (pos < compacted) {
        yield {
          $type: `${NSID}#info` as const,
          name: 'OutdatedCursor',
          message: 'labels after this cursor were compacted; sending the labels in force',
        }
      }
    }
    while (!signal.aborted && !feed.closed) {
      // what compaction removed may still be in the feed's memory: read past it from the db
      const recent = pos >= compacted ? feed.recentAfter(pos, PAGE) : undefined
      const rows = recent ?? (await store.after(pos, PAGE))
      if (rows.length === 0) {
        await feed.waitAfter(pos, signal)
        continue
      }
      for (const row of rows) {
        if (signal.aborted) return
        pos = Number(row.seq)
        yield { $type: `${NSID}#labels` as const, seq: pos, labels: [labelOf(row)] }
      }
    }
  })
}
