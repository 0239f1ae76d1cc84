import { Counter, Gauge, Registry } from 'prom-client'
import type { IndexEvent, Outcome } from './events.js'
import type { SourceHealth } from './sources/health.js'

type EventLabels = { collection: string; operation: string; outcome: Outcome }

/** The indexer's Prometheus metrics, in a registry of its own (no global state). */
export class IndexerMetrics {
  readonly registry = new Registry()
  private readonly events = new Counter({
    name: 'plyr_indexer_events_total',
    help: 'Events processed, by collection, operation and outcome',
    labelNames: ['collection', 'operation', 'outcome'] as const,
    registers: [this.registry],
  })
  readonly errors = new Counter({
    name: 'plyr_indexer_errors_total',
    help: 'Errors, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  })
  readonly backfillDone = new Counter({
    name: 'plyr_indexer_backfill_repos_total',
    help: 'Repos backfilled, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  })
  readonly backfillQueued = new Gauge({
    name: 'plyr_indexer_backfill_queue',
    help: 'Repos waiting to be backfilled (due or retrying)',
    registers: [this.registry],
  })

  readonly backfillListed = new Gauge({
    name: 'plyr_indexer_backfill_listed',
    help: 'Repos the relay listed for the network-wide backfill of the first start',
    registers: [this.registry],
  })
  readonly identityQueued = new Gauge({
    name: 'plyr_indexer_identity_queue',
    help: 'Actors whose identity (handle, PDS, display name) is waiting to be resolved',
    registers: [this.registry],
  })
  readonly identityLookups = new Counter({
    name: 'plyr_indexer_identity_lookups_total',
    help: 'Identity lookups, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  })

  constructor(health: () => SourceHealth) {
    new Gauge({
      name: 'plyr_indexer_lag_seconds',
      help: 'Now minus the time of the newest processed event',
      registers: [this.registry],
      collect() {
        const lag = health().lagMs
        if (lag !== null) this.set(lag / 1000)
      },
    })
    new Gauge({
      name: 'plyr_indexer_source_connected',
      help: '1 when the event source is connected',
      registers: [this.registry],
      collect() {
        this.set(health().state === 'connected' ? 1 : 0)
      },
    })
  }

  recordBatch(events: IndexEvent[], outcomes: Outcome[]): void {
    // counted per label set first: a batch of a thousand events has a handful of them, and
    // each counter update hashes its labels
    const counts = new Map<string, { labels: EventLabels; n: number }>()
    for (const [i, evt] of events.entries()) {
      const collection = evt.kind === 'commit' ? evt.collection : evt.kind
      const operation = evt.kind === 'commit' ? evt.op : evt.kind
      const outcome = outcomes[i]!
      const key = `${collection} ${operation} ${outcome}`
      const count = counts.get(key)
      if (count) count.n++
      else counts.set(key, { labels: { collection, operation, outcome }, n: 1 })
    }
    for (const { labels, n } of counts.values()) this.events.inc(labels, n)
  }
}
