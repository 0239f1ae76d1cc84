import { waitFor } from './wait.js'

/** A route readers request, and the statuses it answers when the database is there. */
export type Route = { path: string; headers?: Record<string, string>; ok: number[] }

/**
 * One request: when it started, what came back (`status` 0: no answer at all), and what
 * its route answers when the database is there.
 */
export type Outcome = {
  url: string
  cookie: boolean
  startedAt: number
  status: number
  error?: string
  usual: number[]
}

/** A request that got no answer within this long counts as hanging. */
const HANG_MS = 30_000

/**
 * Concurrent readers, each requesting one route of one service over and over, one
 * request at a time, until stopped; every outcome is kept.
 */
export class ReadLoad {
  readonly outcomes: Outcome[] = []
  private stopped = false
  private readonly readers: Promise<void>[]

  constructor(targets: { base: string; routes: Route[]; readers: number }[]) {
    this.readers = targets.flatMap(({ base, routes, readers }) =>
      Array.from({ length: readers }, (_, i) => {
        const route = routes[i % routes.length]!
        return this.read(base + route.path, route.headers ?? {}, route.ok)
      }),
    )
  }

  private async read(url: string, headers: Record<string, string>, usual: number[]) {
    const cookie = 'cookie' in headers
    while (!this.stopped) {
      const startedAt = Date.now()
      try {
        const res = await fetch(url, { headers, signal: AbortSignal.timeout(HANG_MS) })
        const body = await res.text()
        const outcome: Outcome = { url, cookie, startedAt, status: res.status, usual }
        if (res.status >= 300) outcome.error = errorName(body)
        this.outcomes.push(outcome)
      } catch (err) {
        this.outcomes.push({ url, cookie, startedAt, status: 0, error: String(err), usual })
      }
    }
  }

  /** Waits until `count` requests started at or after `since` have been answered. */
  async answeredSince(since: number, count: number, timeoutMs = 90_000): Promise<void> {
    await waitFor(
      async () =>
        this.outcomes.filter((o) => o.startedAt >= since).length >= count ? true : undefined,
      { timeoutMs },
    )
  }

  /** Answers that are neither the route's usual one nor a 503 `DatabaseUnavailable`. */
  unexpected(): Outcome[] {
    return this.outcomes.filter(
      (o) => !this.isOk(o) && !(o.status === 503 && o.error === 'DatabaseUnavailable'),
    )
  }

  /** Requests started at or after `since` that did not get the route's usual answer. */
  failedSince(since: number): Outcome[] {
    return this.outcomes.filter((o) => o.startedAt >= since && !this.isOk(o))
  }

  /** How many requests were refused as `DatabaseUnavailable`. */
  unavailable(): number {
    return this.outcomes.filter((o) => o.status === 503 && o.error === 'DatabaseUnavailable').length
  }

  async stop(): Promise<void> {
    this.stopped = true
    await Promise.all(this.readers)
  }

  private isOk(o: Outcome): boolean {
    return o.usual.includes(o.status)
  }
}

function errorName(body: string): string {
  try {
    const { error } = JSON.parse(body) as { error?: unknown }
    return typeof error === 'string' ? error : body.slice(0, 200)
  } catch {
    return body.slice(0, 200)
  }
}
