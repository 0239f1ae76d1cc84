import { formatTitle } from '../title.js'
import { gainFactor } from './loudness.js'
import { PlayReporter } from './play-report.js'
import { currentTrack, goTo, nextIndex, type PlayerState, previousIndex } from './queue.js'
import type { PlayerStore } from './store.js'

/**
 * Plays the store's current entry. Two audio elements take turns: while one plays, the
 * other loads the next entry, so the change is near-gapless. Loudness normalisation
 * scales the element's volume (which can only attenuate; see docs/architecture.md).
 */
export class AudioEngine extends EventTarget {
  private readonly elements: [HTMLAudioElement, HTMLAudioElement]
  private active = 0
  private loadedId: string | undefined
  /** Reports the play of each playback once it is heard enough (docs/api.md). */
  private readonly plays = new PlayReporter()

  constructor(private readonly store: PlayerStore) {
    super()
    this.elements = [this.createElement(0), this.createElement(1)]
    this.elements[0].dataset.active = ''
    store.addEventListener('change', (e) => this.onStoreChange((e as CustomEvent).detail))
    store.addEventListener('pause-elsewhere', () => this.pause())
    this.setupMediaSession()
    this.load(false)
  }

  get audio(): HTMLAudioElement {
    return this.elements[this.active]!
  }

  private get standby(): HTMLAudioElement {
    return this.elements[1 - this.active]!
  }

  private createElement(n: number): HTMLAudioElement {
    const audio = document.createElement('audio')
    audio.preload = n === 0 ? 'metadata' : 'auto'
    audio.hidden = true
    audio.addEventListener('timeupdate', () => {
      if (audio !== this.audio || !this.loadedId) return
      this.store.setPosition(audio.currentTime)
      this.plays.tick(audio.currentTime, audio.duration, !audio.paused)
    })
    audio.addEventListener('seeking', () => audio === this.audio && this.plays.seeked())
    audio.addEventListener('ended', () => audio === this.audio && this.advance(true))
    audio.addEventListener('error', () => audio === this.audio && void this.failed(audio))
    audio.addEventListener('play', () => audio === this.audio && this.store.setPlaying(true))
    audio.addEventListener('pause', () => audio === this.audio && this.store.setPlaying(false))
    audio.addEventListener('durationchange', () => audio === this.audio && this.emitTick())
    audio.addEventListener('timeupdate', () => audio === this.audio && this.emitTick())
    document.body.append(audio)
    return audio
  }

  private emitTick(): void {
    this.dispatchEvent(new Event('tick'))
    this.updatePositionState()
  }

  private onStoreChange(cause: string): void {
    if (cause === 'position') return
    if (cause === 'playing') {
      this.updateTitle()
      return
    }
    this.applyVolume()
    const entry = this.store.state.entries[this.store.state.current]
    if (entry?.id !== this.loadedId) this.load(cause === 'local' && this.store.playing)
    this.preloadNext()
  }

  /** Loads the current entry at the stored position; plays it when `play`. */
  private load(play: boolean): void {
    const state = this.store.state
    const entry = state.entries[state.current]
    this.loadedId = entry?.id
    if (!entry) {
      this.audio.pause()
      this.audio.removeAttribute('src')
      this.audio.load()
      this.updateMetadata()
      return
    }
    const standby = this.standby
    if (standby.dataset.entry === entry.id) {
      // the next entry was preloaded: switch elements
      this.audio.pause()
      delete this.audio.dataset.active
      this.active = 1 - this.active
      this.audio.dataset.active = ''
    } else {
      this.audio.src = entry.track.audioUrl
      this.audio.dataset.entry = entry.id
      const start = state.position
      if (start > 0) {
        this.audio.addEventListener('loadedmetadata', () => (this.audio.currentTime = start), {
          once: true,
        })
      }
    }
    this.plays.start(entry.track.uri)
    this.applyVolume()
    this.updateMetadata()
    if (play) void this.play()
    else this.store.setPlaying(false)
  }

  private preloadNext(): void {
    const state = this.store.state
    const next = state.entries[nextIndex(state, true)]
    const standby = this.standby
    if (!next || next.id === this.loadedId || standby.dataset.entry === next.id) return
    standby.src = next.track.audioUrl
    standby.dataset.entry = next.id
  }

  async play(): Promise<void> {
    if (!this.loadedId) {
      if (this.store.state.entries.length === 0) return
      this.store.update((s) => goTo(s, Math.max(0, s.current)))
      this.load(false)
    }
    try {
      await this.audio.play()
    } catch (err) {
      // an autoplay refusal or an aborted load; the error event reports failures to load
      if ((err as Error).name === 'NotAllowedError') this.notice('Press play to start listening')
    }
  }

  pause(): void {
    this.audio.pause()
  }

  toggle(): void {
    if (this.audio.paused) void this.play()
    else this.pause()
  }

