import { randomBytes, randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { dropDatabase, recreateDatabase } from '@plyr/db/testing'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppViewProcess, startAppViewProcess } from '../../appview/test/appview-process.js'
import { DevNetwork, freePort } from '../src/network.js'
import { makeAudio } from './audio-file.js'
import { developerToken, launchChromium } from './browser.js'
import { tempDir } from './service.js'
import { followEvents, receivedWhileStreaming, slowBody } from './upload-stream.js'

describe('an upload followed through another AppView process', { timeout: 180_000 }, () => {
  const name = `plyr_test_${randomBytes(6).toString('hex')}`
  let net: DevNetwork
  let dirs: Awaited<ReturnType<typeof tempDir>>[]
  let receiving: AppViewProcess
  let reporting: AppViewProcess
  let browser: Browser
  let publicUrl: string

  beforeAll(async () => {
    net = await DevNetwork.start()
    const databaseUrl = await recreateDatabase(name)
    dirs = [await tempDir(), await tempDir()]
    const port = await freePort()
    publicUrl = `http://127.0.0.1:${port}`
    const env = {
      ...net.serviceEnv(),
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      PUBLIC_URL: publicUrl,
      PLYR_NAMESPACE: 'fm.plyr.dev',
      RUN_INDEXER: 'false',
      CLIENT_DIR: '',
    }
    // the one receiving uploads also processes them; the other only reports
    receiving = await startAppViewProcess({ ...env, PORT: String(port), DATA_DIR: dirs[0]!.path })
    reporting = await startAppViewProcess({
      ...env,
      DATA_DIR: dirs[1]!.path,
      RUN_MEDIA_WORKER: 'false',
    })
    browser = await launchChromium()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await receiving?.stop()
    await reporting?.stop()
    await dropDatabase(name)
    for (const dir of dirs ?? []) await dir[Symbol.asyncDispose]()
    await net?.destroy()
  })

  it('streams the bytes received by one process through the other, then the job to done', async () => {
    const artist = await net.createAccount('ines')
    const token = await developerToken(browser, publicUrl, artist)
    const wav = new Uint8Array(await readFile(await makeAudio(dirs[0]!.path, 'slow.wav', 8, [])))
    const id = randomUUID()
    let answered = false
    const following = followEvents(reporting.url, token, id, () => answered)
    const res = await fetch(`${receiving.url}/xrpc/fm.plyr.media.uploadAudio`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'audio/wav',
        'content-length': String(wav.length),
        'x-plyr-upload-id': id,
      },
      body: slowBody(wav, 100),
      duplex: 'half',
    } as RequestInit)
    answered = true
    expect(res.status).toBe(200)
    const made = await fetch(`${receiving.url}/xrpc/fm.plyr.feed.createTrack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ uploadId: id, title: 'Elsewhere' }),
    })
    const { uri } = (await made.json()) as { uri: string }

    const events = await following
    const bytes = receivedWhileStreaming(events, wav.length)
    expect(bytes.length).toBeGreaterThanOrEqual(2)
    for (let i = 1; i < bytes.length; i++) expect(bytes[i]).toBeGreaterThan(bytes[i - 1]!)
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { uri } })
  })
})
