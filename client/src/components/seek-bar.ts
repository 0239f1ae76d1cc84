import { css, html, LitElement, svg } from 'lit'
import { formatTime } from '../format.js'
import { resample } from '../player/peaks.js'

/**
 * A seek bar: the track's waveform when its peaks are known, a plain bar otherwise, with
 * markers (timed comments). Click or drag to seek; arrows, Home and End from the keyboard.
 * Fires `seek` with `detail` in seconds.
 */
export class SeekBar extends LitElement {
  static override properties = {
    position: { type: Number },
    duration: { type: Number },
    peaks: { attribute: false },
    markers: { attribute: false },
    label: {},
    bars: { type: Number },
  }
  declare position: number
  declare duration: number
  declare peaks: number[] | null
  declare markers: number[]
  declare label: string
  declare bars: number

  constructor() {
    super()
    this.position = 0
    this.duration = 0
    this.peaks = null
    this.markers = []
    this.label = 'Seek'
    this.bars = 80
  }

  static override styles = css`
    :host {
      display: block;
      height: 2.25rem;
      cursor: pointer;
      touch-action: none;
    }
    .bar {
      position: relative;
      height: 100%;
      border-radius: 4px;
      outline-offset: 2px;
    }
    .bar:focus-visible {
      outline: 2px solid var(--focus);
    }
    svg {
      width: 100%;
      height: 100%;
      display: block;
    }
    .rest {
      fill: var(--wave-rest);
    }
    .done {
      fill: var(--accent);
    }
    .marker {
      position: absolute;
      top: calc(50% + 0.5rem);
      width: 6px;
      height: 6px;
      margin-left: -3px;
      border-radius: 50%;
      background: var(--marker);
      pointer-events: none;
    }
  `

  private fraction(): number {
    return this.duration > 0 ? Math.min(1, Math.max(0, this.position / this.duration)) : 0
  }

  override render() {
    const done = this.fraction()
    const bars = this.peaks ? resample(this.peaks, this.bars) : null
    const width = 1000
    const shape = bars
      ? bars.map((p, i) => {
          const w = width / bars.length
          const h = Math.max(4, p * 100)
          return svg`<rect x=${i * w + 1} y=${(100 - h) / 2} width=${Math.max(1, w - 2)} height=${h}
            rx="1" class=${(i + 0.5) / bars.length <= done ? 'done' : 'rest'}></rect>`
        })
      : svg`<rect x="0" y="44" width=${width} height="12" rx="6" class="rest"></rect>
          <rect x="0" y="44" width=${width * done} height="12" rx="6" class="done"></rect>`
    return html`<div
      class="bar"
      role="slider"
      tabindex="0"
      aria-label=${this.label}
      aria-valuemin="0"
      aria-valuemax=${Math.round(this.duration)}
      aria-valuenow=${Math.round(this.position)}
      aria-valuetext=${`${formatTime(this.position)} of ${formatTime(this.duration)}`}
      data-waveform=${bars ? 'peaks' : 'plain'}
      @pointerdown=${this.onPointer}
      @keydown=${this.onKey}
    >
      <svg viewBox="0 0 1000 100" preserveAspectRatio="none" aria-hidden="true">${shape}</svg>
      ${
        this.duration > 0
          ? this.markers.map(
              (m) =>
                html`<span
                  class="marker"
                  style="left:${Math.min(100, (m / this.duration) * 100)}%"
                ></span>`,
            )
          : null
      }
    </div>`
  }

  private onPointer(event: PointerEvent): void {
    const bar = event.currentTarget as HTMLElement
    const seekTo = (e: PointerEvent) => {
      const rect = bar.getBoundingClientRect()
      const f = Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width))
      this.emit(f * this.duration)
    }
    seekTo(event)
    const move = (e: PointerEvent) => seekTo(e)
    const up = () => {
      window.removeEventListener('pointermove', move)
      window.removeEventListener('pointerup', up)
    }
    window.addEventListener('pointermove', move)
    window.addEventListener('pointerup', up)
  }

  private onKey(event: KeyboardEvent): void {
    const step = event.shiftKey ? 30 : 5
    const to =
      event.key === 'ArrowRight' || event.key === 'ArrowUp'
        ? this.position + step
        : event.key === 'ArrowLeft' || event.key === 'ArrowDown'
          ? this.position - step
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? this.duration
              : undefined
    if (to === undefined) return
    event.preventDefault()
    event.stopPropagation()
    this.emit(Math.max(0, Math.min(this.duration, to)))
  }

  private emit(seconds: number): void {
    if (!(this.duration > 0)) return
    this.dispatchEvent(new CustomEvent('seek', { detail: seconds, bubbles: true, composed: true }))
  }
}
customElements.define('plyr-seek-bar', SeekBar)
