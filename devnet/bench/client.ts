// npm run bench:client: the web client's first load against the demo network, in headless
// Chromium, next to the same home page served as static HTML with no script. One JSON line.
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import type { Browser, Page } from 'playwright-core'
import { buildClient } from '../../client/build.js'
import { launchChromium } from '../test/browser.js'
import { startDemoPlyr } from '../test/web-client-network.js'

const RUNS = 5
const log = (message: string) => process.stderr.write(`${message}\n`)

/** The largest contentful paint of a page, once it has settled (ms from navigation). */
async function lcp(page: Page, url: string): Promise<number> {
  await page.goto(url)
  await page.waitForLoadState('networkidle')
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        new PerformanceObserver((list) => {
          const entries = list.getEntries()
          resolve(entries[entries.length - 1]!.startTime)
        }).observe({ type: 'largest-contentful-paint', buffered: true })
      }),
  )
}

/** From navigation to the first track's audio playing, clicking its play button at once. */
async function firstPlay(page: Page, url: string): Promise<number> {
  await page.goto(url)
  const play = page.getByRole('button', { name: /^Play .+ by / }).first()
  await play.click()
  await page.waitForFunction(() => {
    const audio = document.querySelector<HTMLAudioElement>('audio[data-active]')
    return audio !== null && !audio.paused && audio.currentTime > 0
  })
  // the first moment it played: the audio's first timeupdate after starting is close enough
  return page.evaluate(() => performance.now())
}

/** JavaScript and CSS the home page loads before anyone does anything, gzipped. */
async function firstLoadBytes(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext()
  const page = await context.newPage()
  const bodies: Promise<Buffer>[] = []
  page.on('response', (res) => {
    const type = res.request().resourceType()
    if (type === 'script' || type === 'stylesheet') bodies.push(res.body())
  })
  await page.goto(url)
  await page.waitForLoadState('networkidle')
  const total = (await Promise.all(bodies)).reduce((n, b) => n + gzipSync(b).length, 0)
  await context.close()
  return total
}

/**
 * The home page as rendered, as one static HTML file with no script: every shadow root
 * written out as declarative shadow DOM with its styles inlined.
 */
async function staticSnapshot(browser: Browser, url: string): Promise<string> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(url)
  await page.waitForLoadState('networkidle')
  const html = await page.evaluate(async () => {
    // (no named functions in here: tsx would wrap them in a helper the page lacks)
    const roots: ShadowRoot[] = []
    const pending: (Document | ShadowRoot)[] = [document]
    while (pending.length > 0) {
      for (const el of pending.pop()!.querySelectorAll('*')) {
        if (el.shadowRoot) {
          roots.push(el.shadowRoot)
          pending.push(el.shadowRoot)
        }
      }
    }
    for (const root of roots) {
      const style = document.createElement('style')
      style.textContent = root.adoptedStyleSheets
        .flatMap((sheet) => [...sheet.cssRules].map((r) => r.cssText))
        .join('\n')
      root.prepend(style)
    }
    const css = [...document.styleSheets]
      .flatMap((sheet) => [...sheet.cssRules].map((r) => r.cssText))
      .join('\n')
    document
      .querySelectorAll('script, link[rel="modulepreload"], link[rel="stylesheet"], audio')
      .forEach((el) => el.remove())
    const head = document.head.getHTML()
    const body = document.body.getHTML({ shadowRoots: roots })
    return `<!doctype html><html lang="en"><head>${head}<style>${css}</style></head><body>${body}</body></html>`
  })
  await context.close()
  return html
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.floor(sorted.length / 2)]!)
}

log('building the client…')
await buildClient()
log('starting the demo network…')
await using demo = await startDemoPlyr()
const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required'])
try {
  const home = `${demo.url}/`
  const firstLoad = await firstLoadBytes(browser, home)
  const snapshot = await staticSnapshot(browser, home)
  const baselineServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(snapshot)
  })
  baselineServer.listen(0, '127.0.0.1')
  await once(baselineServer, 'listening')
  const baselineUrl = `http://127.0.0.1:${(baselineServer.address() as AddressInfo).port}/`
  const measured = { lcp: [] as number[], baseline: [] as number[], play: [] as number[] }
  for (let i = 0; i < RUNS; i++) {
    log(`run ${i + 1}/${RUNS}`)
    // each measurement in a fresh context: nothing cached, nothing stored
    for (const [key, measure, url] of [
      ['lcp', lcp, home],
      ['baseline', lcp, baselineUrl],
      ['play', firstPlay, home],
    ] as const) {
      const context = await browser.newContext({ locale: 'en-US' })
      measured[key].push(await measure(await context.newPage(), url))
      await context.close()
    }
  }
  baselineServer.close()
  console.log(
    JSON.stringify({
      first_load_gzip_bytes: firstLoad,
      lcp_ms: median(measured.lcp),
      baseline_lcp_ms: median(measured.baseline),
      first_play_ms: median(measured.play),
    }),
  )
} finally {
  await browser.close()
}
