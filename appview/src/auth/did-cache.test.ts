import type { DidDocument } from '@atproto/identity'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BoundedDidCache } from './did-cache.js'

const doc = (did: string, key = 'zQ3sh'): DidDocument => ({
  id: did,
  verificationMethod: [
    { id: '#atproto', type: 'Multikey', controller: did, publicKeyMultibase: key },
  ],
})
const limits = { maxEntries: 2, staleMs: 1_000, maxAgeMs: 10_000 }

describe('BoundedDidCache', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('drops the least recently used document past its size', async () => {
    const cache = new BoundedDidCache(limits)
    await cache.cacheDid('did:plc:a', doc('did:plc:a'))
    await cache.cacheDid('did:plc:b', doc('did:plc:b'))
    await cache.checkCache('did:plc:a') // a is now the most recently used
    await cache.cacheDid('did:plc:c', doc('did:plc:c'))
    expect(await cache.checkCache('did:plc:b')).toBeNull()
    expect((await cache.checkCache('did:plc:a'))?.doc.id).toBe('did:plc:a')
    expect((await cache.checkCache('did:plc:c'))?.doc.id).toBe('did:plc:c')
  })

  it('marks documents stale, then expired, as they age', async () => {
    vi.useFakeTimers({ now: 0 })
    const cache = new BoundedDidCache(limits)
    await cache.cacheDid('did:plc:a', doc('did:plc:a'))
    expect(await cache.checkCache('did:plc:a')).toMatchObject({ stale: false, expired: false })
    vi.setSystemTime(limits.staleMs + 1)
    expect(await cache.checkCache('did:plc:a')).toMatchObject({ stale: true, expired: false })
    vi.setSystemTime(limits.maxAgeMs + 1)
    expect(await cache.checkCache('did:plc:a')).toMatchObject({ stale: true, expired: true })
  })

  it('keeps a stale document when its refresh fails, and drops it when the DID is gone', async () => {
    vi.useFakeTimers({ now: 0 })
    const cache = new BoundedDidCache(limits)
    await cache.cacheDid('did:plc:a', doc('did:plc:a', 'old'))
    vi.setSystemTime(limits.staleMs + 1)
    await cache.refreshCache('did:plc:a', () => Promise.reject(new Error('PLC unreachable')))
    expect(await cache.checkCache('did:plc:a')).toMatchObject({ stale: true })

    await cache.refreshCache('did:plc:a', async () => doc('did:plc:a', 'new'))
    const fresh = await cache.checkCache('did:plc:a')
    expect(fresh).toMatchObject({ stale: false, doc: doc('did:plc:a', 'new') })

    await cache.refreshCache('did:plc:a', async () => null)
    expect(await cache.checkCache('did:plc:a')).toBeNull()
  })
})
