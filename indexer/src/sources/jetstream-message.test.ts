import { describe, expect, it } from 'vitest'
import { parseJetstreamMessage } from './jetstream-message.js'

const DID = 'did:plc:abcdefghijklmnopqrstuvwx'
const CID = 'bafyreicnos5k3ureyshmsiefqv7nufjcktawfenxcsaftfhu5jfokqk7um'
const REV = '3lbcdefghijk2'

function commit(fields: Record<string, unknown> = {}, did: unknown = DID) {
  return JSON.stringify({
    did,
    time_us: 1_700_000_000_000_000,
    kind: 'commit',
    commit: {
      rev: REV,
      operation: 'create',
      collection: 'fm.plyr.track',
      rkey: '3lbcdefghijk2',
      cid: CID,
      record: { $type: 'fm.plyr.track', title: 't' },
      ...fields,
    },
  })
}

describe('parseJetstreamMessage', () => {
  it('reads a well-formed commit into an event', () => {
    const parsed = parseJetstreamMessage(commit())
    expect(parsed).toMatchObject({
      event: { kind: 'commit', op: 'create', uri: `at://${DID}/fm.plyr.track/3lbcdefghijk2` },
      timeUs: 1_700_000_000_000_000,
    })
  })

  // Such a message used to reach the database, fail its batch there, and stall the stream
  // on that batch forever: it is dropped on its own, with the reason.
  it.each([
    ['a NUL in the record key', { rkey: 'a\u0000b' }, 'invalid record key'],
    ['a NUL in the collection', { collection: 'fm.plyr.tr\u0000ack' }, 'invalid collection'],
    ['a collection that is no NSID', { collection: 'track' }, 'invalid collection'],
    ['a rev that is no TID', { rev: 'zzzzzzzzzzzzzzzz' }, 'invalid rev'],
    ['a malformed CID', { cid: 'bafy\u0000' }, 'invalid cid'],
    ['a delete with a bad record key', { operation: 'delete', rkey: '..' }, 'invalid record key'],
  ])('drops a commit with %s', (_, fields, reason) => {
    expect(parseJetstreamMessage(commit(fields))).toBe(reason)
  })

  it('drops any message whose DID is malformed', () => {
    expect(parseJetstreamMessage(commit({}, 'did:plc:a\u0000b'))).toBe('no valid did')
    const account = JSON.stringify({
      did: 'did:\u0000',
      time_us: 1,
      kind: 'account',
      account: { active: false, status: 'deleted' },
    })
    expect(parseJetstreamMessage(account)).toBe('no valid did')
  })
})
