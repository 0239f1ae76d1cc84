import { isValidDid } from '@atproto/syntax'
import { commitProblem, type IndexEvent, recordFromJson } from '../events.js'

/** A Jetstream message read into an index event, with its time (microseconds). */
export type ParsedMessage = { event: IndexEvent; timeUs: number }

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

const STATUSES = new Set(['takendown', 'suspended', 'deleted', 'deactivated'])

/**
 * Checks the shape of one Jetstream message (it comes from the network) and turns it into
 * an index event. Returns a reason string for anything malformed.
 */
export function parseJetstreamMessage(text: string): ParsedMessage | string | undefined {
  let msg: unknown
  try {
    msg = JSON.parse(text)
  } catch {
    return 'not JSON'
  }
  if (!isObject(msg) || !isValidDid(msg.did)) return 'no valid did'
  if (typeof msg.time_us !== 'number' || !Number.isSafeInteger(msg.time_us)) return 'no time_us'
  const { did, time_us: timeUs } = msg
  if (msg.kind === 'commit') {
    const c = msg.commit
    if (!isObject(c) || !isString(c.collection) || !isString(c.rkey) || !isString(c.rev)) {
      return 'malformed commit'
    }
    const base = {
      kind: 'commit' as const,
      did,
      collection: c.collection,
      rkey: c.rkey,
      uri: `at://${did}/${c.collection}/${c.rkey}`,
      rev: c.rev,
      time: Math.floor(timeUs / 1000),
    }
    if (c.operation === 'delete')
      return commitProblem(base) ?? { event: { ...base, op: 'delete' }, timeUs }
    if (c.operation !== 'create' && c.operation !== 'update') return 'unknown operation'
    if (!isString(c.cid) || !isObject(c.record)) return 'commit without record'
    const problem = commitProblem({ ...base, cid: c.cid })
    if (problem) return problem
    const record = recordFromJson(c.record)
    if (!record) return 'record is not valid lexicon JSON'
    return { event: { ...base, op: c.operation, cid: c.cid, record, recordJson: c.record }, timeUs }
  }
  if (msg.kind === 'identity') return { event: { kind: 'identity', did }, timeUs }
  if (msg.kind === 'account') {
    const a = msg.account
    if (!isObject(a) || typeof a.active !== 'boolean') return 'malformed account'
    const status =
      isString(a.status) && STATUSES.has(a.status) ? (a.status as 'deleted') : undefined
    return { event: { kind: 'account', did, active: a.active, status }, timeUs }
  }
  return undefined // a kind we do not follow
}
