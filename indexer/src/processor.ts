import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { IndexSchema } from '@plyr/db'
import { lexToJson } from '@atproto/lex'
import type { PlyrNamespace, RecordName } from '@plyr/lexicons'
import type { CommitEvent, IndexEvent } from './events.js'
import { plugins } from './plugins/index.js'
import type { Tx } from './plugins/plugin.js'
import {
  type ActorIdentity,
  actorExists,
  ensureActor,
  setHandle,
  setStatus,
} from './store/actors.js'
import { saveCursor } from './store/cursors.js'
import { deleteRecord, putRecord, storedRev } from './store/records.js'

/** Looks up what the index shows for a newly seen actor (handle, display name). */
export type ActorLookup = (did: string) => Promise<ActorIdentity>

export type ProcessorOptions = {
  db: Kysely<IndexSchema>
  namespace: PlyrNamespace
  lookupActor: ActorLookup
  logger: Logger
}

export type Outcome = 'applied' | 'ignored' | 'invalid'

/**
 * The one place events become rows. Every source calls `apply` with the events it read
 * and the cursor they bring it to; rows and cursor commit in one transaction.
 *
 * - a create or update applies only if its commit rev is newer than the stored one,
 *   so replays and late older versions change nothing;
 * - a record invalid under its lexicon is skipped, never stopping the stream.
 */
export class Processor {
  constructor(private readonly opts: ProcessorOptions) {}

  async apply(source: string, events: IndexEvent[], cursor: number): Promise<Outcome[]> {
    // Identity lookups leave the process: do them before the transaction opens.
    const newActors = await this.lookupNewActors(events)
    return this.opts.db.transaction().execute(async (tx) => {
      const outcomes: Outcome[] = []
      for (const evt of events) outcomes.push(await this.applyOne(tx, evt, newActors))
      await saveCursor(tx, source, cursor)
      return outcomes
    })
  }

  private async applyOne(
    tx: Tx,
    evt: IndexEvent,
    newActors: Map<string, ActorIdentity>,
  ): Promise<Outcome> {
    switch (evt.kind) {
      case 'identity':
        if (!(await actorExists(tx, evt.did))) return 'ignored'
        await setHandle(tx, evt.did, evt.handle ?? null)
        return 'applied'
      case 'account':
        if (!(await actorExists(tx, evt.did))) return 'ignored'
        await setStatus(tx, evt.did, evt.active ? 'active' : (evt.status ?? 'deactivated'))
        return 'applied'
      case 'commit':
        return this.applyCommit(tx, evt, newActors)
    }
  }

  private async applyCommit(
    tx: Tx,
    evt: CommitEvent,
    newActors: Map<string, ActorIdentity>,
  ): Promise<Outcome> {
    const name = this.opts.namespace.recordName(evt.collection)
    const plugin = name && plugins[name]
    if (!plugin) return 'ignored'
    const rev = await storedRev(tx, evt.uri)

    if (evt.op === 'delete') {
      if (rev !== undefined && rev > evt.rev) return 'ignored'
      await plugin.delete(tx, evt.uri)
      await deleteRecord(tx, evt.uri)
      return 'applied'
    }

    if (rev !== undefined && rev >= evt.rev) return 'ignored'
    const problem = this.problemWith(plugin.name, evt)
    if (problem || !evt.cid || !evt.record) {
      this.opts.logger.warn({ uri: evt.uri, reason: problem }, 'skipping invalid record')
      return 'invalid'
    }
    const identity = newActors.get(evt.did)
    if (identity) await ensureActor(tx, evt.did, identity)
    const indexedAt = new Date()
    await putRecord(tx, { ...evt, cid: evt.cid, record: evt.record, indexedAt })
    await plugin.upsert(tx, { ...evt, cid: evt.cid, record: evt.record, indexedAt })
    return 'applied'
  }

  /** Why a record cannot be indexed, if it cannot. */
  private problemWith(name: RecordName, evt: CommitEvent): string | undefined {
    if (!evt.cid || !evt.record) return 'missing cid or record'
    const check = this.opts.namespace.validateRecord(name, evt.record)
    if (!check.ok) return check.reason
    // valid under the lexicon, but Postgres text and jsonb cannot hold NUL characters
    if (JSON.stringify(lexToJson(evt.record)).includes('\\u0000')) return 'contains a NUL character'
    return undefined
  }

  private async lookupNewActors(events: IndexEvent[]): Promise<Map<string, ActorIdentity>> {
    const dids = new Set(
      events
        .filter(
          (e) =>
            e.kind === 'commit' &&
            e.op !== 'delete' &&
            this.opts.namespace.recordName(e.collection),
        )
        .map((e) => e.did),
    )
    const found = new Map<string, ActorIdentity>()
    if (dids.size === 0) return found
    const known = await this.opts.db
      .selectFrom('actor')
      .select('did')
      .where('did', 'in', [...dids])
      .execute()
    for (const { did } of known) dids.delete(did)
    for (const did of dids) found.set(did, await this.opts.lookupActor(did))
    return found
  }
}