  seek(seconds: number): void {
    const duration = this.duration
    const to = Math.max(0, duration ? Math.min(seconds, duration) : seconds)
    this.audio.currentTime = to
    this.store.setPosition(to)
  }

  get duration(): number {
    const d = this.audio.duration
    return Number.isFinite(d) ? d : (currentTrack(this.store.state)?.duration ?? 0)
  }

  get position(): number {
    return this.audio.currentTime || this.store.state.position
  }

  /** Plays entry `index` from its start. */
  playIndex(index: number): void {
    this.store.update((s) => goTo(s, index))
    if (this.loadedId !== this.store.state.entries[index]?.id) this.load(true)
    else this.replay()
  }

  /** The current entry again from its start: a new playback. */
  private replay(): void {
    this.seek(0)
    this.plays.start(currentTrack(this.store.state)!.uri)
    void this.play()
  }

  next(): void {
    this.advance(false)
  }

  previous(): void {
    if (this.position > 3) {
      this.seek(0)
      return
    }
    const index = previousIndex(this.store.state)
    if (index >= 0) this.playIndex(index)
    else this.seek(0)
  }

  private advance(auto: boolean): void {
    const state = this.store.state
    const index = nextIndex(state, auto)
    if (index < 0) {
      this.pause()
      this.store.update((s) => ({ ...s, position: 0 }))
      this.audio.currentTime = 0
      return
    }
    if (index === state.current) {
      this.replay()
      return
    }
    this.store.update((s) => goTo(s, index))
    if (this.loadedId !== this.store.state.entries[index]?.id) this.load(true)
    else void this.play()
  }

  /** An audio error: says why where it can, then skips to the next entry. */
  private async failed(audio: HTMLAudioElement): Promise<void> {
    const track = currentTrack(this.store.state)
    if (!track) return
    let why = 'it could not be loaded'
    try {
      const res = await fetch(track.audioUrl, { method: 'HEAD', redirect: 'manual' })
      if (res.status === 451) why = 'it was taken down'
      else if (res.status === 404) why = 'its audio is missing'
    } catch {
      why = 'the network failed'
    }
    if (audio !== this.audio) return
    this.notice(`Skipped “${track.title}”: ${why}`)
    const index = nextIndex(this.store.state, false)
    if (index >= 0 && index !== this.store.state.current) {
      this.store.update((s) => goTo(s, index))
      this.load(true)
    } else this.store.setPlaying(false)
  }

  notice(message: string): void {
    this.dispatchEvent(new CustomEvent('notice', { detail: message }))
  }

  applyVolume(state: PlayerState = this.store.state): void {
    const factor = gainFactor(currentTrack(state)?.loudnessGain, state.normalize)
    for (const el of this.elements) {
      el.volume = Math.max(0, Math.min(1, state.volume * factor))
      el.muted = state.muted
    }
  }

  private updateTitle(): void {
    const track = currentTrack(this.store.state)
    formatTitle.playing(this.store.playing && track ? `${track.title} – ${track.artistName}` : null)
    if ('mediaSession' in navigator) {
      navigator.mediaSession.playbackState = this.store.playing ? 'playing' : 'paused'
    }
  }

  private updateMetadata(): void {
    this.updateTitle()
    if (!('mediaSession' in navigator)) return
    const track = currentTrack(this.store.state)
    navigator.mediaSession.metadata = track
      ? new MediaMetadata({
          title: track.title,
          artist: track.artistName,
          album: 'plyr',
          artwork: track.imageUrl ? [{ src: track.imageUrl, sizes: '512x512' }] : [],
        })
      : null
  }

  private updatePositionState(): void {
    const duration = this.audio.duration
    if (!('mediaSession' in navigator) || !Number.isFinite(duration) || duration <= 0) return
    try {
      navigator.mediaSession.setPositionState({
        duration,
        position: Math.min(this.audio.currentTime, duration),
        playbackRate: this.audio.playbackRate,
      })
    } catch {
      // a position past the duration while the element catches up: the next tick fixes it
    }
  }

  private setupMediaSession(): void {
    if (!('mediaSession' in navigator)) return
    const session = navigator.mediaSession
    const handlers: [MediaSessionAction, MediaSessionActionHandler][] = [
      ['play', () => void this.play()],
      ['pause', () => this.pause()],
      ['nexttrack', () => this.next()],
      ['previoustrack', () => this.previous()],
      ['seekto', (d) => d.seekTime !== undefined && this.seek(d.seekTime)],
      ['seekbackward', (d) => this.seek(this.position - (d.seekOffset ?? 10))],
      ['seekforward', (d) => this.seek(this.position + (d.seekOffset ?? 10))],
    ]
    for (const [action, handler] of handlers) {
      try {
        session.setActionHandler(action, handler)
      } catch {
        // an action this browser does not know
      }
    }
  }
}
