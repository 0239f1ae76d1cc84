import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKind } from '@plyr/db/testing'
import type { IndexEvent } from '@plyr/indexer'
import { put, trackRecord } from '@plyr/indexer/testing'
import { fm } from '@plyr/lexicons'
import { type IndexedAppView, startIndexedAppView } from './indexed-appview.js'

const labeler = 'did:plc:labeler0000000000000000'
/** Accounts by handle: display name and tracks (title and tags). */
const accounts: Record<string, { name: string; tracks: [string, string[]][] }> = {
  'harbor.test': {
    name: 'Harbor',
    tracks: [
      ['Harbor', ['harbor']],
      ['Harbor Lights', ['harborcore']],
      ['Harbor Banned', ['harbor-banned']],
    ],
  },
  'harborside.test': { name: 'Harborside Trio', tracks: [['Old Harbor', ['HarborCore']]] },
  'oldharbor.test': { name: 'The Old Harbor', tracks: [['Harbr Nights', ['dark-harbor']]] },
  'harbr.test': { name: 'Harbr', tracks: [['Unrelated Song', ['harbr']]] },
  // taken down by its PDS, and by a label on the account
  'harborghost.test': { name: 'Harbor Ghost', tracks: [['Harbor Secret', ['harbor-secret']]] },
  'harbormaster.test': { name: 'Harbor Master', tracks: [['Harbor Master', ['harbor']]] },
  // a listener: no tracks, so not an artist
  'harborfan.test': { name: 'Harbor Fan', tracks: [] },
}
const didOf = (handle: string) => `did:plc:${handle.replace(/\W/g, '').padEnd(24, '0')}`
const byDid = Object.fromEntries(
  Object.entries(accounts).map(([handle, a]) => [didOf(handle), { handle, ...a }]),
)

function events(): IndexEvent[] {
  const out: IndexEvent[] = []
  for (const [handle, { tracks }] of Object.entries(accounts)) {
    tracks.forEach(([title, tags], n) =>
      out.push(
        put('create', didOf(handle), 'fm.plyr.track', `t${n}`, n + 1, trackRecord(title, { tags })),
      ),
    )
  }
  const list = (handle: string, rkey: string, name: string, listType: string) =>
    put('create', didOf(handle), 'fm.plyr.list', rkey, 50, {
      name,
      listType,
      items: [],
      createdAt: '2026-01-01T00:00:00.000Z',
    })
  out.push(
    list('harbor.test', 'a1', 'Harbor Tales', 'album'),
    list('harborside.test', 'a2', 'Harbor', 'album'),
    list('harbor.test', 'a3', 'Harbor Pirated', 'album'),
    list('harborfan.test', 'p1', 'Harbor Mix', 'playlist'),
    list('harborghost.test', 'p2', 'Harbor Ghost Mix', 'playlist'),
    { kind: 'account', did: didOf('harborghost.test'), active: false, status: 'takendown' },
  )
  return out
}

