import { jsonToLex, type LexMap } from '@atproto/lex'
import type { CommitEvent } from '../src/events.js'

/** Builders for commit events as a source would emit them, for tests and the benchmark. */
const CIDS = [
  'bafyreicnos5k3ureyshmsiefqv7nufjcktawfenxcsaftfhu5jfokqk7um',
  'bafyreibwcvcbzxd3px3jjghg4sjmb2zrt4zrnkuy6tvmoavqu4kcoh232m',
  'bafyreig7hqeuf3bovkzjcwa3zqkffqyt53doyycb5xu7wh5jy3cqdr5xbm',
]
export const cid = (n: number) => CIDS[n % CIDS.length]!

/** A TID-shaped rev that sorts by n. */
export const rev = (n: number) => `3k${String(n).padStart(11, '0')}`

export function put(
  op: 'create' | 'update',
  did: string,
  collection: string,
  rkey: string,
  revision: number,
  record: Record<string, unknown>,
): CommitEvent {
  return {
    kind: 'commit',
    op,
    did,
    collection,
    rkey,
    uri: `at://${did}/${collection}/${rkey}`,
    rev: rev(revision),
    cid: cid(revision),
    // records arrive as JSON (Jetstream) and are read into the data model, as a source does
    record: jsonToLex({ $type: collection, ...record } as Parameters<
      typeof jsonToLex
    >[0]) as LexMap,
  }
}

export function del(did: string, collection: string, rkey: string, revision: number): CommitEvent {
  return {
    kind: 'commit',
    op: 'delete',
    did,
    collection,
    rkey,
    uri: `at://${did}/${collection}/${rkey}`,
    rev: rev(revision),
  }
}

export const trackRecord = (title: string, extra: Record<string, unknown> = {}) => ({
  title,
  artist: 'Aurora Vale',
  fileType: 'mp3',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...extra,
})

export const subjectRecord = (uri: string, extra: Record<string, unknown> = {}) => ({
  subject: { uri, cid: cid(0) },
  createdAt: '2026-01-02T00:00:00.000Z',
  ...extra,
})

export const commentRecord = (uri: string, text: string, timestampMs = 0) =>
  subjectRecord(uri, { text, timestampMs })
