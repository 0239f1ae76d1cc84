import { EMPTY_STATE, type PlayerState, parseState } from './queue.js'

const STORAGE_KEY = 'plyr.player'
const CHANNEL = 'plyr.player'

type Message =
  { kind: 'state'; state: PlayerState; from: string } | { kind: 'playing'; from: string }

/**
 * The player's state for this tab: kept in localStorage (the queue, the position and the
 * settings survive a reload) and in step with the other tabs through a BroadcastChannel.
 * Only one tab plays: a tab that starts playing tells the others, which pause.
 */
export class PlayerStore extends EventTarget {
  state: PlayerState
  /** Whether this tab is playing; never stored, so a reload never starts playback. */
  playing = false
  private readonly tab = Math.random().toString(36).slice(2)
  private readonly channel: BroadcastChannel | undefined
  private saveTimer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly storage: Storage = localStorage) {
    super()
    this.state = load(storage)
    this.channel =
      typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : undefined
    this.channel?.addEventListener('message', (event: MessageEvent<Message>) => {
      const msg = event.data
      if (msg.from === this.tab) return
      if (msg.kind === 'playing') {
        this.dispatchEvent(new Event('pause-elsewhere'))
      } else {
        this.state = parseState(msg.state)
        this.emit('remote')
      }
    })
  }

  /** Applies a change, stores it and sends it to the other tabs. */
  update(change: (state: PlayerState) => PlayerState): void {
    const next = change(this.state)
    if (next === this.state) return
    this.state = next
    this.save()
    this.channel?.postMessage({ kind: 'state', state: next, from: this.tab } satisfies Message)
    this.emit('local')
  }

  /**
   * The playback position as it moves: stored now and then rather than on every tick,
   * and not sent to other tabs on every tick either.
   */
  setPosition(position: number): void {
    this.state = { ...this.state, position }
    this.emit('position')
    if (this.saveTimer) return
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined
      this.save()
      this.channel?.postMessage({ kind: 'state', state: this.state, from: this.tab })
    }, 2000)
  }

  setPlaying(playing: boolean): void {
    if (playing === this.playing) return
    this.playing = playing
    if (playing) this.channel?.postMessage({ kind: 'playing', from: this.tab } satisfies Message)
    this.emit('playing')
  }

  save(): void {
    try {
      this.storage.setItem(STORAGE_KEY, JSON.stringify(this.state))
    } catch {
      // storage full or disabled: the player keeps working, it just forgets on reload
    }
  }

  private emit(cause: string): void {
    this.dispatchEvent(new CustomEvent('change', { detail: cause }))
  }
}

function load(storage: Storage): PlayerState {
  try {
    const raw = storage.getItem(STORAGE_KEY)
    return raw ? parseState(JSON.parse(raw)) : EMPTY_STATE
  } catch {
    return EMPTY_STATE
  }
}