describe(`searchAll on ${testDatabaseKind()}`, () => {
  let app: IndexedAppView
  beforeAll(async () => {
    app = await startIndexedAppView(
      events(),
      async (did) => ({
        handle: byDid[did]?.handle ?? null,
        displayName: byDid[did]?.name ?? null,
      }),
      { ACCEPTED_LABELERS: labeler },
    )
    const label = (uri: string, val: string) => ({ src: labeler, uri, val, cts: new Date() })
    await app.database.db
      .insertInto('label')
      .values([
        label(didOf('harbormaster.test'), '!takedown'),
        label(`at://${didOf('harbor.test')}/fm.plyr.track/t2`, '!takedown'),
        label(`at://${didOf('harbor.test')}/fm.plyr.list/a3`, 'copyright-violation'),
      ])
      .execute()
  })
  afterAll(async () => {
    await app?.destroy()
  })
  const search = async (q: string, limit?: number) => {
    const res = await app.client.call(fm.plyr.search.searchAll, { q, limit })
    return {
      tracks: res.tracks.map((t) => t.title),
      artists: res.artists.map((a) => a.handle),
      albums: res.albums.map((l) => l.name),
      playlists: res.playlists.map((l) => l.name),
      tags: res.tags.map((t) => `${t.name}:${t.trackCount}`),
    }
  }

  it('ranks every kind exact > prefix > substring > fuzzy, leaving hidden things out', async () => {
    expect(await search('harbor')).toEqual({
      tracks: ['Harbor', 'Harbor Lights', 'Old Harbor', 'Harbr Nights'],
      artists: ['harbor.test', 'harborside.test', 'oldharbor.test', 'harbr.test'],
      albums: ['Harbor', 'Harbor Tales'],
      playlists: ['Harbor Mix'],
      tags: ['harbor:1', 'harborcore:2', 'dark-harbor:1', 'harbr:1'],
    })
  })

  it('is case-insensitive and tolerates typos', async () => {
    expect(await search('  HARBOR ')).toEqual(await search('harbor'))
    // "harbour": no name contains it, every harbor is a fuzzy match
    const british = await search('harbour')
    expect(british.tracks.toSorted()).toEqual(
      ['Harbor', 'Harbor Lights', 'Old Harbor', 'Harbr Nights'].toSorted(),
    )
    expect(british.albums.toSorted()).toEqual(['Harbor', 'Harbor Tales'])
    // a dropped letter: the prefix match first, then the fuzzy ones
    const typo = await search('harbr')
    expect(typo.tracks[0]).toBe('Harbr Nights')
    expect(typo.tracks.slice(1).toSorted()).toEqual(['Harbor', 'Harbor Lights', 'Old Harbor'])
    expect(typo.artists[0]).toBe('harbr.test')
    expect(typo.tags[0]).toBe('harbr:1')
  })

  it('returns at most `limit` of each kind, the best first', async () => {
    expect(await search('harbor', 2)).toEqual({
      tracks: ['Harbor', 'Harbor Lights'],
      artists: ['harbor.test', 'harborside.test'],
      albums: ['Harbor', 'Harbor Tales'],
      playlists: ['Harbor Mix'],
      tags: ['harbor:1', 'harborcore:2'],
    })
  })

  it('returns full views', async () => {
    const res = await app.client.call(fm.plyr.search.searchAll, { q: 'harbor', limit: 1 })
    expect(res.tracks[0]).toMatchObject({
      title: 'Harbor',
      artist: { handle: 'harbor.test', displayName: 'Harbor' },
      tags: ['harbor'],
      likeCount: 0,
    })
    expect(res.artists[0]).toEqual({
      did: didOf('harbor.test'),
      handle: 'harbor.test',
      displayName: 'Harbor',
    })
    expect(res.albums[0]).toMatchObject({ name: 'Harbor', listType: 'album', itemCount: 0 })
  })

  it('matches the query literally, and finds nothing for what matches nothing', async () => {
    const none = { tracks: [], artists: [], albums: [], playlists: [], tags: [] }
    // LIKE's wildcards, escaped: unescaped, both would match every name
    expect(await search('%')).toEqual(none)
    expect(await search('__')).toEqual(none)
    expect(await search('zzzzqqq')).toEqual(none)
  })

  it('bad input is InvalidRequest', async () => {
    for (const query of ['q=%20%20', '', 'q=harbor&limit=26', 'q=harbor&limit=0']) {
      const res = await app.get(`/xrpc/fm.plyr.search.searchAll?${query}`)
      expect(res, query).toMatchObject({ status: 400, body: { error: 'InvalidRequest' } })
    }
  })

  it('costs the same number of statements whatever the number of results', async () => {
    const cost = async (limit: number) => {
      const before = app.statements()
      await app.client.call(fm.plyr.search.searchAll, { q: 'harbor', limit })
      return app.statements() - before
    }
    const small = await cost(1)
    expect(await cost(25)).toBe(small)
    expect(small).toBeLessThanOrEqual(12)
  })
})
