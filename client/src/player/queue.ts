/**
 * The queue and the player's settings as plain data: every change is a pure function from
 * one state to the next, so the store can persist it, send it to other tabs and test it.
 */

/** What the player needs of a track: a trackView's fields, kept small for storage. */
export type QueueTrack = {
  uri: string
  title: string
  artistName: string
  artistHandle: string
  artistDid: string
  audioUrl: string
  imageUrl?: string
  duration?: number
  peaksUrl?: string
  loudnessGain?: number
}

export type Repeat = 'off' | 'all' | 'one'

/** An entry of the queue: the same track may be queued twice, so entries have their own id. */
export type QueueEntry = { id: string; track: QueueTrack }

export type PlayerState = {
  entries: QueueEntry[]
  /** Index of the current entry, -1 when none. */
  current: number
  /** Seconds into the current entry. */
  position: number
  volume: number
  muted: boolean
  normalize: boolean
  shuffle: boolean
  repeat: Repeat
}

export const EMPTY_STATE: PlayerState = {
  entries: [],
  current: -1,
  position: 0,
  volume: 0.8,
  muted: false,
  normalize: true,
  shuffle: false,
  repeat: 'off',
}

let counter = 0
function entryId(): string {
  counter += 1
  return `${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`
}

function entriesOf(tracks: QueueTrack[]): QueueEntry[] {
  return tracks.map((track) => ({ id: entryId(), track }))
}

/** Replaces the queue with `tracks` and makes `start` current. */
export function playTracks(state: PlayerState, tracks: QueueTrack[], start = 0): PlayerState {
  if (tracks.length === 0) return state
  return { ...state, entries: entriesOf(tracks), current: start, position: 0 }
}

/** Adds tracks at the end; the first becomes current when nothing was. */
export function addToQueue(state: PlayerState, tracks: QueueTrack[]): PlayerState {
  const entries = [...state.entries, ...entriesOf(tracks)]
  return { ...state, entries, current: state.current < 0 && entries.length ? 0 : state.current }
}

/** Puts tracks right after the current entry. */
export function playNext(state: PlayerState, tracks: QueueTrack[]): PlayerState {
  const at = state.current + 1
  const entries = [...state.entries.slice(0, at), ...entriesOf(tracks), ...state.entries.slice(at)]
  return { ...state, entries, current: state.current < 0 ? 0 : state.current }
}

/** Removes an entry; removing the current one makes the next one current, from its start. */
export function removeEntry(state: PlayerState, id: string): PlayerState {
  const index = state.entries.findIndex((e) => e.id === id)
  if (index < 0) return state
  const entries = state.entries.filter((e) => e.id !== id)
  if (index > state.current) return { ...state, entries }
  if (index < state.current) return { ...state, entries, current: state.current - 1 }
  const current = entries.length === 0 ? -1 : Math.min(index, entries.length - 1)
  return { ...state, entries, current, position: 0 }
}

/** Moves the entry at `from` to `to`; the current entry stays current wherever it goes. */
export function moveEntry(state: PlayerState, from: number, to: number): PlayerState {
  const n = state.entries.length
  if (from < 0 || from >= n || to < 0 || to >= n || from === to) return state
  const currentId = state.entries[state.current]?.id
  const entries = [...state.entries]
  const [moved] = entries.splice(from, 1)
  entries.splice(to, 0, moved!)
  const current = currentId === undefined ? -1 : entries.findIndex((e) => e.id === currentId)
  return { ...state, entries, current }
}

/** Empties the queue (settings stay). */
export function clearQueue(state: PlayerState): PlayerState {
  return { ...state, entries: [], current: -1, position: 0 }
}

/**
 * Shuffles the entries after the current one (what was heard stays where it was), or
 * leaves them as they are when turning shuffle off.
 */
export function setShuffle(state: PlayerState, on: boolean, random = Math.random): PlayerState {
  if (!on) return { ...state, shuffle: false }
  const head = state.entries.slice(0, state.current + 1)
  const tail = state.entries.slice(state.current + 1)
  for (let i = tail.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[tail[i], tail[j]] = [tail[j]!, tail[i]!]
  }
  return { ...state, shuffle: true, entries: [...head, ...tail] }
}

/**
 * The index that follows the current one when it ends (`auto`) or when the listener asks
 * for the next: repeat-one repeats only on its own, repeat-all wraps; -1 when nothing follows.
 */
export function nextIndex(state: PlayerState, auto: boolean): number {
  if (state.entries.length === 0) return -1
  if (auto && state.repeat === 'one') return state.current
  if (state.current + 1 < state.entries.length) return state.current + 1
  return state.repeat === 'off' ? -1 : 0
}

export function previousIndex(state: PlayerState): number {
  if (state.current > 0) return state.current - 1
  return state.repeat === 'all' && state.entries.length ? state.entries.length - 1 : -1
}

export function goTo(state: PlayerState, index: number): PlayerState {
  if (index < 0 || index >= state.entries.length) return state
  return { ...state, current: index, position: 0 }
}

export function currentTrack(state: PlayerState): QueueTrack | undefined {
  return state.entries[state.current]?.track
}

/**
 * A stored state, checked field by field: anything malformed (an old version, a user's
 * edit) falls back to the defaults rather than breaking the player.
 */
export function parseState(value: unknown): PlayerState {
  if (typeof value !== 'object' || value === null) return EMPTY_STATE
  const v = value as Record<string, unknown>
  const entries = Array.isArray(v.entries) ? v.entries.filter(isEntry) : []
  const current =
    typeof v.current === 'number' && Number.isInteger(v.current) && v.current < entries.length
      ? Math.max(-1, v.current)
      : entries.length
        ? 0
        : -1
  const num = (x: unknown, lo: number, hi: number, d: number) =>
    typeof x === 'number' && x >= lo && x <= hi ? x : d
  return {
    entries,
    current,
    position: num(v.position, 0, 1e7, 0),
    volume: num(v.volume, 0, 1, EMPTY_STATE.volume),
    muted: v.muted === true,
    normalize: v.normalize !== false,
    shuffle: v.shuffle === true,
    repeat: v.repeat === 'all' || v.repeat === 'one' ? v.repeat : 'off',
  }
}

function isEntry(e: unknown): e is QueueEntry {
  if (typeof e !== 'object' || e === null) return false
  const { id, track } = e as Record<string, unknown>
  if (typeof id !== 'string' || typeof track !== 'object' || track === null) return false
  const t = track as Record<string, unknown>
  return ['uri', 'title', 'artistName', 'artistHandle', 'artistDid', 'audioUrl'].every(
    (k) => typeof t[k] === 'string',
  )
}
