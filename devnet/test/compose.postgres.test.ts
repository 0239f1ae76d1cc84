// docker-compose.yml, checked without Docker: every service built from this repository is
// started as a local process with its compose command and environment (compose hosts
// mapped to this machine, its ports to free ones, the dev network as the upstream, the
// local Postgres in a database made for the test), and must reach healthy through the
// URL of its compose healthcheck. Healthy: that URL answers 200 with the database
// reachable and nothing degraded (the indexer connected to the dev network's Jetstream).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { dropDatabase, recreateDatabase } from '@plyr/db/testing'
import { DevNetwork, freePort } from '../src/network.js'
import { waitFor } from './wait.js'

type Service = {
  image?: string
  build?: string
  command?: string | string[]
  environment?: Record<string, string>
  ports?: string[]
  healthcheck?: { test?: string | string[] }
}

const root = join(import.meta.dirname, '../..')
const read = (file: string) => readFile(join(root, file), 'utf8')

/**
 * Services run from someone else's image, and what stands in for each here. A new one
 * (a later issue's) fails the test until it is given a stand-in.
 */
const standIns: Record<string, string> = {
  postgres: 'the local Postgres (127.0.0.1:5432), in a database this test creates and drops',
  s3: 'none yet: no plyr service uses storage until media lands, which brings a local one',
}

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
  beforeAll(async () => {
    const compose = parse(await read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, Service>
    }
    services = compose.services
    ours = Object.entries(services).filter(([, s]) => s.build === '.')
  })

  it('describes every service so that it can run and be watched', async () => {
    const scripts = (JSON.parse(await read('package.json')) as { scripts: Record<string, string> })
      .scripts
    const dockerfile = await read('Dockerfile')
    const exposed = /^EXPOSE (.+)$/m.exec(dockerfile)?.[1]?.split(/\s+/) ?? []
    // media and the labeler join these as they land
    expect(ours.map(([name]) => name)).toEqual(expect.arrayContaining(['appview', 'indexer']))
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test, `${name} has a healthcheck`).toBeDefined()
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
    const running: { name: string; stop: () => Promise<string> }[] = []
    beforeAll(async () => {
      net = await DevNetwork.start()
      const name = `plyr_compose_${randomBytes(6).toString('hex')}`
      database = { name, url: await recreateDatabase(name) }
    })
    afterAll(async () => {
      await Promise.all(running.map((r) => r.stop()))
      if (database) await dropDatabase(database.name)
      await net?.destroy()
    })

    it('reaches healthy, and the indexer alone serves /metrics', async () => {
      // every service's port, as compose names it, and the free one it gets here
      const ports = new Map<string, number>()
      for (const [, service] of ours) ports.set(healthUrlOf(service)!.port, await freePort())
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

      for (const { name, health, output, exited } of started) {
        type Health = { status: string; database: string }
        const healthy = waitFor(
          async () => {
            const res = await fetch(health)
            const json = (await res.json()) as Health
            return res.status === 200 && json.status === 'ok' ? json : undefined
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

      const indexer = started.find((s) => commandOf(s.service).includes('start:indexer'))!
      const metrics = await fetch(new URL('/metrics', indexer.health))
      expect(metrics.status).toBe(200)
      expect(await metrics.text()).toMatch(/^plyr_indexer_source_connected 1$/m)

      // a clean stop on SIGTERM, as `docker compose stop` sends it
      for (const { name, stop } of running.splice(0)) {
        const output = await stop()
        expect(output, name).not.toContain('unclean shutdown')
      }
    }, 240_000)
  })
})
