import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKind } from '@plyr/db/testing'
import { put, trackRecord } from '@plyr/indexer/testing'
import { type IndexedAppView, startIndexedAppView } from './indexed-appview.js'

const aurora = 'did:plc:aurora00000000000000000'
const CDN = 'https://cdn.plyr.example'
const CID = 'bafyreicnos5k3ureyshmsiefqv7nufjcktawfenxcsaftfhu5jfokqk7um'
/** What the tests feed as user text: it must come back as text, never as markup. */
const XSS = `"><script>pwned()</script><img src=x onerror=alert(1)>'`
/** XSS as it must appear in an attribute or text of the page. */
const ESCAPED =
  '&quot;&gt;&lt;script&gt;pwned()&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&#39;'

/** The content of every `<meta property|name="key">` of a page. */
function metaTags(html: string): Record<string, string> {
  const tags: Record<string, string> = {}
  for (const m of html.matchAll(/<meta (?:property|name)="([^"]+)" content="([^"]*)" \/>/g)) {
    tags[m[1]!] = m[2]!
  }
  return tags
}

describe(`share pages and embeds on ${testDatabaseKind()}`, () => {
  let app: IndexedAppView
  beforeAll(async () => {
    app = await startIndexedAppView(
      [
        put('create', aurora, 'fm.plyr.track', 'song', 1, {
          ...trackRecord(`Song ${XSS}`),
          audioUrl: `${CDN}/song.mp3`,
          imageUrl: `${CDN}/song.jpg`,
          description: `notes ${XSS}`,
        }),
        put('create', aurora, 'fm.plyr.list', 'album', 2, {
          name: `Album ${XSS}`,
          listType: 'album',
          items: [{ subject: { uri: `at://${aurora}/fm.plyr.track/song`, cid: CID } }],
          createdAt: new Date().toISOString(),
        }),
        put('create', aurora, 'fm.plyr.actor.profile', 'self', 3, {
          bio: `bio ${XSS}`,
          createdAt: new Date().toISOString(),
        }),
      ],
      async () => ({ handle: 'aurora.test', displayName: `Aurora ${XSS}` }),
      { TRUSTED_MEDIA_ORIGINS: CDN },
    )
  })
  afterAll(async () => {
    await app?.destroy()
  })

  const page = async (path: string) => {
    const res = await fetch(`${app.url}${path}`)
    return { status: res.status, headers: res.headers, html: await res.text() }
  }

  it('a track page carries its OpenGraph and Twitter tags in the first answer, escaped', async () => {
    const { status, headers, html } = await page(`/track/${aurora}/song`)
    expect(status).toBe(200)
    expect(html).not.toContain('<script>pwned')
    expect(html).not.toContain('<img src=x')
    const url = `${app.url}/track/${aurora}/song`
    expect(metaTags(html)).toMatchObject({
      'og:type': 'music.song',
      'og:title': `Song ${ESCAPED} – Aurora ${ESCAPED}`,
      'og:url': url,
      'og:image': `${CDN}/song.jpg`,
      'og:audio': `${app.url}/audio/${aurora}/song`,
      'twitter:card': 'player',
      'twitter:player': `${app.url}/embed/track/${aurora}/song`,
      'twitter:image': `${CDN}/song.jpg`,
    })
    expect(metaTags(html)['og:description']).toBe(`notes ${ESCAPED}`)
    expect(html).toContain(`<link rel="canonical" href="${url}" />`)
    expect(html).toContain(
      `<link rel="alternate" type="application/json+oembed" href="${app.url}/oembed?url=${encodeURIComponent(url)}&amp;format=json"`,
    )
    expect(html).toContain(`<title>Song ${ESCAPED} – Aurora ${ESCAPED} • plyr</title>`)
    expect(html.match(/<title>/g)).toHaveLength(1)
    // the one script is the bundle: no inline script, and the policy forbids any
    expect(html.match(/<script[^>]*>/g)).toEqual([expect.stringMatching(/ src="\/assets\//)])
    const csp = headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self';")
    expect(csp).toContain("frame-ancestors 'self'")
  })

  it('the oEmbed discovery link answers with the embed player, which any site may frame', async () => {
    const { html } = await page(`/track/${aurora}/song`)
    const href = /type="application\/json\+oembed" href="([^"]+)"/.exec(html)![1]!
    const oembed = (await (await fetch(href.replaceAll('&amp;', '&'))).json()) as { html: string }
    const src = /src="([^"]+)"/.exec(oembed.html)![1]!
    expect(src).toBe(`${app.url}/embed/track/${aurora}/song`)
    const embed = await fetch(src)
    expect(embed.status).toBe(200)
    expect(embed.headers.get('content-security-policy')).toContain('frame-ancestors *')
    expect(await embed.text()).toContain('<plyr-embed></plyr-embed>')
  })

  it('album and artist pages carry their tags; a page naming nothing is a 404', async () => {
    const album = await page(`/album/${aurora}/album`)
    expect(album.status).toBe(200)
    expect(metaTags(album.html)).toMatchObject({
      'og:type': 'music.album',
      'og:image': `${CDN}/song.jpg`,
      'twitter:player': `${app.url}/embed/album/${aurora}/album`,
    })
    expect(metaTags(album.html)['og:title']).toBe(`Album ${ESCAPED} – Aurora ${ESCAPED}`)
    const artist = await page('/artist/aurora.test')
    expect(artist.status).toBe(200)
    expect(metaTags(artist.html)).toMatchObject({
      'og:type': 'profile',
      'og:url': `${app.url}/artist/${aurora}`,
    })
    expect(metaTags(artist.html)['og:description']).toBe(`bio ${ESCAPED}`)
    for (const path of [
      `/track/${aurora}/nothing`,
      `/playlist/${aurora}/album`,
      '/artist/nobody.test',
      '/artist/not a handle',
    ]) {
      const missing = await page(path)
      expect(missing.status, path).toBe(404)
      expect(metaTags(missing.html)['og:title'], path).toBeUndefined()
      expect(missing.html).toContain('<plyr-app></plyr-app>')
    }
    // a path that is not even percent-encoded properly
    expect((await page('/artist/%E0%A4%A')).status).toBe(400)
  })
})
