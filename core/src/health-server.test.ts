import { openTestDatabase } from '@plyr/db/testing'
import { pino } from 'pino'
import { Counter, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { HealthServer, type ProcessPart } from './health-server.js'

/** A part whose health the test sets, with a counter in its own registry. */
function part(name: string): ProcessPart & { degraded: boolean; counter: Counter } {
  const metrics = new Registry()
  const counter = new Counter({ name: `plyr_${name}_things`, help: 'things', registers: [metrics] })
  const p = {
    name,
    degraded: false,
    counter,
    metrics,
    health: () => ({ degraded: p.degraded, things: 1 }),
  }
  return p
}

describe('HealthServer: /health and /metrics of a service run alone', () => {
  it('reports its parts and the database, and serves their metrics merged', async () => {
    const database = await openTestDatabase()
    let destroyed = false
    try {
      const [worker, other] = [part('worker'), part('other')]
      await using server = await HealthServer.start({
        service: 'the worker',
        db: database.db,
        parts: [worker, other],
        port: 0,
        logger: pino({ level: 'silent' }),
      })
      const url = (path: string) => `http://127.0.0.1:${server.port}${path}`
      const health = async () => {
        const res = await fetch(url('/health'))
        return { status: res.status, body: (await res.json()) as Record<string, unknown> }
      }

      expect(await health()).toEqual({
        status: 200,
        body: {
          status: 'ok',
          database: 'ok',
          worker: { degraded: false, things: 1 },
          other: { degraded: false, things: 1 },
        },
      })
      other.degraded = true
      expect(await health()).toMatchObject({ status: 200, body: { status: 'degraded' } })

      worker.counter.inc(3)
      other.counter.inc(2)
      const metrics = await fetch(url('/metrics'))
      expect(metrics.status).toBe(200)
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/)
      const text = await metrics.text()
      expect(text).toMatch(/^plyr_worker_things 3$/m)
      expect(text).toMatch(/^plyr_other_things 2$/m)

      const missing = await fetch(url('/admin'))
      expect(missing.status).toBe(404)
      expect(await missing.json()).toEqual({
        error: 'not found: the worker serves /health and /metrics',
      })
      expect((await fetch(url('/health'), { method: 'POST' })).status).toBe(405)

      // the database gone: 503, down, and why
      destroyed = true
      await database.destroy()
      const down = await health()
      expect(down.status).toBe(503)
      expect(down.body).toMatchObject({ status: 'down', database: 'unavailable' })
      expect(down.body.databaseError).toEqual(expect.any(String))
    } finally {
      if (!destroyed) await database.destroy()
    }
  })
})
