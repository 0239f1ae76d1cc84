import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { freePort } from '../src/network.js'
import { tempDir } from './service.js'
import { waitFor } from './wait.js'

const root = join(import.meta.dirname, '../..')
const EVENTS = 20_000
const ACTORS = 2_000

/** A directory that takes every connection and never answers: the slowest kind of outage. */
async function blackhole() {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    [Symbol.asyncDispose]: async () => {
      for (const s of sockets) s.destroy()
      server.close()
    },
  }
}

/** The benchmark's generated Jetstream, in its own process; resolves with its URL. */
async function stream() {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'indexer/bench/serve-stream.ts')],
    {
      cwd: root,
      env: { ...process.env, BENCH_EVENTS: String(EVENTS), BENCH_ACTORS: String(ACTORS) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const [line] = (await once(createInterface({ input: proc.stdout! }), 'line')) as [string]
  const { url } = JSON.parse(line) as { url: string }
  return { url, [Symbol.asyncDispose]: async () => void proc.kill('SIGKILL') }
}

/** The sum of a Prometheus counter over all its label sets. */
function counterSum(metrics: string, name: string): number {
  return metrics
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0)
}

describe('a PLC directory that never answers', () => {
  it('delays handles, never records, and SIGTERM still ends npm start at once', async () => {
    await using plc = await blackhole()
    await using jetstream = await stream()
    await using data = await tempDir()
    const port = await freePort()
    const child = spawn('npm', ['start', '--silent'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: data.path,
        JETSTREAM_URL: jetstream.url,
        PLC_URL: plc.url,
        RELAY_URL: plc.url,
        IDENTITY_ALLOW_PRIVATE_NETWORK: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    const signalGroup = (signal: NodeJS.Signals) => process.kill(-child.pid!, signal)
    let output = ''
    child.stdout!.on('data', (chunk) => (output += chunk))
    child.stderr!.on('data', (chunk) => (output += chunk))
    try {
      const base = `http://127.0.0.1:${port}`
      // every event of the stream is processed while no identity can be resolved
      const processed = await waitFor(
        async () => {
          const metrics = await (await fetch(`${base}/metrics`)).text()
          const n = counterSum(metrics, 'plyr_indexer_events_total')
          return n >= EVENTS ? n : undefined
        },
        { timeoutMs: 240_000, intervalMs: 500 },
      )
      expect(processed).toBe(EVENTS)
      const health = (await (await fetch(`${base}/health`)).json()) as {
        indexer: { identityQueue: number }
      }
      // the identities wait in the queue (its size as of the resolver's last finished
      // round: a round waiting on lookups that never answer does not update it), none of
      // them resolved
      expect(health.indexer.identityQueue).toBeGreaterThan(0)
      const feed = (await (await fetch(`${base}/xrpc/fm.plyr.feed.getLatestTracks`)).json()) as {
        tracks: { artist: { handle: string } }[]
      }
      expect(feed.tracks.length).toBeGreaterThan(0)
      expect(feed.tracks.every((t) => t.artist.handle === 'handle.invalid')).toBe(true)

      // lookups and backfills hang on the directory: stopping does not wait for them
      signalGroup('SIGTERM')
      const closed = once(child, 'close')
      const deadline = new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`not stopped within 10 s:\n${output}`)), 10_000),
      )
      await Promise.race([closed, deadline])
      // stopped cleanly: the batch being written committed, its cursor saved
      expect(output).toContain('"msg":"plyr stopped"')
      expect(output).not.toContain('unclean shutdown')
    } finally {
      if (child.exitCode === null) signalGroup('SIGKILL')
    }
  }, 300_000)
})
