import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlyrService } from '@plyr/appview'
import { startPlyr, tempDir } from './service.js'
import { waitFor } from './wait.js'

type MediaHealth = {
  status: string
  media: {
    degraded: boolean
    jobs: Record<string, number>
    sweep: { lastOkAt?: string; lastError?: string }
  }
}

describe('the media sweep in /health', () => {
  let data: Awaited<ReturnType<typeof tempDir>>
  let plyr: PlyrService
  const health = async () =>
    (await (await fetch(`http://127.0.0.1:${plyr.port}/health`)).json()) as MediaHealth

  beforeAll(async () => {
    data = await tempDir()
    const dir = data.path
    // a folder of stored objects that is a file: listing the objects fails, so the sweep does
    await mkdir(join(dir, 'media', 'objects'), { recursive: true })
    await writeFile(join(dir, 'media', 'objects', 'ab'), 'not a folder')
    plyr = await startPlyr(
      {
        RUN_INDEXER: 'false',
        RUN_LABELER: 'false',
        // the first round sweeps; the next sweep comes after rounds that take jobs
        MEDIA_SWEEP_INTERVAL_SECONDS: '20',
      },
      dir,
    )
  })

  afterAll(async () => {
    await plyr?.destroy()
    await data?.[Symbol.asyncDispose]()
  })

  it('a failed sweep keeps the worker degraded over later rounds, until a sweep succeeds', async () => {
    const failed = await waitFor(async () => {
      const h = await health()
      return h.media.sweep?.lastError ? h : undefined
    })
    expect(failed.status).toBe('degraded')
    expect(failed.media.sweep.lastError).toMatch(/ENOTDIR/)

    // a later round that succeeds: it takes a job (of audio never stored: it fails)
    await plyr.database.db
      .insertInto('media_job')
      .values({
        id: 'after-the-sweep',
        did: 'did:plc:artist',
        grant_id: 'grant',
        sha256: 'ab'.repeat(32),
        rkey: '3kafter',
        input: '{}',
        state: 'queued',
        stage: 'queued',
      })
      .execute()
    const later = await waitFor(async () => {
      const h = await health()
      return h.media.jobs.failed === 1 ? h : undefined
    })
    expect(later.media.degraded).toBe(true)
    expect(later.media.sweep.lastError).toMatch(/ENOTDIR/)

    // repaired: the next sweep succeeds, and the worker is healthy again
    await rm(join(data.path, 'media', 'objects', 'ab'))
    const repaired = await waitFor(async () => {
      const h = await health()
      return h.media.sweep.lastOkAt ? h : undefined
    })
    expect(repaired.status).toBe('ok')
    expect(repaired.media).toMatchObject({
      degraded: false,
      sweep: { lastOkAt: expect.any(String) },
    })
    expect(repaired.media.sweep.lastError).toBeUndefined()
  })
})
