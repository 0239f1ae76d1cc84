import { execFile } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { AxeBuilder } from '@axe-core/playwright'
import { type AtUriString, Client } from '@atproto/lex'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fm } from '@plyr/lexicons'
import { developerToken, launchChromium } from './browser.js'
import { type DemoPlyr, NS, startDemoPlyr } from './web-client-network.js'
import { waitFor } from './wait.js'

/** Where the screenshots go: test artifacts, not committed (.gitignore). */
const ARTIFACTS = join(import.meta.dirname, 'artifacts')

/** The active audio element's state, as the player drives it. */
function audioState(page: Page) {
  return page.evaluate(() => {
    const audio = document.querySelector<HTMLAudioElement>('audio[data-active]')!
    return { time: audio.currentTime, paused: audio.paused, src: audio.currentSrc }
  })
}

async function waitForTime(page: Page, atLeast: number): Promise<void> {
  await page.waitForFunction(
    (t) => (document.querySelector<HTMLAudioElement>('audio[data-active]')?.currentTime ?? 0) >= t,
    atLeast,
    { timeout: 30_000 },
  )
}

/**
 * An MP3 of `seconds` of a 440 Hz sine getting louder each second, from 0.1 to 0.9 of full
 * scale: a waveform whose peaks rise in steps, so a drawing of them is not flat.
 */
async function risingTone(seconds: number) {
  const tone = `(0.1+0.8*floor(t)/${seconds - 1})*sin(2*PI*440*t)`
  const { stdout } = await promisify(execFile)(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
      ...['-i', `aevalsrc=${tone}:s=44100:d=${seconds}`],
      ...['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', 'pipe:1'],
    ],
    { encoding: 'buffer', maxBuffer: 10_000_000 },
  )
  return new Uint8Array(stdout)
}

/** The bar heights a waveform of `bars` bars draws `peaks` with: the peak of each slice. */
function barHeights(peaks: number[], bars: number): number[] {
  return Array.from({ length: bars }, (_, i) => {
    const from = Math.floor((i * peaks.length) / bars)
    const to = Math.max(from + 1, Math.floor(((i + 1) * peaks.length) / bars))
    return Math.max(4, Math.max(...peaks.slice(from, to)) * 100)
  })
}

function queueTitles(page: Page): Promise<string[]> {
  return page
    .locator('plyr-player-bar section[aria-label="Queue"] li .title button')
    .allInnerTexts()
}

