import { InvalidRequestError } from '@atproto/xrpc-server'
import { type RawBuilder, sql } from 'kysely'

/**
 * Keyset cursors, the one way lists page: the sort key of the last item served (a number:
 * epoch ms for times, or a count) and its unique tiebreak (a record's uri, or a name such
 * as a tag), `<key>::<id>`. A cursor that does not parse is the caller's error.
 */
export type Keyset = { key: number; id: string }

/** What a list breaks ties on: record uris (`at://…`), or non-empty names. */
type Tiebreak = 'uri' | 'name'

function encodeKeyset(key: number | Date, id: string): string {
  return `${key instanceof Date ? key.getTime() : key}::${id}`
}

export function decodeKeyset(
  cursor: string | undefined,
  tiebreak: Tiebreak = 'uri',
): Keyset | undefined {
  if (cursor === undefined) return undefined
  const sep = cursor.indexOf('::')
  const key = Number(cursor.slice(0, sep))
  const id = cursor.slice(sep + 2)
  const idOk = tiebreak === 'uri' ? id.startsWith('at://') : id.length > 0
  if (sep <= 0 || !Number.isSafeInteger(key) || !idOk) {
    throw new InvalidRequestError('malformed cursor', 'InvalidCursor')
  }
  return { key, id }
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
 * The keyset condition for the page after `after`: `(sort, id) < (key, id)` when the list
 * runs in descending order, `>` when it runs in ascending order. A row comparison the index
 * serves. Columns are named; an aggregate (a `having` condition) is passed as an expression.
 */
export function pastKeyset(
  sort: string | RawBuilder<unknown>,
  id: string | RawBuilder<unknown>,
  after: Keyset,
  order: 'desc' | 'asc',
  keyAs: 'time' | 'number' = 'time',
) {
  const key = keyAs === 'time' ? new Date(after.key) : after.key
  const op = sql.raw(order === 'desc' ? '<' : '>')
  const ref = (e: string | RawBuilder<unknown>) => (typeof e === 'string' ? sql.ref(e) : e)
  return sql<boolean>`(${ref(sort)}, ${ref(id)}) ${op} (${key}, ${after.id})`
}
