// docker-compose.yml, checked without Docker: every service built from this repository is
// started as a local process with its compose command and environment (compose hosts
// mapped to this machine, its ports to free ones, the dev network as the upstream, the
// local Postgres in a database made for the test, S3 an in-process fauxqs with the bucket
// made), and must reach healthy through the URL of its compose healthcheck. Healthy: that
// URL answers 200 with the database reachable and nothing degraded (the indexer connected
// to the dev network's Jetstream, the media worker through a round that listed the bucket).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FauxqsServer, startFauxqs } from 'fauxqs'
import { parse } from 'yaml'
import { Database } from '@plyr/db'
import { dropDatabase, recreateDatabase } from '@plyr/db/testing'
import { DevNetwork, freePort } from '../src/network.js'
import { waitFor } from './wait.js'

type Service = {
  image?: string
  build?: string
  command?: string | string[]
  entrypoint?: string | string[]
  environment?: Record<string, string>
  ports?: string[]
  healthcheck?: { test?: string | string[] }
  depends_on?: string[] | Record<string, { condition?: string }>
  restart?: string
}

const root = join(import.meta.dirname, '../..')
const read = (file: string) => readFile(join(root, file), 'utf8')

/**
 * Services run from someone else's image, and what stands in for each here. A new one
 * (a later issue's) fails the test until it is given a stand-in.
 */
const standIns: Record<string, string> = {
  postgres: 'the local Postgres (127.0.0.1:5432), in a database this test creates and drops',
  s3: 'fauxqs, an S3-compatible server in this process, on a free port',
  's3-bucket': 'this test, which makes the bucket in fauxqs',
}

/**
 * The variables compose is given from the operator's environment (or .env); the file
 * demands them (`${NAME:?why}`) rather than writing a secret of its own.
 */
const operatorEnv = { SESSION_SECRET: randomBytes(32).toString('base64url') }
const demanded = ['SESSION_SECRET']

/** Compose's interpolation of `${NAME}`, `${NAME:-default}` and `${NAME:?error}`. */
const interpolate = (text: string, env: Record<string, string>) =>
  text.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    if (env[name]) return env[name]
    if (op === '-') return arg!
    throw new Error(`docker-compose.yml needs ${name}: ${arg ?? 'unset'}`)
  })

/** Upstream network settings, pointed at the dev network. */
const upstream = ['JETSTREAM_URL', 'FIREHOSE_URL', 'PLC_URL', 'RELAY_URL', 'HANDLE_RESOLVER_URL']

const commandOf = (s: Service) =>
  typeof s.command === 'string' ? s.command.split(' ') : (s.command ?? [])
