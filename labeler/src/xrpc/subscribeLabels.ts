import { schemas } from '@atproto/api'
import { InvalidRequestError, MessageFrame, type Server } from '@atproto/xrpc-server'
import type { LabelFeed } from '../feed.js'
import { labelOf, type LabelRow, type LabelStore } from '../store.js'

const PAGE = 500
const NSID = 'com.atproto.label.subscribeLabels'

/** A frame encoded once, however many subscribers it goes to. */
class EncodedFrame extends MessageFrame {
  private bytes?: Uint8Array
  override toBytes(): Uint8Array {
    return (this.bytes ??= super.toBytes())
  }
}

/** The feed's recent rows are shared by every live subscriber: so are their frames. */
const frames = new WeakMap<LabelRow, EncodedFrame>()
function frameOf(row: LabelRow): EncodedFrame {
  let frame = frames.get(row)
  if (!frame) {
    frame = new EncodedFrame({ seq: Number(row.seq), labels: [labelOf(row)] }, { type: '#labels' })
    frames.set(row, frame)
  }
  return frame
}

/**
 * com.atproto.label.subscribeLabels. No cursor: live from the current head. A cursor:
 * everything numbered after it, read a page at a time from the database (nothing piled up
 * in memory), then live; the switch is seamless because the subscriber only ever asks
 * for "after the last seq it sent", from the database or the feed's recent labels, and
 * seq grows in commit order (see LabelStore). Ahead of the head: FutureCursor. Older
 * than what compaction kept: `#info OutdatedCursor`, then the labels in force from there.
 *
 * Served from the lexicon document (`streamMethod`), not the generated schema: the schema
 * route validates and encodes every frame once per subscriber, which made delivery to a
 * thousand subscribers miss its 100 ms goal; here a label's frame is encoded once.
 */
export default function (server: Server, store: LabelStore, feed: LabelFeed) {
  server.addLexicon(schemas.find((doc) => doc.id === NSID)!)
  server.streamMethod(NSID, async function* ({ params, signal }) {
    const cursor = params.cursor as number | undefined
    let pos: number
    let compacted = 0
    if (cursor === undefined) {
      pos = feed.seq
    } else {
      pos = cursor
      if (pos > feed.seq) await feed.refresh()
      if (pos > feed.seq) {
        throw new InvalidRequestError('cursor is ahead of the stream', 'FutureCursor')
      }
      compacted = await store.compactedThrough()
      if (pos < compacted) {
        yield new MessageFrame(
          {
            name: 'OutdatedCursor',
            message: 'labels after this cursor were compacted; sending the labels in force',
          },
          { type: '#info' },
        )
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
        yield frameOf(row)
      }
    }
  })
}
