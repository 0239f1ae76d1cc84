import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PageCache } from './page-cache.js'

/** A build whose completion the test controls, counting how often it ran. */
function builds() {
  const pending: { resolve: (b: Buffer) => void; reject: (e: Error) => void }[] = []
  const build = () =>
    new Promise<Buffer>((resolve, reject) => {
      pending.push({ resolve, reject })
    })
  return {
    build,
    pending,
    finish: (text: string) => pending.shift()!.resolve(Buffer.from(text)),
    fail: () => pending.shift()!.reject(new Error('database down')),
  }
}
const text = async (p: Promise<Buffer>) => (await p).toString()
const settle = () => new Promise((r) => setImmediate(r))

describe('PageCache', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(0)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('builds a page once for every request that arrives while it is built', async () => {
    const cache = new PageCache(1000)
    const b = builds()
    const requests = [1, 2, 3].map(() => cache.get('k', b.build))
    expect(b.pending).toHaveLength(1)
    b.finish('v1')
    expect(await Promise.all(requests.map(text))).toEqual(['v1', 'v1', 'v1'])
    expect(await text(cache.get('k', b.build))).toBe('v1')
    expect(await text(cache.get('other', async () => Buffer.from('o1')))).toBe('o1')
    expect(b.pending).toHaveLength(0)
  })

  it('serves an expired page while one rebuild runs, then the new page', async () => {
    const cache = new PageCache(1000)
    const b = builds()
    const first = cache.get('k', b.build)
    b.finish('v1')
    await first
    vi.setSystemTime(1500)
    expect(await text(cache.get('k', b.build))).toBe('v1')
    expect(await text(cache.get('k', b.build))).toBe('v1')
    expect(b.pending).toHaveLength(1)
    b.finish('v2')
    await settle()
    expect(await text(cache.get('k', b.build))).toBe('v2')
    expect(b.pending).toHaveLength(0)
  })

  it('never serves a page older than twice its lifetime: requests wait for the rebuild', async () => {
    const cache = new PageCache(1000)
    const b = builds()
    const first = cache.get('k', b.build)
    b.finish('v1')
    await first
    vi.setSystemTime(2000)
    const waiting = cache.get('k', b.build)
    b.finish('v2')
    expect(await text(waiting)).toBe('v2')
  })

  it('keeps no failed build; a failed rebuild leaves the page being served until it is too old', async () => {
    const cache = new PageCache(1000)
    const b = builds()
    const failing = cache.get('k', b.build)
    b.fail()
    await expect(failing).rejects.toThrow('database down')
    const retry = cache.get('k', b.build)
    b.finish('v1')
    expect(await text(retry)).toBe('v1')

    vi.setSystemTime(1500)
    expect(await text(cache.get('k', b.build))).toBe('v1')
    b.fail() // in the background: no unhandled rejection
    await settle()
    vi.setSystemTime(2500)
    const tooOld = cache.get('k', b.build)
    b.fail()
    await expect(tooOld).rejects.toThrow('database down')
  })

  it('builds every time with a lifetime of 0, and holds at most maxPages', async () => {
    let n = 0
    const build = async () => Buffer.from(`v${++n}`)
    const off = new PageCache(0)
    expect([await text(off.get('k', build)), await text(off.get('k', build))]).toEqual(['v1', 'v2'])
    const small = new PageCache(1000, 2)
    for (const key of ['a', 'b', 'c']) await small.get(key, build)
    expect(await text(small.get('b', build))).toBe('v4') // still there
    expect(await text(small.get('a', build))).toBe('v6') // dropped, built again
  })
})