const healthUrlOf = (s: Service) => {
  const test = [s.healthcheck?.test ?? []].flat().join(' ')
  const url = /https?:\/\/[^\s'"`)]+/.exec(test)?.[0]
  return url ? new URL(url) : undefined
}
/** Whether the service runs an indexer: `start:indexer`, or `npm start` with RUN_INDEXER. */
const runsIndexer = (s: Service) => {
  const command = commandOf(s).join(' ')
  return (
    command === 'npm run start:indexer' ||
    (command === 'npm start' && s.environment?.RUN_INDEXER !== 'false')
  )
}

describe('docker-compose.yml', () => {
  let services: Record<string, Service>
  let ours: [string, Service][]
  let raw: Record<string, Service>
  beforeAll(async () => {
    type Compose = { services: Record<string, Service> }
    const text = await read('docker-compose.yml')
    raw = (parse(text, { merge: true }) as Compose).services
    services = (parse(interpolate(text, operatorEnv), { merge: true }) as Compose).services
    ours = Object.entries(services).filter(([, s]) => s.build === '.')
  })

  it('describes every service so that it can run and be watched', async () => {
    const scripts = (JSON.parse(await read('package.json')) as { scripts: Record<string, string> })
      .scripts
    const dockerfile = await read('Dockerfile')
    const exposed = /^EXPOSE (.+)$/m.exec(dockerfile)?.[1]?.split(/\s+/) ?? []
    expect(ours.map(([name]) => name)).toEqual(
      expect.arrayContaining(['appview', 'indexer', 'labeler', 'media']),
    )
    // A one-shot service (s3-bucket) does its work and exits: what depends on it waits for
    // it to complete, so it has no healthcheck and is never restarted. Any other service
    // has a healthcheck, and what depends on it waits for it to be healthy.
    const dependencies = Object.values(services).flatMap((s) =>
      Array.isArray(s.depends_on)
        ? s.depends_on.map((on) => [on, undefined] as const)
        : Object.entries(s.depends_on ?? {}).map(([on, d]) => [on, d.condition] as const),
    )
    const oneShots = new Set(
      dependencies.filter(([, c]) => c === 'service_completed_successfully').map(([on]) => on),
    )
    for (const [on, condition] of dependencies) {
      expect(services[on], `${on} is a service`).toBeDefined()
      expect(condition, `what depends on ${on} waits for it`).toBe(
        oneShots.has(on) ? 'service_completed_successfully' : 'service_healthy',
      )
    }
    for (const [name, service] of Object.entries(services)) {
      if (oneShots.has(name)) {
        expect(service.healthcheck, `${name}, a one-shot, has no healthcheck`).toBeUndefined()
        expect(service.restart, `${name}, a one-shot, is not restarted`).toBeUndefined()
      } else {
        expect(service.healthcheck?.test, `${name} has a healthcheck`).toBeDefined()
      }
      for (const key of demanded) {
        const value = raw[name]!.environment?.[key]
        if (value !== undefined) {
          expect(value, `${name} takes ${key} from the environment`).toMatch(
            new RegExp(`^\\$\\{${key}:\\?`),
          )
        }
      }
      if (service.build !== '.') {
        expect(standIns[name], `${name} (image ${service.image}) has a stand-in`).toBeDefined()
        continue
      }
      // a package.json script the image can run, through npm as in the Dockerfile
      const [npm, ...args] = commandOf(service)
      expect(npm).toBe('npm')
      const script = args[0] === 'run' ? args[1]! : args[0]!
      expect(scripts[script], `${name}: npm ${args.join(' ')}`).toBeDefined()
      // its healthcheck asks the port it listens on, and the image exposes that port
      const health = healthUrlOf(service)
      expect(health, `${name}'s healthcheck names a URL`).toBeDefined()
      const portVar = Object.entries(service.environment ?? {}).find(
        ([, v]) => v === health!.port,
      )?.[0]
      expect(portVar, `${name} listens on its healthcheck's port`).toMatch(/PORT$/)
      expect(exposed).toContain(health!.port)
      for (const mapping of service.ports ?? []) {
        expect(exposed).toContain(mapping.split(':').pop())
      }
      const env = service.environment ?? {}
      if (runsIndexer(service)) {
        // the source it reads is the one it is given a URL for, and only that one
        expect(['jetstream', 'firehose']).toContain(env.INDEXER_SOURCE)
        const [used, unused] =
          env.INDEXER_SOURCE === 'firehose'
            ? ['FIREHOSE_URL', 'JETSTREAM_URL']
            : ['JETSTREAM_URL', 'FIREHOSE_URL']
        expect(env[used], `${name} sets ${used}`).toBeDefined()
        expect(env[unused], `${name} sets no ${unused}`).toBeUndefined()
      }
      if (commandOf(service).join(' ') === 'npm start') {
        expect(env.PUBLIC_URL, `${name} sets PUBLIC_URL`).toMatch(/^https?:\/\//)
      }
      if (env.S3_BUCKET) {
        // the s3 service's, in the bucket s3-bucket makes
        const endpoint = new URL(env.S3_ENDPOINT!)
        expect(endpoint.hostname, `${name}'s S3_ENDPOINT`).toBe('s3')
        expect(services.s3!.ports).toContainEqual(expect.stringMatching(`:${endpoint.port}$`))
        const bucketSetup = [services['s3-bucket']!.entrypoint].flat().join(' ')
        expect(bucketSetup).toContain(`mb --ignore-existing s3/${env.S3_BUCKET}`)
        // what listeners are sent to is reachable from the host, not the compose network:
        // presigned for the s3 service's published port; the bucket stays private
        const served = new URL(env.S3_PUBLIC_ENDPOINT ?? 'http://unset')
        expect(env.S3_PUBLIC_ENDPOINT, `${name} sets S3_PUBLIC_ENDPOINT`).toBeDefined()
        expect(Object.keys(services), `${name}'s S3_PUBLIC_ENDPOINT host`).not.toContain(
          served.hostname,
        )
        expect(served.hostname).toBe('localhost')
        expect(services.s3!.ports).toContainEqual(expect.stringMatching(`^${served.port}:`))
        expect(env.MEDIA_PUBLIC_URL, `${name} presigns rather than naming a CDN`).toBeUndefined()
        expect(bucketSetup).not.toContain('anonymous')
      }
    }
    // the image runs the Node the project pins, and its default command exists
    const nodeMajor = (
      JSON.parse(await read('package.json')) as {
        devDependencies: Record<string, string>
      }
    ).devDependencies
      .node!.replace(/^\D*/, '')
      .split('.')[0]
    expect(dockerfile).toMatch(new RegExp(`^FROM node:${nodeMajor}-`, 'm'))
    const cmd = JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]!) as string[]
    expect(cmd[0]).toBe('npm')
    expect(scripts[cmd[1] === 'run' ? cmd[2]! : cmd[1]!]).toBeDefined()
  })

  describe('each of plyr services, started as compose would', () => {
    let net: DevNetwork
    let database: { name: string; url: string }
    let s3: FauxqsServer
    const running: { name: string; stop: () => Promise<string> }[] = []
    beforeAll(async () => {
      net = await DevNetwork.start()
      const name = `plyr_compose_${randomBytes(6).toString('hex')}`
      database = { name, url: await recreateDatabase(name) }
      // s3's stand-in, with what s3-bucket makes: the bucket the services name
      s3 = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false })
      for (const [, service] of ours) {
        if (service.environment?.S3_BUCKET) s3.createBucket(service.environment.S3_BUCKET)
      }
    })
    afterAll(async () => {
      await Promise.all(running.map((r) => r.stop()))
      if (database) await dropDatabase(database.name)
      await s3?.stop()
      await net?.destroy()
    })

    it('reaches healthy, and the indexer alone serves /metrics', async () => {
      // every service's port, as compose names it, and the free one it gets here
      const ports = new Map<string, number>()
      for (const [, service] of ours) ports.set(healthUrlOf(service)!.port, await freePort())
      for (const [, service] of ours) {
        const endpoint = service.environment?.S3_ENDPOINT
        if (endpoint) ports.set(new URL(endpoint).port, s3.port)
      }
      const serviceHosts = new Set([...Object.keys(services), 'localhost', '127.0.0.1'])
      const devnet = net.serviceEnv()
      /** A value as it works here: compose hosts and ports mapped to this machine's. */
      const local = (value: string): string => {
        if (!/^[a-z]+:\/\//.test(value)) return value
        const url = new URL(value)
        if (url.hostname === 'postgres') return database.url
        if (!serviceHosts.has(url.hostname)) return value
        url.hostname = '127.0.0.1'
        if (ports.has(url.port)) url.port = String(ports.get(url.port))
        return url.toString().replace(/\/$/, '')
      }

      const started = ours.map(([name, service]) => {
        const env: Record<string, string> = {}
        for (const [key, value] of Object.entries(service.environment ?? {})) {
          if (upstream.includes(key)) env[key] = devnet[key]!
          else if (key.endsWith('PORT')) env[key] = String(ports.get(value) ?? value)
          else env[key] = local(value)
        }
        env.IDENTITY_ALLOW_PRIVATE_NETWORK = 'true' // the dev network is on loopback
        const [command, ...args] = commandOf(service)
        const child = spawn(command!, args, {
          cwd: root,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true, // its own process group: npm, and the service under it
        })
        let output = ''
        child.stdout.on('data', (chunk) => (output += chunk))
        child.stderr.on('data', (chunk) => (output += chunk))
        const closed = once(child, 'close')
        const stop = async () => {
          if (child.exitCode === null && child.signalCode === null) {
            process.kill(-child.pid!, 'SIGTERM')
            await closed
          }
          return output
        }
        running.push({ name, stop })
        const health = new URL(local(healthUrlOf(service)!.toString()))
        const exited = closed.then(() => {
          throw new Error(`exited (${child.exitCode ?? child.signalCode})`)
        })
        exited.catch(() => {}) // awaited below while it waits for health; stopping is fine
        return { name, service, health, output: () => output, exited }
      })

      type Log = { level: number }
      for (const { name, health, output, exited } of started) {
        type Health = { status: string; database: string; media?: { jobs: object } }
        const healthy = waitFor(
          async () => {
            const res = await fetch(health)
            const json = (await res.json()) as Health
            // a media worker counts its jobs once a round went through, which begins by
            // sweeping the storage: listing the bucket
            const worked = !json.media || Object.keys(json.media.jobs).length > 0
            return res.status === 200 && json.status === 'ok' && worked ? json : undefined
          },
          { timeoutMs: 120_000, intervalMs: 500 },
        )
        const body = await Promise.race([healthy, exited]).catch((err: Error) => {
          throw new Error(`${name} did not reach healthy at ${health}:\n${output()}`, {
            cause: err,
          })
        })
        expect(body).toMatchObject({ status: 'ok', database: 'ok' })
      }

      // and nothing went wrong on the way: no service logged an error (the media worker's
      // first round, which lists the bucket, among what would)
      for (const { name, output } of started) {
        const errors = output()
          .split('\n')
          .filter((line) => line.startsWith('{') && (JSON.parse(line) as Log).level >= 50)
        expect(errors, `${name} logged no error`).toEqual([])
      }

      const indexer = started.find((s) => commandOf(s.service).includes('start:indexer'))!
      const metrics = await fetch(new URL('/metrics', indexer.health))
      expect(metrics.status).toBe(200)
      expect(await metrics.text()).toMatch(/^plyr_indexer_source_connected 1$/m)
      const media = started.find((s) => commandOf(s.service).includes('start:media'))!
      const mediaMetrics = await fetch(new URL('/metrics', media.health))
      expect(mediaMetrics.status).toBe(200)
      expect(await mediaMetrics.text()).toMatch(/^plyr_media_jobs\{state="queued"\} 0$/m)

      // the AppView serves stored media from the bucket: cover art put there, its rows
      // written as the media worker would, is a redirect to a URL presigned for the
      // public endpoint (S3_PUBLIC_ENDPOINT, mapped to this machine)
      const appview = started.find((s) => commandOf(s.service).join(' ') === 'npm start')!
      const bytes = randomBytes(256)
      const sha256 = createHash('sha256').update(bytes).digest('hex')
      const bucket = appview.service.environment!.S3_BUCKET!
      const put = await fetch(`http://127.0.0.1:${s3.port}/${bucket}/${sha256}`, {
        method: 'PUT',
        body: bytes,
      })
      expect(put.status).toBe(200)
      {
        await using db = await Database.open({ databaseUrl: database.url })
        await db.db
          .insertInto('media_object')
          .values({ sha256, size: bytes.length, content_type: 'image/png' })
          .execute()
        await db.db
          .insertInto('media_image')
          .values({
            id: 'compose',
            did: 'did:plc:compose',
            original_sha256: sha256,
            small_sha256: sha256,
            large_sha256: sha256,
          })
          .execute()
      }
      const image = await fetch(new URL('/images/compose/original', appview.health), {
        redirect: 'manual',
      })
      expect(image.status).toBe(307)
      const served = new URL(image.headers.get('location')!)
      expect(served.origin + served.pathname).toBe(
        `http://127.0.0.1:${s3.port}/${bucket}/${sha256}`,
      )
      expect(served.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
      const stored = await fetch(served)
      expect(Buffer.from(await stored.arrayBuffer())).toEqual(bytes)

      // a clean stop on SIGTERM, as `docker compose stop` sends it
      for (const { name, stop } of running.splice(0)) {
        const output = await stop()
        expect(output, name).not.toContain('unclean shutdown')
      }
    }, 240_000)
  })
})
