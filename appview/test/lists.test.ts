import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKind } from '@plyr/db/testing'
import { fm } from '@plyr/lexicons'
import { allPages, did, likeUri, listUri, startCatalog, trackUri } from './catalog.js'
import type { IndexedAppView } from './indexed-appview.js'

const titles = (tracks: { title: string }[]) => tracks.map((t) => t.title)

describe(`feed lists on ${testDatabaseKind()}`, () => {
  let app: IndexedAppView
  beforeAll(async () => {
    app = await startCatalog()
  })
  afterAll(async () => {
    await app?.destroy()
  })
  const get = (path: string) => app.get(path)
  const enc = encodeURIComponent

  describe('getLatestTracks with a tag', () => {
    const latest = (params: { tag?: string; limit?: number }) =>
      allPages(async (cursor) => {
        const res = await app.client.call(fm.plyr.feed.getLatestTracks, { ...params, cursor })
        return { cursor: res.cursor, items: titles(res.tracks) }
      })

    it('lists the visible tracks carrying the tag, newest first, page by page', async () => {
      const whole = ['Basil 0', 'Aurora 4', 'Aurora 2', 'Aurora 1', 'Aurora 0']
      expect((await latest({ tag: 'ambient' })).items).toEqual(whole)
      // matched as stored: trimmed and lowercased
      expect((await latest({ tag: ' Ambient ' })).items).toEqual(whole)
      expect(await latest({ tag: 'ambient', limit: 2 })).toEqual({ items: whole, pages: 3 })
      expect((await latest({ tag: 'techno' })).items).toEqual(['Aurora 3', 'Aurora 2'])
      expect((await latest({ tag: 'secret' })).items).toEqual([])
    })

    it('a blank tag is InvalidRequest, a malformed cursor InvalidCursor', async () => {
      const cases: [string, string][] = [
        ['tag=%20%20', 'InvalidRequest'],
        ['tag=ambient&cursor=12', 'InvalidCursor'],
        ['cursor=x::at://a', 'InvalidCursor'],
      ]
      for (const [query, error] of cases) {
        const res = await get(`/xrpc/fm.plyr.feed.getLatestTracks?${query}`)
        expect(res, query).toMatchObject({ status: 400, body: { error } })
      }
    })
  })

  describe('getTopTracks', () => {
    const top = (period: string, limit?: number) =>
      allPages(async (cursor) => {
        const res = await app.client.call(fm.plyr.feed.getTopTracks, {
          period: period as 'week',
          limit,
          cursor,
        })
        return { cursor: res.cursor, items: titles(res.tracks) }
      })

    // counts per period: likes created in the window, each account once (see catalog.ts)
    const expected: Record<string, string[]> = {
      day: ['Aurora 0', 'Basil 0'],
      week: ['Aurora 0', 'Aurora 1', 'Basil 0'],
      // ties (one like each) by uri, descending
      month: ['Aurora 0', 'Aurora 1', 'Basil 0', 'Aurora 2'],
      // the stored counts: A0 6, A3 3, A1 3, then B0, A4 (liked "in the future"), A2
      all: ['Aurora 0', 'Aurora 3', 'Aurora 1', 'Basil 0', 'Aurora 4', 'Aurora 2'],
    }

    it('ranks the visible tracks by likes within each period', async () => {
      for (const [period, list] of Object.entries(expected)) {
        expect((await top(period)).items, period).toEqual(list)
      }
      const week = await app.client.call(fm.plyr.feed.getTopTracks, {})
      expect(titles(week.tracks)).toEqual(expected.week)
    })

    it('pages to the end with no duplicates or gaps, in every period', async () => {
      for (const [period, list] of Object.entries(expected)) {
        expect(await top(period, 1), period).toEqual({ items: list, pages: list.length + 1 })
        expect((await top(period, 2)).items, period).toEqual(list)
      }
    })

    it('an unknown period or a malformed cursor is InvalidRequest', async () => {
      const cases: [string, string][] = [
        ['period=year', 'InvalidRequest'],
        ['limit=0', 'InvalidRequest'],
        ['cursor=abc', 'InvalidCursor'],
        [`cursor=${enc('1.5::at://x')}`, 'InvalidCursor'],
      ]
      for (const [query, error] of cases) {
        const res = await get(`/xrpc/fm.plyr.feed.getTopTracks?${query}`)
        expect(res, query).toMatchObject({ status: 400, body: { error } })
      }
    })
  })

  describe('getLikes', () => {
    const likes = (uri: string, limit?: number) =>
      allPages(async (cursor) => {
        const res = await app.client.call(fm.plyr.feed.getLikes, {
          uri: uri as never,
          limit,
          cursor,
        })
        expect(res.uri).toBe(uri)
        return { cursor: res.cursor, items: res.likes }
      })

    it('lists who liked a track, newest first, each visible account once', async () => {
      const { items } = await likes(trackUri(did.aurora, 0))
      // hidden and mallory are taken down, aurora's like is labelled, cedar liked twice
      expect(items.map((l) => [l.actor.handle, l.uri])).toEqual([
        ['dune.test', likeUri(did.dune, 'l0')],
        ['cedar.test', likeUri(did.cedar, 'l0')],
        ['basil.test', likeUri(did.basil, 'l0')],
      ])
      expect(items[0]).toMatchObject({
        actor: { did: did.dune },
        createdAt: expect.any(String),
        indexedAt: expect.any(String),
      })
      expect(await likes(trackUri(did.aurora, 0), 2)).toEqual({ items, pages: 2 })
      expect((await likes(trackUri(did.aurora, 5))).items).toEqual([])
    })

    it('an unknown track is TrackNotFound, a hidden one TrackTakenDown, bad input InvalidRequest', async () => {
      const cases: [string, string][] = [
        [`uri=${enc(trackUri(did.aurora, 99))}`, 'TrackNotFound'],
        [`uri=${enc(trackUri(did.hidden, 0))}`, 'TrackNotFound'],
        [`uri=${enc(trackUri(did.aurora, 6))}`, 'TrackTakenDown'],
        [`uri=${enc(trackUri(did.mallory, 0))}`, 'TrackTakenDown'],
        ['uri=not-a-uri', 'InvalidRequest'],
        ['', 'InvalidRequest'],
        [`uri=${enc(trackUri(did.aurora, 0))}&cursor=nope`, 'InvalidCursor'],
      ]
      for (const [query, error] of cases) {
        const res = await get(`/xrpc/fm.plyr.feed.getLikes?${query}`)
        expect(res, query).toMatchObject({ status: 400, body: { error } })
      }
    })
  })

  describe('getActorLists', () => {
    const lists = (actor: string, listType?: string, limit?: number) =>
      allPages(async (cursor) => {
        const res = await app.client.call(fm.plyr.feed.getActorLists, {
          actor: actor as never,
          listType,
          limit,
          cursor,
        })
        return { cursor: res.cursor, items: res.lists.map((l) => l.name) }
      })

    it("lists an actor's albums and playlists newest first, leaving out labelled ones", async () => {
      const whole = ['Second Wind', 'Night Drive', 'First Light']
      expect((await lists('aurora.test')).items).toEqual(whole)
      expect(await lists(did.aurora, undefined, 2)).toEqual({ items: whole, pages: 2 })
      expect((await lists(did.aurora, 'album')).items).toEqual(['Second Wind', 'First Light'])
      expect((await lists(did.aurora, 'liked')).items).toEqual(['Liked'])
      expect((await lists('dune.test')).items).toEqual(['Dune Mix'])
      const { lists: views } = await app.client.call(fm.plyr.feed.getActorLists, {
        actor: did.aurora,
        limit: 1,
      })
      expect(views[0]).toEqual({
        uri: listUri(did.aurora, 'album2'),
        cid: expect.any(String),
        creator: { did: did.aurora, handle: 'aurora.test', displayName: 'Aurora Vale' },
        name: 'Second Wind',
        listType: 'album',
        itemCount: 2,
        createdAt: '2026-01-01T00:12:00.000Z',
      })
    })

    it('unknown and hidden actors are typed errors; bad input is InvalidRequest', async () => {
      const cases: [string, string][] = [
        ['actor=nobody.test', 'ActorNotFound'],
        [`actor=${did.hidden}`, 'ActorNotFound'],
        [`actor=${did.mallory}`, 'ActorTakenDown'],
        ['actor=not%20a%20handle', 'InvalidRequest'],
        ['', 'InvalidRequest'],
        [`actor=${did.aurora}&cursor=${enc('5::nope')}`, 'InvalidCursor'],
      ]
      for (const [query, error] of cases) {
        const res = await get(`/xrpc/fm.plyr.feed.getActorLists?${query}`)
        expect(res, query).toMatchObject({ status: 400, body: { error } })
      }
    })
  })

  describe('getTags', () => {
    const tags = (q?: string, limit?: number) =>
      allPages(async (cursor) => {
        const res = await app.client.call(fm.plyr.feed.getTags, { q, limit, cursor })
        return { cursor: res.cursor, items: res.tags.map((t) => `${t.name}:${t.trackCount}`) }
      })

    it('counts the visible tracks of each tag, most used first, then alphabetical', async () => {
      // "banned" and "secret" are only on hidden tracks; hidden tracks do not count
      const whole = ['ambient:5', 'techno:2', 'drone:1', 'jazz:1']
      expect((await tags()).items).toEqual(whole)
      expect(await tags(undefined, 1)).toEqual({ items: whole, pages: 5 })
      expect(await tags(undefined, 3)).toEqual({ items: whole, pages: 2 })
    })

    it('a prefix narrows the tags for autocomplete, matched literally', async () => {
      expect((await tags(' T')).items).toEqual(['techno:2'])
      expect((await tags('a')).items).toEqual(['ambient:5'])
      expect((await tags('d', 1)).items).toEqual(['drone:1'])
      expect((await tags('%')).items).toEqual([])
      expect((await tags('_mbient')).items).toEqual([])
    })

    it('a malformed cursor is InvalidRequest', async () => {
      for (const cursor of ['abc', '5::', '::tag', 'x::tag']) {
        const res = await get(`/xrpc/fm.plyr.feed.getTags?cursor=${enc(cursor)}`)
        expect(res, cursor).toMatchObject({ status: 400, body: { error: 'InvalidCursor' } })
      }
    })
  })

  it('each list costs the same number of statements whatever the page size', async () => {
    const cost = async (call: (limit: number) => Promise<unknown>) => {
      const counts: number[] = []
      for (const limit of [1, 100]) {
        const before = app.statements()
        await call(limit)
        counts.push(app.statements() - before)
      }
      return counts
    }
    const calls: Record<string, (limit: number) => Promise<unknown>> = {
      latest: (limit) => app.client.call(fm.plyr.feed.getLatestTracks, { tag: 'ambient', limit }),
      top: (limit) => app.client.call(fm.plyr.feed.getTopTracks, { period: 'month', limit }),
      topAll: (limit) => app.client.call(fm.plyr.feed.getTopTracks, { period: 'all', limit }),
      likes: (limit) =>
        app.client.call(fm.plyr.feed.getLikes, { uri: trackUri(did.aurora, 0), limit }),
      lists: (limit) => app.client.call(fm.plyr.feed.getActorLists, { actor: did.aurora, limit }),
      tags: (limit) => app.client.call(fm.plyr.feed.getTags, { limit }),
    }
    for (const [name, call] of Object.entries(calls)) {
      const [small, large] = await cost(call)
      expect(large, name).toBe(small)
      expect(small, name).toBeLessThanOrEqual(8)
    }
  })
})
