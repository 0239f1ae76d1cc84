import { InvalidRequestError } from '@atproto/xrpc-server'

/**
 * Keyset cursors: the sort key of the last item served and its uri as a tiebreak,
 * `<epoch ms>::<uri>`. A cursor that does not parse is the caller's error.
 */
export type TimeCursor = { at: Date; uri: string }

export function encodeTimeCursor(at: Date, uri: string): string {
  return `${at.getTime()}::${uri}`
}

export function decodeTimeCursor(cursor: string | undefined): TimeCursor | undefined {
  if (cursor === undefined) return undefined
  const sep = cursor.indexOf('::')
  const ms = Number(cursor.slice(0, sep))
  const uri = cursor.slice(sep + 2)
  if (sep <= 0 || !Number.isSafeInteger(ms) || !uri.startsWith('at://')) {
    throw new InvalidRequestError('malformed cursor', 'InvalidCursor')
  }
  return { at: new Date(ms), uri }
}
