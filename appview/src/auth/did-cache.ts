import type { CacheResult, DidCache, DidDocument } from '@atproto/identity'

type DidCacheLimits = {
  /** The most documents kept; the least recently used goes first. */
  maxEntries: number
  /** Past this age a document is re-fetched on its next use. */
  staleMs: number
  /** Past this age a document is not used at all. */
  maxAgeMs: number
}

/**
 * Recent callers' DID documents in process memory, bounded, so a request does not wait on
 * the PLC directory each time. Nothing another replica needs: a replica without an entry
 * fetches it. A stale document whose refresh fails is kept until it expires, so a PLC
 * outage does not turn recent viewers away.
 */
export class BoundedDidCache implements DidCache {
  private readonly entries = new Map<string, { doc: DidDocument; updatedAt: number }>()

  constructor(private readonly limits: DidCacheLimits) {}

  async cacheDid(did: string, doc: DidDocument): Promise<void> {
    this.entries.delete(did)
    this.entries.set(did, { doc, updatedAt: Date.now() })
    if (this.entries.size > this.limits.maxEntries) {
      // a Map iterates in insertion order: the first key is the least recently used
      this.entries.delete(this.entries.keys().next().value!)
    }
  }

  async checkCache(did: string): Promise<CacheResult | null> {
    const entry = this.entries.get(did)
    if (!entry) return null
    this.entries.delete(did)
    this.entries.set(did, entry)
    const age = Date.now() - entry.updatedAt
    return {
      did,
      doc: entry.doc,
      updatedAt: entry.updatedAt,
      stale: age > this.limits.staleMs,
      expired: age > this.limits.maxAgeMs,
    }
  }

  async refreshCache(did: string, getDoc: () => Promise<DidDocument | null>): Promise<void> {
    let doc: DidDocument | null
    try {
      doc = await getDoc()
    } catch {
      return // unreachable or unreadable for now: the stale document serves until it expires
    }
    if (doc) await this.cacheDid(did, doc)
    else this.entries.delete(did) // positively gone
  }

  async clearEntry(did: string): Promise<void> {
    this.entries.delete(did)
  }

  async clear(): Promise<void> {
    this.entries.clear()
  }
}
