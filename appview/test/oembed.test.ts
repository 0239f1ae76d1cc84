import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKind } from '@plyr/db/testing'
import { cid, put, trackRecord } from '@plyr/indexer/testing'
import { type IndexedAppView, startIndexedAppView } from './indexed-appview.js'

const aurora = 'did:plc:aurora00000000000000000'
const basil = 'did:plc:basil000000000000000000'
const gone = 'did:plc:gone0000000000000000000'
const labeler = 'did:plc:labeler0000000000000000'
const SITE = 'https://plyr.example'
const T = 'fm.plyr.track'
const L = 'fm.plyr.list'
const list = (name: string | undefined, listType: string) => ({
  ...(name !== undefined ? { name } : {}),
  listType,
  items: [{ subject: { uri: `at://${aurora}/${T}/t1`, cid: cid(0) } }],
  createdAt: '2026-01-01T00:00:00.000Z',
})

describe(`GET /oembed on ${testDatabaseKind()}`, () => {
  let app: IndexedAppView
  beforeAll(async () => {
    app = await startIndexedAppView(
      [
        put('create', aurora, T, 't1', 1, trackRecord('Northern "Static" <live> & \'more\'')),
        put('create', aurora, T, 'taken', 2, trackRecord('Taken')),
        put('create', aurora, L, 'album', 3, list('Harbor Lights', 'album')),
        put('create', aurora, L, 'mix', 4, list(undefined, 'playlist')),
        put('create', aurora, L, 'liked', 5, list('Liked', 'liked')),
        put('create', aurora, 'app.bsky.actor.profile', 'self', 6, { displayName: 'Aurora Vale' }),
        put('create', basil, T, 't1', 1, trackRecord('Basil')),
        put('create', gone, T, 't1', 1, trackRecord('Gone')),
        { kind: 'account', did: gone, active: false, status: 'deleted' },
      ],
      async (did) => ({ handle: did === basil ? 'basil.test' : null, displayName: null }),
      { PUBLIC_URL: SITE, ACCEPTED_LABELERS: labeler },
    )
    await app.database.db
      .insertInto('label')
      .values({ src: labeler, uri: `at://${aurora}/${T}/taken`, val: '!takedown', cts: new Date() })
      .execute()
  })
  afterAll(async () => {
    await app?.destroy()
  })

  const oembed = async (params: Record<string, string>) => {
    const res = await fetch(`${app.url}/oembed?${new URLSearchParams(params)}`)
    return {
      status: res.status,
      cors: res.headers.get('access-control-allow-origin'),
      body: (await res.json()) as Record<string, unknown>,
    }
  }

  it('describes a track page as a rich embed: an iframe of the embed player', async () => {
    const res = await oembed({ url: `${SITE}/track/${aurora}/t1`, format: 'json' })
    expect(res.status).toBe(200)
    expect(res.cors).toBe('*')
    expect(res.body).toEqual({
      version: '1.0',
      type: 'rich',
      provider_name: 'plyr',
      provider_url: SITE,
      title: 'Northern "Static" <live> & \'more\'',
      author_name: 'Aurora Vale',
      author_url: `${SITE}/artist/${aurora}`,
      width: 480,
      height: 160,
      html:
        `<iframe src="${SITE}/embed/track/${aurora}/t1" width="480" height="160"` +
        ` title="Northern &quot;Static&quot; &lt;live&gt; &amp; &#39;more&#39;"` +
        ` style="border: 0" allow="autoplay; encrypted-media" loading="lazy"></iframe>`,
    })
  })

  it('the iframe is well-formed HTML whose src is the embed URL', async () => {
    const { body } = await oembed({ url: `${SITE}/track/${aurora}/t1` })
    const html = body.html as string
    // one element, every attribute quoted, nothing from the record outside an attribute
    expect(html).toMatch(/^<iframe( [a-z]+="[^"<>]*")+><\/iframe>$/)
    const src = /src="([^"]+)"/.exec(html)![1]!
    expect(new URL(src).href).toBe(`${SITE}/embed/track/${aurora}/t1`)
  })

  it('accepts page URLs with a query or fragment, and at:// URIs', async () => {
    for (const url of [
      `${SITE}/track/${aurora}/t1?t=30#player`,
      `${SITE}/track/${encodeURIComponent(aurora)}/t1`,
      `at://${aurora}/${T}/t1`,
    ]) {
      const res = await oembed({ url })
      expect(res.status, url).toBe(200)
      expect(res.body.html).toContain(`src="${SITE}/embed/track/${aurora}/t1"`)
    }
  })

  it('describes albums and playlists, by page URL or at:// URI', async () => {
    const album = await oembed({ url: `${SITE}/album/${aurora}/album` })
    expect(album.body).toMatchObject({ title: 'Harbor Lights', width: 480, height: 420 })
    expect(album.body.html).toContain(`src="${SITE}/embed/album/${aurora}/album"`)
    const playlist = await oembed({ url: `at://${aurora}/${L}/mix` })
    expect(playlist.body).toMatchObject({ title: 'Untitled playlist' })
    expect(playlist.body.html).toContain(`src="${SITE}/embed/playlist/${aurora}/mix"`)
  })

  it('names the author by display name, else handle, else DID', async () => {
    expect((await oembed({ url: `${SITE}/track/${basil}/t1` })).body.author_name).toBe('basil.test')
  })

  it('keeps the player within maxwidth and maxheight', async () => {
    const { body } = await oembed({
      url: `${SITE}/album/${aurora}/album`,
      maxwidth: '300',
      maxheight: '1000',
    })
    expect(body).toMatchObject({ width: 300, height: 420 })
    expect(body.html).toContain('width="300" height="420"')
  })

  it('answers 404 for URLs that name no visible record of that kind', async () => {
    for (const url of [
      `${SITE}/track/${aurora}/nope`,
      `${SITE}/track/${aurora}/taken`,
      `${SITE}/track/${gone}/t1`,
      `${SITE}/album/${aurora}/mix`,
      `${SITE}/playlist/${aurora}/album`,
      `${SITE}/playlist/${aurora}/liked`,
      `at://${aurora}/${L}/liked`,
      `at://${aurora}/fm.plyr.like/t1`,
      `at://aurora.test/${T}/t1`,
      `${SITE}/artist/${aurora}`,
      `${SITE}/track/${aurora}`,
      `${SITE}/track/${aurora}/t1/extra`,
      `${SITE}/embed/track/${aurora}/t1`,
      `https://elsewhere.example/track/${aurora}/t1`,
      `http://plyr.example/track/${aurora}/t1`,
    ]) {
      expect(await oembed({ url }), url).toMatchObject({
        status: 404,
        body: { error: 'NotFound' },
      })
    }
  })

  it('answers 501 for a format other than json', async () => {
    for (const format of ['xml', 'JSON', '']) {
      expect(await oembed({ url: `${SITE}/track/${aurora}/t1`, format })).toMatchObject({
        status: 501,
        body: { error: 'UnsupportedFormat' },
      })
    }
  })

  it('answers 400 for a missing or malformed url, maxwidth or maxheight', async () => {
    const url = `${SITE}/track/${aurora}/t1`
    for (const params of <Record<string, string>[]>[
      {},
      { url: '' },
      { url: 'not a url' },
      { url: `/track/${aurora}/t1` },
      { url, maxwidth: '0' },
      { url, maxwidth: 'wide' },
      { url, maxheight: '-5' },
      { url, maxheight: '1.5' },
    ]) {
      expect(await oembed(params), JSON.stringify(params)).toMatchObject({
        status: 400,
        body: { error: 'InvalidRequest' },
      })
    }
    const repeated = await fetch(`${app.url}/oembed?url=${url}&url=${url}`)
    expect(repeated.status).toBe(400)
  })
})
