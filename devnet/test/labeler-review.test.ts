import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Client } from '@atproto/lex'
import type { PlyrService } from '@plyr/appview'
import { makePiece, reencode } from '@plyr/labeler/test-audio'
import { fm } from '@plyr/lexicons'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devLabeler, type DevLabeler } from '../src/labeler.js'
import { type DevAccount, DevNetwork, freePort } from '../src/network.js'
import { developerToken, launchChromium, newUserContext, signInAtPds } from './browser.js'
import { startPlyr, tempDir } from './service.js'
import { waitFor } from './wait.js'

const NS = 'fm.plyr.dev'

// browser steps wait on the PDS and Chromium, scans on ffmpeg: generous on a loaded machine
describe(
  'tracks uploaded through plyr, scanned and reviewed by a moderator signed in through plyr',
  {
    timeout: 180_000,
  },
  () => {
    let net: DevNetwork
    let data: Awaited<ReturnType<typeof tempDir>>
    let lab: DevLabeler
    let plyr: PlyrService
    let appUrl: string
    let browser: Browser
    let nova: DevAccount
    let orin: DevAccount
    let moderator: DevAccount
    let fan: DevAccount
    let original: string
    let copy: string

    beforeAll(async () => {
      net = await DevNetwork.start()
      data = await tempDir()
      lab = await devLabeler(net)
      ;[nova, orin, moderator, fan] = await Promise.all([
        net.createAccount('nova'),
        net.createAccount('orin'),
        net.createAccount('moda'),
        net.createAccount('theo'),
      ])
      const port = await freePort()
      appUrl = `http://127.0.0.1:${port}`
      plyr = await startPlyr(
        {
          ...net.serviceEnv(),
          ...lab.env,
          PLYR_NAMESPACE: NS,
          PORT: String(port),
          PUBLIC_URL: appUrl,
          RUN_INDEXER: 'false',
          FEED_CACHE_MS: '0',
          LABELER_SCAN_POLL_MS: '300',
          ADMIN_DIDS: moderator.did,
        },
        data.path,
      )
      browser = await launchChromium()
    })
    afterAll(async () => {
      await browser?.close()
      await plyr?.destroy()
      await net?.destroy()
      await data?.[Symbol.asyncDispose]()
    })

    const appview = () => new Client({ service: appUrl })
    const shown = async (uri: string) =>
      (await appview().call(fm.plyr.feed.getLatestTracks, { limit: 50 })).tracks.some(
        (t) => t.uri === uri,
      )
    const scanned = (uri: string, status: string) =>
      waitFor(async () => {
        const row = await plyr.database.db
          .selectFrom('labeler_scan')
          .select('status')
          .where('uri', '=', uri)
          .executeTakeFirst()
        return row?.status === status || undefined
      })
    /** Uploads a file and makes it a track through plyr's media pipeline; resolves once indexed. */
    const publish = async (account: DevAccount, file: string, title: string) => {
      const token = await developerToken(browser, appUrl, account)
      const uploaded = await fetch(`${appUrl}/xrpc/fm.plyr.media.uploadAudio`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: await readFile(file),
      })
      const { uploadId } = (await uploaded.json()) as { uploadId: string }
      const client = new Client({ service: appUrl, headers: { authorization: `Bearer ${token}` } })
      const { uri } = await client.call(fm.plyr.feed.createTrack, { uploadId, title })
      // in the index (read-after-write): a flagged copy may be hidden before it is ever shown
      await waitFor(() =>
        plyr.database.db
          .selectFrom('track')
          .select('uri')
          .where('uri', '=', uri)
          .executeTakeFirst(),
      )
      return uri
    }

    it("scans them from the media pipeline's fingerprint, fetching no audio, and flags the copy", async () => {
      await using audio = await tempDir()
      const file = (name: string) => join(audio.path, name)
      await makePiece(file('song.mp3'), 220, 1, 40)
      await reencode(file('song.mp3'), file('copy.mp3'), '96k', 3)
      original = await publish(nova, file('song.mp3'), 'Nova Song')
      await scanned(original, 'clear')
      copy = await publish(orin, file('copy.mp3'), 'Orin Song')
      await scanned(copy, 'flagged')
      await waitFor(async () => ((await shown(copy)) ? undefined : true))

      // both fingerprints came from media: no audio fetched, no fpcalc run
      expect(plyr.labeler!.scanner!.counts).toEqual({ fromMedia: 2, computed: 0, downloaded: 0 })
      const health = (await (await fetch(`${lab.url}/health`)).json()) as {
        labeler: { scanner: unknown }
      }
      expect(health.labeler.scanner).toEqual({ fromMedia: 2, computed: 0, downloaded: 0 })
      const flag = await plyr.database.db
        .selectFrom('labeler_flag')
        .selectAll()
        .where('uri', '=', copy)
        .executeTakeFirstOrThrow()
      expect(flag).toMatchObject({ matched_subject: original, matched_title: 'Nova Song' })
      expect(flag.score).toBeGreaterThan(0.6)
      expect(flag.overlap_s).toBeGreaterThan(30)
    })

    it('a moderator in ADMIN_DIDS signs in through plyr, reviews the queue and acts; others are refused', async () => {
      // signed out: the sign-in page, whose form goes through the PDS's consent screen
      const context = await newUserContext(browser)
      const page = await context.newPage()
      const signedOut = await page.goto(`${appUrl}/admin`)
      expect(signedOut!.status()).toBe(200)
      await page.getByLabel('Handle').fill(moderator.handle)
      await page.getByRole('button', { name: 'Sign in with plyr' }).click()
      await signInAtPds(page, moderator)
      await page.getByRole('button', { name: 'Authorize' }).click()
      await page.waitForURL(`${appUrl}/admin`, { timeout: 30_000 })
      await page.getByText(`Signed in as ${moderator.did}`).waitFor()

      // the queue: the copy, with its evidence
      const row = page.locator('tr', { hasText: 'Orin Song' })
      await expect(row.textContent()).resolves.toContain('Nova Song')

      // a POST without the form's CSRF token is refused, even with the session cookie
      const flagId = (await row.getAttribute('id'))!.replace('flag-', '')
      const forged = await page.evaluate(
        async (path) =>
          (
            await fetch(path, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: 'reason=other&note=forged',
            })
          ).status,
        `/admin/flags/${flagId}/false-positive`,
      )
      expect(forged).toBe(403)

      // the action, through its confirmation step (htmx swaps it into the row)
      await row.getByRole('link', { name: 'False positive…' }).click()
      const confirm = page.locator('form.confirm')
      await confirm.getByLabel('Reason').selectOption('original-artist')
      await confirm.getByLabel('Note').fill('the same person')
      await confirm.getByRole('button', { name: 'Yes, do it' }).click()
      const audit = page.locator('tr', { hasText: 'the same person' })
      await audit.waitFor()
      expect(await audit.textContent()).toContain(moderator.did)
      await waitFor(async () => (await shown(copy)) || undefined)
      const resolved = await plyr.database.db
        .selectFrom('labeler_flag')
        .select(['status', 'resolved_by'])
        .where('uri', '=', copy)
        .executeTakeFirstOrThrow()
      expect(resolved).toEqual({ status: 'false_positive', resolved_by: moderator.did })
      await context.close()

      // the moderator's developer token is a program's credential, not a person at /admin
      const token = await developerToken(browser, appUrl, moderator)
      const scripted = await fetch(`${appUrl}/admin`, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(scripted.status).toBe(200)
      expect(await scripted.text()).toContain('Sign in with plyr')

      // an account signed in through plyr that is not in ADMIN_DIDS: 403, for pages and actions
      const other = await newUserContext(browser)
      const fanPage = await other.newPage()
      await fanPage.goto(`${appUrl}/admin`)
      await fanPage.getByLabel('Handle').fill(fan.handle)
      await fanPage.getByRole('button', { name: 'Sign in with plyr' }).click()
      await signInAtPds(fanPage, fan)
      await fanPage.getByRole('button', { name: 'Authorize' }).click()
      await fanPage.waitForURL(`${appUrl}/admin`, { timeout: 30_000 })
      const refused = await fanPage.reload()
      expect(refused!.status()).toBe(403)
      expect(await fanPage.textContent('body')).toContain(`${fan.did} is not a moderator`)
      expect(
        await fanPage.evaluate(
          async (path) => (await fetch(path)).status,
          `/admin/flags/${flagId}/confirm`,
        ),
      ).toBe(403)
      await other.close()
    })
  },
)
