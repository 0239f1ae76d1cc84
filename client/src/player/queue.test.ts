import { describe, expect, it } from 'vitest'
import {
  addToQueue,
  clearQueue,
  EMPTY_STATE,
  moveEntry,
  nextIndex,
  parseState,
  playNext,
  playTracks,
  previousIndex,
  type QueueTrack,
  removeEntry,
  setShuffle,
} from './queue.js'

const track = (n: number): QueueTrack => ({
  uri: `at://did:plc:a/fm.plyr.track/${n}`,
  title: `T${n}`,
  artistName: 'A',
  artistHandle: 'a.test',
  artistDid: 'did:plc:a',
  audioUrl: `http://x/audio/${n}`,
})
const titles = (s: typeof EMPTY_STATE) => s.entries.map((e) => e.track.title)

describe('the queue', () => {
  it('plays, adds, plays next, moves and removes, keeping the current entry current', () => {
    let s = playTracks(EMPTY_STATE, [track(1), track(2)], 1)
    expect(s.current).toBe(1)
    s = addToQueue(s, [track(3)])
    s = playNext(s, [track(4)])
    expect(titles(s)).toEqual(['T1', 'T2', 'T4', 'T3'])
    s = moveEntry(s, 1, 3)
    expect(titles(s)).toEqual(['T1', 'T4', 'T3', 'T2'])
    expect(s.entries[s.current]!.track.title).toBe('T2')
    s = removeEntry(s, s.entries[0]!.id)
    expect(s.current).toBe(2)
    s = removeEntry(s, s.entries[2]!.id)
    expect(titles(s)).toEqual(['T4', 'T3'])
    expect(s.current).toBe(1)
    expect(clearQueue(s)).toMatchObject({ entries: [], current: -1 })
  })

  it('advances by its repeat mode', () => {
    const s = playTracks(EMPTY_STATE, [track(1), track(2)], 1)
    expect(nextIndex(s, true)).toBe(-1)
    expect(nextIndex({ ...s, repeat: 'all' }, true)).toBe(0)
    expect(nextIndex({ ...s, repeat: 'one' }, true)).toBe(1)
    // asked for the next, repeat-one moves on (wrapping like repeat-all)
    expect(nextIndex({ ...s, repeat: 'one' }, false)).toBe(0)
    expect(previousIndex(s)).toBe(0)
    expect(previousIndex({ ...s, current: 0, repeat: 'all' })).toBe(1)
  })

  it('shuffles only what follows the current entry', () => {
    const s = playTracks(EMPTY_STATE, [1, 2, 3, 4, 5].map(track), 1)
    const shuffled = setShuffle(s, true, () => 0)
    expect(titles(shuffled).slice(0, 2)).toEqual(['T1', 'T2'])
    expect(titles(shuffled).slice(2).sort()).toEqual(['T3', 'T4', 'T5'])
    expect(titles(shuffled)).not.toEqual(titles(s))
  })

  it('reads a stored state defensively', () => {
    const s = addToQueue(EMPTY_STATE, [track(1)])
    expect(parseState(JSON.parse(JSON.stringify({ ...s, volume: 0.3 })))).toEqual({
      ...s,
      volume: 0.3,
    })
    expect(parseState({ entries: [{ id: 'x', track: { uri: 1 } }], volume: 7 })).toEqual(
      EMPTY_STATE,
    )
    expect(parseState('nonsense')).toEqual(EMPTY_STATE)
  })
})
