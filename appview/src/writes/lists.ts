import type { AtUriString } from '@atproto/lex'
import { InvalidRequestError } from '@atproto/xrpc-server'
import type { SignedInCredentials } from '../auth/viewer-auth.js'
import type { AppContext } from '../context.js'
import { type RecordJson, type WriteResult, writeRecord } from './pds-write.js'
import { now, ownRecord } from './stored.js'

type Item = { subject: { uri: string; cid: string } } & Record<string, unknown>

/**
 * Edits one of the account's lists: `change` takes the stored record and gives the new
 * one, whose items keep the order it gives them; written over the version the index holds.
 */
export async function editList(
  ctx: AppContext,
  account: SignedInCredentials,
  uri: string,
  change: (list: RecordJson) => RecordJson,
): Promise<{ uri: AtUriString; cid: string }> {
  const stored = await ownRecord(ctx, account, 'list', uri)
  const written: WriteResult = await writeRecord(ctx, account, {
    op: 'update',
    name: 'list',
    rkey: stored.rkey,
    record: { ...change(stored.json), updatedAt: now() },
    swapRecord: stored.cid,
  })
  return { uri: written.uri, cid: written.cid! }
}

function items(list: RecordJson): Item[] {
  return Array.isArray(list.items) ? (list.items as Item[]) : []
}

/** The list with `item` at `position` (at the end when omitted). */
export function insertItem(list: RecordJson, item: Item, position?: number): RecordJson {
  const next = [...items(list)]
  const at = position ?? next.length
  if (at > next.length) {
    throw new InvalidRequestError(`position ${at} is past the end (${next.length} items)`)
  }
  next.splice(at, 0, item)
  return { ...list, items: next }
}

/**
 * The list without its item at `position`, which must be `uri` (a client that saw an older
 * order removes nothing), and that item.
 */
export function takeItem(
  list: RecordJson,
  position: number,
  uri: string,
): { list: RecordJson; item: Item } {
  const next = [...items(list)]
  const item = next[position]
  if (item?.subject?.uri !== uri) {
    throw new InvalidRequestError(
      `the item at ${position} is not ${uri}: reload the list`,
      'RecordConflict',
    )
  }
  next.splice(position, 1)
  return { list: { ...list, items: next }, item }
}
