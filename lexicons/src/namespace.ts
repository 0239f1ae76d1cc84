import { recordLexicons, type RecordName, type RecordTypes } from './generated/records.js'

/** The production namespace; local work uses e.g. `fm.plyr.dev`. */
export const DEFAULT_NAMESPACE = 'fm.plyr'
const LEXICON_NAMESPACE = 'fm.plyr'

const NSID_PREFIX = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/

export class InvalidNamespaceError extends Error {}

/** A collection NSID (at least three segments). */
export type CollectionNsid = `${string}.${string}.${string}`

/**
 * The collections of one plyr namespace: `${namespace}.track` and so on. Every place
 * that names a collection goes through this, so test data written under `fm.plyr.dev`
 * never lands in production collections.
 */
export class PlyrNamespace {
  readonly collections: Readonly<Record<RecordName, CollectionNsid>>
  private readonly byCollection: Map<string, RecordName>

  constructor(readonly namespace: string = DEFAULT_NAMESPACE) {
    if (!NSID_PREFIX.test(namespace)) {
      throw new InvalidNamespaceError(
        `PLYR_NAMESPACE must be a lowercase dotted name like "fm.plyr" or "fm.plyr.dev", got "${namespace}"`,
      )
    }
    const names = Object.keys(recordLexicons) as RecordName[]
    this.collections = Object.fromEntries(
      names.map((name) => [name, `${namespace}.${name}`]),
    ) as Record<RecordName, CollectionNsid>
    this.byCollection = new Map(names.map((name) => [this.collections[name], name]))
  }

  collection(name: RecordName): CollectionNsid {
    return this.collections[name]
  }

  /** The record name ('track', ...) of a collection NSID in this namespace, if any. */
  recordName(collection: string): RecordName | undefined {
    return this.byCollection.get(collection)
  }

  /**
   * Validates a record of `name` written in this namespace against the fm.plyr lexicon.
   * The record's `$type` is the namespaced collection; the lexicon's is fm.plyr.*.
   */
  validateRecord(name: RecordName, value: unknown): RecordValidation {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, reason: 'record is not an object' }
    }
    const record = value as Record<string, unknown>
    if (record.$type !== this.collections[name]) {
      return {
        ok: false,
        reason: `$type is ${JSON.stringify(record.$type)}, expected "${this.collections[name]}"`,
      }
    }
    const asLexicon = { ...record, $type: `${LEXICON_NAMESPACE}.${name}` }
    const result = recordLexicons[name].safeValidate(asLexicon)
    return result.success ? { ok: true } : { ok: false, reason: result.reason.message }
  }
}

export type RecordValidation = { ok: true } | { ok: false; reason: string }

/**
 * A record of `name` as stored under any plyr namespace: the generated lexicon type, whose
 * `$type` is then the namespaced collection (`fm.plyr.dev.track`), not `fm.plyr.track`.
 */
export type PlyrRecord<N extends RecordName> = Omit<RecordTypes[N], '$type'> & { $type?: string }
