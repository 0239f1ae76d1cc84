import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { Client } from '@atproto/lex'
import { describe, expect, it } from 'vitest'
import { fm } from '@plyr/lexicons'
import { DevNetwork, freePort } from '../src/network.js'
import { startPlyr, tempDir } from './service.js'
import { waitFor } from './wait.js'

const root = join(import.meta.dirname, '../..')
const track = (title: string) => ({
  $type: 'fm.plyr.dev.track' as const,
  title,
  artist: 'Cleo',
  fileType: 'mp3',
  createdAt: new Date().toISOString(),
})

describe('running plyr', () => {
  it('resumes from its saved cursor after a restart, missing nothing written while down', async () => {
    await using net = await DevNetwork.start()
    await using data = await tempDir()
    const env = { ...net.serviceEnv(), PLYR_NAMESPACE: 'fm.plyr.dev' }
    const artist = await net.createAccount('cleo')
    const titles = async (url: string) =>
      (await new Client({ service: url }).call(fm.plyr.feed.getLatestTracks, {})).tracks.map(
        (t) => t.title,
      )

    const first = await startPlyr(env, data.path)
    await artist.client.createRecord(track('before'))
    await waitFor(async () => ((await titles(first.url)).includes('before') ? true : undefined))
    await first.destroy()

    await artist.client.createRecord(track('while down'))
    await using second = await startPlyr(env, data.path)
    await artist.client.createRecord(track('after'))
    const seen = await waitFor(async () => {
      const t = await titles(second.url)
      return t.length === 3 ? t : undefined
    })
    expect(seen).toEqual(['after', 'while down', 'before'])
  })

  it('keeps serving and says so in /health when its event source is unreachable', async () => {
    await using data = await tempDir()
    const port = await freePort()
    const hosts = [`ws://127.0.0.1:${port}`, `ws://127.0.0.1:${await freePort()}`]
    await using plyr = await startPlyr(
      { JETSTREAM_URL: hosts.join(','), PLC_URL: 'http://127.0.0.1:1' },
      data.path,
    )
    type Health = {
      status: string
      indexer: { state: string; hosts: { url: string; state: string; lastError: string | null }[] }
    }
    // both hosts are tried in turn, and both are reported
    const health = await waitFor(async () => {
      const body = (await (await fetch(`${plyr.url}/health`)).json()) as Health
      return body.indexer.hosts.every((h) => h.state === 'unreachable') ? body : undefined
    })
    expect(health.status).toBe('degraded')
    expect(health.indexer.state).toBe('unreachable')
    expect(health.indexer.hosts.map((h) => h.url)).toEqual(hosts)
    expect(health.indexer.hosts.every((h) => h.lastError)).toBe(true)
    const feed = await fetch(`${plyr.url}/xrpc/fm.plyr.feed.getLatestTracks`)
    expect(feed.status).toBe(200)
  })

  it('npm start serves /health on PORT and shuts down cleanly on SIGTERM', async () => {
    await using data = await tempDir()
    const port = await freePort()
    const child = spawn('npm', ['start', '--silent'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: data.path,
        JETSTREAM_URL: `ws://127.0.0.1:${await freePort()}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, as under a terminal or a process manager
    })
    const signalGroup = (signal: NodeJS.Signals) => process.kill(-child.pid!, signal)
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    try {
      const health = await waitFor(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/health`)
          return res.ok ? ((await res.json()) as { database: string }) : undefined
        },
        { timeoutMs: 90_000 },
      )
      expect(health.database).toBe('ok')
      signalGroup('SIGTERM')
      // 'close' waits for every process holding the output pipes: npm, and plyr under it
      await once(child, 'close')
      expect(output).toContain('"msg":"shutting down"')
      expect(output).toContain('"msg":"plyr stopped"')
      expect(output).not.toContain('unclean shutdown')
    } finally {
      if (child.exitCode === null) signalGroup('SIGKILL')
    }
  })
})

describe('health', () => {
  it('reports the lag and turns degraded when it passes INDEXER_LAG_DEGRADED_SECONDS', async () => {
    await using net = await DevNetwork.start()
    await using data = await tempDir()
    await using plyr = await startPlyr(
      { ...net.serviceEnv(), PLYR_NAMESPACE: 'fm.plyr.dev', INDEXER_LAG_DEGRADED_SECONDS: '3' },
      data.path,
    )
    const artist = await net.createAccount('lena')
    await artist.client.createRecord(track('one'))
    type Health = {
      status: string
      indexer: {
        lagMs: number | null
        lagThresholdMs: number
        hosts: { lastEventAt: string | null }[]
      }
    }
    const health = async () => (await (await fetch(`${plyr.url}/health`)).json()) as Health
    const fresh = await waitFor(async () => {
      const h = await health()
      return h.indexer.lagMs !== null && h.indexer.lagMs < 3000 ? h : undefined
    })
    expect(fresh.status).toBe('ok')
    expect(fresh.indexer.hosts[0]!.lastEventAt).toBeTruthy()
    // nothing new arrives: the newest event ages past the threshold
    const stale = await waitFor(async () => {
      const h = await health()
      return h.status === 'degraded' ? h : undefined
    })
    expect(stale.indexer.lagMs).toBeGreaterThan(3000)
    expect(stale.indexer.lagThresholdMs).toBe(3000)
  })
})
