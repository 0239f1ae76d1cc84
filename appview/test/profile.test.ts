import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKind } from '@plyr/db/testing'
import { fm } from '@plyr/lexicons'
import { did, labeler, startCatalog } from './catalog.js'
import type { IndexedAppView } from './indexed-appview.js'

describe(`profiles and platform stats on ${testDatabaseKind()}`, () => {
  let app: IndexedAppView
  beforeAll(async () => {
    app = await startCatalog()
  })
  afterAll(async () => {
    await app?.destroy()
  })
  const profile = async (actor: string) =>
    (await app.client.call(fm.plyr.actor.getProfile, { actor: actor as never })).profile

  it('an artist by handle or DID, with counts of what the lists show', async () => {
    const aurora = await profile('Aurora.Test')
    expect(aurora).toEqual({
      did: did.aurora,
      handle: 'aurora.test',
      displayName: 'Aurora Vale',
      // t6 is labelled; "Banned Album" is labelled; the liked and untyped lists are neither
      trackCount: 6,
      albumCount: 2,
      playlistCount: 1,
      // Aurora 1, Aurora 3 and Basil 0: the like of Aurora 0 is labelled
      likeCount: 3,
      indexedAt: expect.any(String),
    })
    expect(await profile(did.aurora)).toEqual(aurora)
  })

  it("carries the artist's bio and the labels in force on the account", async () => {
    expect(await profile('basil.test')).toEqual({
      did: did.basil,
      handle: 'basil.test',
      bio: 'Basil plays jazz.',
      trackCount: 1,
      albumCount: 0,
      playlistCount: 0,
      // Aurora 0, 1 and 3; the likes of hidden tracks do not count
      likeCount: 3,
      labels: [
        {
          ver: 1,
          src: labeler,
          uri: did.basil,
          val: 'verified-artist',
          cts: '2026-01-01T00:30:00.000Z',
        },
      ],
      indexedAt: expect.any(String),
    })
  })

  it('a listener has a profile too', async () => {
    expect(await profile('dune.test')).toMatchObject({
      trackCount: 0,
      albumCount: 0,
      playlistCount: 1,
      likeCount: 1,
    })
  })

  it('unknown and hidden actors are typed errors; bad input is InvalidRequest', async () => {
    const cases: [string, string][] = [
      ['actor=nobody.test', 'ActorNotFound'],
      [`actor=${did.hidden}`, 'ActorNotFound'],
      [`actor=${did.mallory}`, 'ActorTakenDown'],
      ['actor=mallory.test', 'ActorTakenDown'],
      ['actor=not%20a%20handle', 'InvalidRequest'],
      ['', 'InvalidRequest'],
    ]
    for (const [query, error] of cases) {
      const res = await app.get(`/xrpc/fm.plyr.actor.getProfile?${query}`)
      expect(res, query).toMatchObject({ status: 400, body: { error } })
    }
  })

  it('platform stats total the visible catalogue', async () => {
    const stats = await app.client.call(fm.plyr.stats.getPlatformStats, {})
    // Aurora 0-5 and Basil 0; Aurora 5 states no duration; hidden tracks are left out
    expect(stats).toEqual({ trackCount: 7, artistCount: 2, audioSeconds: 800, playCount: 0 })
  })

  it('platform stats follow takedowns', async () => {
    await app.database.db
      .updateTable('actor')
      .set({ status: 'suspended' })
      .where('did', '=', did.basil)
      .execute()
    try {
      const stats = await app.client.call(fm.plyr.stats.getPlatformStats, {})
      expect(stats).toEqual({ trackCount: 6, artistCount: 1, audioSeconds: 600, playCount: 0 })
    } finally {
      await app.database.db
        .updateTable('actor')
        .set({ status: 'active' })
        .where('did', '=', did.basil)
        .execute()
    }
  })
})
