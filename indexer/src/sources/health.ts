/** One upstream host as a source sees it. */
export type HostHealth = {
  url: string
  state: 'idle' | 'connecting' | 'connected' | 'unreachable'
  lastEventAt: string | null
  lastError: string | null
  /** Failed connection attempts since the last success. */
  failures: number
}

/** What an event source reports about itself, for logs, /health and /metrics. */
export type SourceHealth = {
  source: 'firehose' | 'jetstream'
  state: 'connecting' | 'connected' | 'unreachable' | 'stopped'
  /** Now minus the time of the newest event processed, when there is one. */
  lagMs: number | null
  /** Why the batch being written fails (the database is away; it is retried), else null. */
  writeError: string | null
  hosts: HostHealth[]
}

export class HealthTracker {
  private readonly hosts: HostHealth[]
  private state: SourceHealth['state'] = 'connecting'
  private lastEventTime: number | null = null
  private writeError: string | null = null

  constructor(
    private readonly source: SourceHealth['source'],
    urls: string[],
  ) {
    this.hosts = urls.map((url) => ({
      url,
      state: 'idle',
      lastEventAt: null,
      lastError: null,
      failures: 0,
    }))
  }

  host(url: string): HostHealth {
    return this.hosts.find((h) => h.url === url)!
  }

  connecting(url: string): void {
    this.host(url).state = 'connecting'
  }

  connected(url: string): void {
    const host = this.host(url)
    host.state = 'connected'
    host.lastError = null
    host.failures = 0
    this.state = 'connected'
  }

  failed(url: string, err: unknown): void {
    const host = this.host(url)
    host.state = 'unreachable'
    host.lastError = String(err)
    host.failures++
    if (this.hosts.every((h) => h.state !== 'connected')) this.state = 'unreachable'
  }

  /** Writing (or reading the cursor) failed; cleared by the next batch written. */
  writeFailed(err: unknown): void {
    this.writeError = String(err)
  }

  /** `eventTime`: when the newest processed event happened upstream (ms since epoch). */
  processed(url: string, eventTime: number | undefined): void {
    this.writeError = null
    this.host(url).lastEventAt = new Date().toISOString()
    if (eventTime !== undefined) this.lastEventTime = eventTime
  }

  stopped(): void {
    this.state = 'stopped'
    for (const h of this.hosts) h.state = 'idle'
  }

  snapshot(): SourceHealth {
    return {
      source: this.source,
      state: this.state,
      lagMs: this.lastEventTime === null ? null : Math.max(0, Date.now() - this.lastEventTime),
      writeError: this.writeError,
      hosts: this.hosts.map((h) => ({ ...h })),
    }
  }
}
