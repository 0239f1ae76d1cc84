import { AtUri } from '@atproto/syntax'
import { ForbiddenError, InvalidRequestError } from '@atproto/xrpc-server'
import type { RecordName } from '@plyr/lexicons'
import { sql } from 'kysely'
import type { SignedInCredentials } from '../auth/viewer-auth.js'
import type { AppContext } from '../context.js'
import type { RecordJson } from './pds-write.js'

/** A record of the signed-in account as the index holds it: the version an edit replaces. */
export type StoredRecord = { rkey: string; cid: string; json: RecordJson }

/**
 * The account's own record at `uri`, of kind `name`, from the index: an edit starts from
 * what the account was shown and names that version as the one it replaces, so an edit
 * made elsewhere in between is a conflict, not lost. `NotFound` when the index has no such
 * record, `Forbidden` when it is someone else's.
 */
export async function ownRecord(
  ctx: AppContext,
  account: SignedInCredentials,
  name: RecordName,
  uri: string,
): Promise<StoredRecord> {
  const parsed = new AtUri(uri)
  if (parsed.collection !== ctx.cfg.namespace.collection(name)) {
    throw new InvalidRequestError(`not a ${name} record: ${uri}`)
  }
  if (parsed.host !== account.did) {
    throw new ForbiddenError(`only its author may change ${uri}`, 'Forbidden')
  }
  const row = await ctx.db
    .selectFrom('record')
    .select(['rkey', 'cid', sql<string>`json::text`.as('json')])
    .where('uri', '=', uri)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
  if (!row?.cid) throw new InvalidRequestError(`no such record: ${uri}`, 'NotFound')
  return { rkey: row.rkey, cid: row.cid, json: JSON.parse(row.json) as RecordJson }
}

/** The account's record at a fixed key (its profile, `self`), if the index has one. */
export async function ownRecordAt(
  ctx: AppContext,
  account: SignedInCredentials,
  name: RecordName,
  rkey: string,
): Promise<StoredRecord | undefined> {
  const uri = `at://${account.did}/${ctx.cfg.namespace.collection(name)}/${rkey}`
  return ownRecord(ctx, account, name, uri).catch((err: unknown) => {
    if (err instanceof InvalidRequestError && err.customErrorName === 'NotFound') return undefined
    throw err
  })
}

/** A strong reference (uri and the CID the index holds) to a track, or `TrackNotFound`. */
export async function trackRef(
  ctx: AppContext,
  uri: string,
): Promise<{ uri: string; cid: string }> {
  const row = await ctx.db
    .selectFrom('track')
    .select('cid')
    .where('uri', '=', uri)
    .executeTakeFirst()
  if (!row) throw new InvalidRequestError(`track not found: ${uri}`, 'TrackNotFound')
  return { uri, cid: row.cid }
}

/** Strong references to tracks, in the given order, or `TrackNotFound` naming a missing one. */
export async function trackRefs(
  ctx: AppContext,
  uris: string[],
): Promise<{ uri: string; cid: string }[]> {
  if (uris.length === 0) return []
  const rows = await ctx.db
    .selectFrom('track')
    .select(['uri', 'cid'])
    .where('uri', 'in', [...new Set(uris)])
    .execute()
  const cids = new Map(rows.map((r) => [r.uri, r.cid]))
  return uris.map((uri) => {
    const cid = cids.get(uri)
    if (!cid) throw new InvalidRequestError(`track not found: ${uri}`, 'TrackNotFound')
    return { uri, cid }
  })
}

export const now = () => new Date().toISOString()
