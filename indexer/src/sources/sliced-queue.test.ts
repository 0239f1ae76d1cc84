import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { SlicedQueue } from './sliced-queue.js'

describe('SlicedQueue', () => {
  it('handles items in order, one slice per turn of the event loop', async () => {
    const handled: number[] = []
    const queue = new SlicedQueue<number>((n) => handled.push(n), 2)
    for (let n = 0; n < 5; n++) queue.push(n)
    expect(handled).toEqual([])
    expect(queue.length).toBe(5)
    await nextTurn()
    expect(handled).toEqual([0, 1])
    await nextTurn()
    expect(handled).toEqual([0, 1, 2, 3])
    await nextTurn()
    expect(handled).toEqual([0, 1, 2, 3, 4])
    expect(queue.length).toBe(0)
  })

  it('handles everything pending on flush, and what comes after in later turns', async () => {
    const handled: string[] = []
    const queue = new SlicedQueue<string>((s) => handled.push(s), 1)
    queue.push('a')
    queue.push('b')
    queue.flush()
    expect(handled).toEqual(['a', 'b'])
    expect(queue.length).toBe(0)
    queue.push('c')
    await nextTurn()
    await nextTurn()
    expect(handled).toEqual(['a', 'b', 'c'])
  })
})
