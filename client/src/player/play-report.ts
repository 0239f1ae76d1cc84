/** A play counts once this many seconds of a track were heard in one playback… */
export const PLAY_SECONDS = 30
/** …or this share of it, whichever comes first. */
export const PLAY_FRACTION = 0.3
/** Time advancing by more than this between two ticks is a seek, not listening. */
const MAX_TICK_SECONDS = 1.5

/** Seconds of a track to hear before its play counts (30 s when its duration is unknown). */
export function playThreshold(duration: number): number {
  return Number.isFinite(duration) && duration > 0
    ? Math.min(PLAY_SECONDS, duration * PLAY_FRACTION)
    : PLAY_SECONDS
}

/** Tells the AppView a track was heard (fm.plyr.feed.reportPlay); failures are let go. */
export async function sendPlayReport(uri: string, playbackId: string): Promise<void> {
  try {
    await fetch('/xrpc/fm.plyr.feed.reportPlay', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uri, playbackId }),
      keepalive: true,
    })
  } catch {
    // offline: the play goes uncounted rather than the player failing
  }
}

/**
 * Counts what a listener hears of one playback: only time that advanced while playing (a
 * seek forward is not listening), and reports the play once, when it reaches the threshold.
 */
export class PlayReporter {
  private uri: string | undefined
  private playbackId = ''
  private heard = 0
  private last: number | undefined
  private reported = false

  constructor(
    private readonly send: (uri: string, playbackId: string) => unknown = sendPlayReport,
  ) {}

  /** A new playback of `uri` (a new track, a replay from the start). */
  start(uri: string): void {
    this.uri = uri
    this.playbackId = crypto.randomUUID()
    this.heard = 0
    this.last = undefined
    this.reported = false
  }

  /** The playback's position moved (a timeupdate), while playing or not. */
  tick(position: number, duration: number, playing: boolean): void {
    if (!playing || this.uri === undefined) {
      this.last = undefined
      return
    }
    if (this.last !== undefined) {
      const step = position - this.last
      if (step > 0 && step <= MAX_TICK_SECONDS) this.heard += step
    }
    this.last = position
    if (!this.reported && this.heard >= playThreshold(duration)) {
      this.reported = true
      this.send(this.uri, this.playbackId)
    }
  }

  /** A seek: the next tick starts measuring again from where it lands. */
  seeked(): void {
    this.last = undefined
  }
}