describe('the web client against the demo network', { timeout: 120_000 }, () => {
  let demo: DemoPlyr
  let browser: Browser
  let context: BrowserContext

  beforeAll(async () => {
    demo = await startDemoPlyr()
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required'])
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await demo?.[Symbol.asyncDispose]()
  })

  async function freshPage(): Promise<Page> {
    await context?.close()
    context = await browser.newContext({ locale: 'en-US' })
    return context.newPage()
  }

  it('plays a demo track from home: time advances, title and Media Session follow', async () => {
    const page = await freshPage()
    await page.goto(`${demo.url}/`)
    await page.getByRole('heading', { name: 'Newest' }).waitFor()
    await page.getByRole('button', { name: 'Play Coda by Cleo Moreau' }).first().click()
    await waitForTime(page, 1)
    const state = await audioState(page)
    expect(state.paused).toBe(false)
    const coda = demo.demo.artists[2]!.tracks[2]!
    expect(state.src).toBe(
      `${demo.url}/audio/${coda.uri.slice('at://'.length).replace(/\/[^/]+\//, '/')}`,
    )
    await page.waitForFunction(() => document.title === 'Coda – Cleo Moreau • plyr')
    const metadata = await page.evaluate(() => {
      const m = navigator.mediaSession.metadata!
      return { title: m.title, artist: m.artist, artwork: m.artwork.map((a) => a.src) }
    })
    expect(metadata).toEqual({
      title: 'Coda',
      artist: 'Cleo Moreau',
      artwork: [`${demo.media.url}/cleo-2.jpg`],
    })
    // navigating keeps the player going: same element, still playing
    await page.getByRole('link', { name: 'Cleo Moreau' }).first().click()
    await page.getByRole('heading', { name: 'Cleo Moreau' }).waitFor()
    const before = (await audioState(page)).time
    await waitForTime(page, before + 1)
    expect((await audioState(page)).paused).toBe(false)
    // pausing from the bar
    await page.locator('plyr-player-bar').getByRole('button', { name: 'Pause' }).click()
    await page.waitForFunction(
      () => document.querySelector<HTMLAudioElement>('audio[data-active]')!.paused,
    )
  })

  it('seeks by clicking the seek bar, and from a timed comment on the track page', async () => {
    const page = await freshPage()
    const track = demo.demo.artists[0]!.tracks[0]!
    await page.goto(`${demo.url}${demo.pagePath('track', track.uri)}`)
    await page.getByRole('heading', { name: track.title }).waitFor()
    // comments in playback order, with their timestamps
    const stamps = await page.getByRole('button', { name: /^Play from / }).allInnerTexts()
    expect(stamps.length).toBeGreaterThan(1)
    const seconds = stamps.map((s) => Number(s.split(':')[0]) * 60 + Number(s.split(':')[1]))
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b))
    // clicking one plays the track from there
    await page
      .getByRole('button', { name: /^Play from / })
      .last()
      .click()
    await waitForTime(page, seconds.at(-1)!)
    expect((await audioState(page)).time).toBeLessThan(seconds.at(-1)! + 5)
    // clicking the player's seek bar three quarters along
    const bar = page.locator('plyr-player-bar plyr-seek-bar')
    const box = (await bar.boundingBox())!
    await page.mouse.click(box.x + box.width * 0.25, box.y + box.height / 2)
    const at = (await audioState(page)).time
    expect(at).toBeGreaterThan(track.duration * 0.25 - 2)
    expect(at).toBeLessThan(track.duration * 0.25 + 3)
  })

  it('keeps a reordered queue across a reload without playing, and in step across tabs', async () => {
    const page = await freshPage()
    await page.goto(`${demo.url}/`)
    await page.getByRole('heading', { name: 'Newest' }).waitFor()
    for (const title of ['Coda', 'Night Bus', 'Glass Harbor']) {
      await page
        .getByRole('button', { name: `Add ${title} to the queue` })
        .last()
        .click()
    }
    await page.locator('plyr-player-bar').getByRole('button', { name: 'Queue' }).click()
    expect(await queueTitles(page)).toEqual([
      'Coda · Cleo Moreau',
      'Night Bus · Cleo Moreau',
      'Glass Harbor · Aurora Vale',
    ])
    // drag the last to the top, then move the (now) second down with the keyboard button
    const rows = page.locator('plyr-player-bar section[aria-label="Queue"] li')
    await rows.nth(2).dragTo(rows.nth(0))
    await page.getByRole('button', { name: 'Move Coda down' }).click()
    const order = ['Glass Harbor · Aurora Vale', 'Night Bus · Cleo Moreau', 'Coda · Cleo Moreau']
    expect(await queueTitles(page)).toEqual(order)

    const second = await context.newPage()
    await second.goto(`${demo.url}/`)
    await second.locator('plyr-player-bar').getByRole('button', { name: 'Queue' }).click()
    expect(await queueTitles(second)).toEqual(order)
    // a change in one tab shows in the other
    await second.getByRole('button', { name: 'Remove Night Bus' }).click()
    await expect.poll(() => queueTitles(page)).toEqual([order[0], order[2]])
    // playing in one tab pauses the other
    const inQueue = (p: Page) => p.locator('plyr-player-bar section[aria-label="Queue"]')
    await inQueue(page)
      .getByRole('button', { name: `Play ${order[0]!.replace(' · ', ' by ')}` })
      .click()
    await waitForTime(page, 0.5)
    await inQueue(second)
      .getByRole('button', { name: `Play ${order[2]!.replace(' · ', ' by ')}` })
      .click()
    await waitForTime(second, 0.5)
    await page.waitForFunction(
      () => document.querySelector<HTMLAudioElement>('audio[data-active]')!.paused,
    )
    await second.close()

    await page.reload()
    await page.locator('plyr-player-bar').getByRole('button', { name: 'Queue' }).click()
    expect(await queueTitles(page)).toEqual([order[0], order[2]])
    expect((await audioState(page)).paused).toBe(true)
    expect(await page.locator('plyr-player-bar button.play').getAttribute('aria-label')).toBe(
      'Play',
    )
  })

  it('the embed player plays, in a page any site may frame', async () => {
    const page = await freshPage()
    const album = demo.demo.album
    const res = await page.goto(
      `${demo.url}${demo.pagePath('album', album.uri).replace('/album/', '/embed/album/')}`,
    )
    expect(res!.headers()['content-security-policy']).toContain('frame-ancestors *')
    const tracks = page.locator('plyr-embed ol button')
    await expect
      .poll(() => tracks.allInnerTexts())
      .toEqual(['1. Northern Static · Aurora Vale', '2. Glass Harbor · Aurora Vale'])
    await page.locator('plyr-embed').getByRole('button', { name: 'Play', exact: true }).click()
    await waitForTime(page, 1)
    expect((await audioState(page)).paused).toBe(false)
    await tracks.nth(1).click()
    await page.waitForFunction(() => document.title.startsWith('Glass Harbor'))
    await waitForTime(page, 0.5)
  })

  it('shows user text as text: the XSS strings appear literally and nothing runs', async () => {
    const xss = `"><script>window.pwned=1</script><img src=x onerror="window.pwned=2">`
    const mallory = await demo.net.createAccount('mallory')
    await mallory.client.putRecord(
      { $type: 'app.bsky.actor.profile', displayName: `M <img src=x onerror="window.pwned=3">` },
      'self',
    )
    const created = await mallory.client.createRecord({
      $type: `${NS}.track`,
      title: `T ${xss}`,
      artist: 'Mallory',
      fileType: 'mp3',
      description: `D ${xss}`,
      audioUrl: `${demo.media.url}/basil-0.mp3`,
      createdAt: new Date().toISOString(),
    })
    await mallory.client.createRecord({
      $type: `${NS}.comment`,
      subject: { uri: created.body.uri, cid: created.body.cid },
      text: `C ${xss}`,
      timestampMs: 1000,
      createdAt: new Date().toISOString(),
    })
    const page = await freshPage()
    const dialogs: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    const path = demo.pagePath('track', created.body.uri)
    await expect
      .poll(async () => (await page.goto(`${demo.url}${path}`))!.status(), { timeout: 30_000 })
      .toBe(200)
    await page.getByRole('heading', { name: `T ${xss}` }).waitFor()
    await expect.poll(() => page.locator('.comment-text').allInnerTexts()).toEqual([`C ${xss}`])
    expect(await page.locator('.description').innerText()).toBe(`D ${xss}`)
    await page.goto(`${demo.url}/`)
    await page
      .getByRole('link', { name: `T ${xss}` })
      .first()
      .waitFor()
    await page.goto(`${demo.url}/search?q=${encodeURIComponent('T "><script>')}`)
    await page.getByRole('heading', { name: /^Results for/ }).waitFor()
    expect(await page.locator('img[src="x"]').count()).toBe(0)
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined()
    expect(dialogs).toEqual([])
  })

  it('reports a play once 30% is heard, not before, and counts it once', async () => {
    const page = await freshPage()
    const track = demo.demo.artists[1]!.tracks[0]! // Low Tide Waltz, 30 s: 9 s make a play
    const playCount = async () => {
      const res = await fetch(
        `${demo.url}/xrpc/fm.plyr.feed.getTrack?uri=${encodeURIComponent(track.uri)}`,
      )
      return ((await res.json()) as { track: { playCount: number } }).track.playCount
    }
    const before = await playCount()
    const reports: string[] = []
    page.on('request', (req) => {
      if (req.url().includes('fm.plyr.feed.reportPlay')) reports.push(req.postData() ?? '')
    })
    await page.goto(`${demo.url}${demo.pagePath('track', track.uri)}`)
    await page.locator('plyr-track-page').getByRole('button', { name: 'Play', exact: true }).click()
    await waitForTime(page, 3)
    const bar = page.locator('plyr-player-bar')
    await bar.getByRole('button', { name: 'Pause' }).click()
    const paused = await audioState(page)
    expect(paused.time).toBeLessThan(track.duration * 0.3)
    expect(reports).toEqual([])

    const reported = page.waitForResponse((res) => res.url().includes('fm.plyr.feed.reportPlay'))
    await bar.getByRole('button', { name: 'Play', exact: true }).click()
    const answer = await reported
    expect(await answer.json()).toEqual({ counted: true })
    expect((await audioState(page)).time).toBeGreaterThanOrEqual(track.duration * 0.3)
    expect(JSON.parse(reports[0]!)).toMatchObject({ uri: track.uri })
    // listening on in the same playback reports nothing more
    await waitForTime(page, track.duration * 0.3 + 2)
    expect(reports).toHaveLength(1)
    expect(await playCount()).toBe(before + 1)
  })

  it('no serious axe violation on any page, light and dark; screenshots at 375 and 1280 px', async () => {
    const aurora = demo.demo.artists[0]!
    const track = aurora.tracks[0]!
    const pages: [name: string, path: string, ready: string][] = [
      ['home', '/', 'Newest'],
      ['track', demo.pagePath('track', track.uri), track.title],
      ['artist', '/artist/aurora.test', 'Aurora Vale'],
      ['album', demo.pagePath('album', demo.demo.album.uri), demo.demo.album.name],
      ['playlist', demo.pagePath('playlist', demo.demo.playlist.uri), demo.demo.playlist.name],
      ['tag', '/tag/ambient', '#ambient'],
      ['search', '/search?q=night', 'Results for “night”'],
      ['not-found', '/no/such/page', 'Nothing here'],
    ]
    await mkdir(ARTIFACTS, { recursive: true })
    const open = async (page: Page, path: string, ready: string) => {
      await page.goto(`${demo.url}${path}`)
      await page.getByRole('heading', { name: ready }).first().waitFor()
      // the lists and comments a page loads after its heading
      await page.waitForLoadState('networkidle')
    }
    for (const colorScheme of ['light', 'dark'] as const) {
      await context?.close()
      context = await browser.newContext({ locale: 'en-US', colorScheme })
      const page = await context.newPage()
      // dark: the pages whose colours differ most (covers, waveform, chips, comments)
      const shown = colorScheme === 'light' ? pages : pages.slice(0, 2)
      for (const [name, path, ready] of shown) {
        await page.setViewportSize({ width: 1280, height: 800 })
        await open(page, path, ready)
        const { violations } = await new AxeBuilder({ page }).analyze()
        const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        expect(
          serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
          `${name} (${colorScheme})`,
        ).toEqual([])
        if (colorScheme === 'dark') continue
        await page.screenshot({ path: join(ARTIFACTS, `${name}-1280.png`), fullPage: true })
        await page.setViewportSize({ width: 375, height: 740 })
        await open(page, path, ready)
        await page.screenshot({ path: join(ARTIFACTS, `${name}-375.png`), fullPage: true })
        // nothing wider than a phone's screen
        const width = await page.evaluate(() => document.documentElement.scrollWidth)
        expect(width, name).toBeLessThanOrEqual(375)
      }
    }
  })

  it('skips a track whose audio fails with a notice, and answers the keyboard', async () => {
    const basil = demo.demo.artists[1]!
    await basil.client.createRecord({
      $type: `${NS}.track`,
      title: 'Broken Record',
      artist: basil.displayName,
      fileType: 'mp3',
      audioUrl: `${demo.media.url}/missing.mp3`,
      createdAt: new Date().toISOString(),
    })
    const page = await freshPage()
    const play = page.getByRole('button', { name: `Play Broken Record by ${basil.displayName}` })
    await expect
      .poll(
        async () => {
          await page.goto(`${demo.url}/`)
          await page.getByRole('heading', { name: 'Newest' }).waitFor()
          await page
            .getByRole('button', { name: /^Play .+ by / })
            .first()
            .waitFor()
          return play.count()
        },
        { timeout: 30_000 },
      )
      .toBe(1)
    await play.click()
    const bar = page.locator('plyr-player-bar')
    await bar.getByRole('button', { name: 'Queue' }).click()
    const queue = (await queueTitles(page)).map((t) => t.split(' · ')[0]!)
    expect(queue[0]).toBe('Broken Record')
    await expect
      .poll(() => bar.getByRole('status').innerText())
      .toBe('Skipped “Broken Record”: it could not be loaded')
    await page.waitForFunction((t) => document.title.startsWith(`${t} – `), queue[1])
    await waitForTime(page, 0.5)
    // n: the next entry; space: pause (with the focus on no control, which space would press)
    await page.getByRole('heading', { name: 'Newest' }).click()
    await page.keyboard.press('n')
    await page.waitForFunction((t) => document.title.startsWith(`${t} – `), queue[2])
    await waitForTime(page, 0.5)
    await page.keyboard.press(' ')
    await page.waitForFunction(
      () => document.querySelector<HTMLAudioElement>('audio[data-active]')!.paused,
    )
  })

  it('draws the seek bar from the waveform peaks of an uploaded track, and seeks by clicking it', async () => {
    // uploaded through plyr's media pipeline by a demo artist, with a developer token
    const artist = demo.demo.artists[2]!
    // (signed in at 127.0.0.1: the loopback OAuth client's redirect comes back there)
    const token = await developerToken(browser, demo.url.replace('localhost', '127.0.0.1'), artist)
    const uploaded = await fetch(`${demo.url}/xrpc/fm.plyr.media.uploadAudio`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: new Blob([await risingTone(20)]),
    })
    expect(uploaded.status).toBe(200)
    const { uploadId } = (await uploaded.json()) as { uploadId: string }
    const { uri } = await new Client({
      service: demo.url,
      headers: { authorization: `Bearer ${token}` },
    }).call(fm.plyr.feed.createTrack, { uploadId, title: 'Rising Tone' })
    const appview = new Client({ service: demo.url })
    const track = await waitFor(
      async () => {
        const { track } = await appview.call(fm.plyr.feed.getTrack, { uri: uri as AtUriString })
        return track.peaksUrl ? track : undefined
      },
      { timeoutMs: 120_000 },
    )
    const peaks = (await (await fetch(track.peaksUrl!)).json()) as number[]
    // the steps are in the peaks: the drawing below cannot be a flat bar
    expect(Math.max(...peaks) - Math.min(...peaks)).toBeGreaterThan(0.5)

    const page = await freshPage()
    await page.goto(`${demo.url}${demo.pagePath('track', uri)}`)
    await page.getByRole('heading', { name: 'Rising Tone' }).waitFor()
    await page.locator('plyr-track-page').getByRole('button', { name: 'Play', exact: true }).click()
    await waitForTime(page, 0.5)
    // paused, so that only the click below moves it
    await page.locator('plyr-player-bar').getByRole('button', { name: 'Pause' }).click()
    await page.waitForFunction(
      () => document.querySelector<HTMLAudioElement>('audio[data-active]')!.paused,
    )
    const bar = page.locator('plyr-player-bar plyr-seek-bar .bar')
    await page.locator('plyr-player-bar plyr-seek-bar .bar[data-waveform="peaks"]').waitFor()
    const heights = await bar
      .locator('svg rect')
      .evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))))
    const expected = barHeights(peaks, heights.length)
    expect(heights.length).toBeGreaterThan(10)
    heights.forEach((h, i) => expect(h, `bar ${i}`).toBeCloseTo(expected[i]!, 3))

    // a click halfway along the waveform seeks to half the length
    const duration = await page.evaluate(
      () => document.querySelector<HTMLAudioElement>('audio[data-active]')!.duration,
    )
    expect((await audioState(page)).time).toBeLessThan(duration / 2 - 2)
    const box = (await bar.boundingBox())!
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height / 2)
    expect(Math.abs(duration - track.duration!)).toBeLessThan(0.5)
    await expect
      .poll(async () => (await audioState(page)).time, { timeout: 10_000 })
      .toBeGreaterThan(duration / 2 - 0.3)
    expect((await audioState(page)).time).toBeLessThan(duration / 2 + 0.3)
  }, 240_000)
})
