import { InvalidRequestError } from '@atproto/xrpc-server'
import { sql } from 'kysely'

/**
 * Keyset cursors, the one way lists page: the sort key of the last item served (a number:
 * epoch ms for times) and its uri as a tiebreak, `<key>::<uri>`. A cursor that does not
 * parse is the caller's error.
 */
export type Keyset = { key: number; uri: string }

export function encodeKeyset(key: number | Date, uri: string): string {
  return `${key instanceof Date ? key.getTime() : key}::${uri}`
}

export function decodeKeyset(cursor: string | undefined): Keyset | undefined {
  if (cursor === undefined) return undefined
  const sep = cursor.indexOf('::')
  const key = Number(cursor.slice(0, sep))
  const uri = cursor.slice(sep + 2)
  if (sep <= 0 || !Number.isSafeInteger(key) || !uri.startsWith('at://')) {
    throw new InvalidRequestError('malformed cursor', 'InvalidCursor')
  }
  return { key, uri }
}

/** The cursor for the next page: present only when the page came back full. */
export function nextCursor<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => [number | Date, string],
) {
  const last = rows.length === limit ? rows.at(-1) : undefined
  return last ? { cursor: encodeKeyset(...keyOf(last)) } : {}
}

/**
 * The keyset condition for the page after `after`: `(sort, uri) < (key, uri)` when the list
 * runs newest first, `>` when it runs in ascending order. A row comparison the index serves.
 */
export function pastKeyset(
  sortColumn: string,
  uriColumn: string,
  after: Keyset,
  order: 'desc' | 'asc',
  keyAs: 'time' | 'number' = 'time',
) {
  const key = keyAs === 'time' ? new Date(after.key) : after.key
  const op = sql.raw(order === 'desc' ? '<' : '>')
  return sql<boolean>`(${sql.ref(sortColumn)}, ${sql.ref(uriColumn)}) ${op} (${key}, ${after.uri})`
}
