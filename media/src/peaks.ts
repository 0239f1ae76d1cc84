/** How many points a waveform has at most: enough for a seek bar at any width. */
export const PEAK_POINTS = 1000

/** Mono 16-bit samples per block whose peak is kept while decoding (0.1 s at 8 kHz). */
const BLOCK = 800

/**
 * Peaks of a decoded stream of mono signed 16-bit little-endian samples, kept per block
 * as they arrive (memory grows with the duration at 1 number per 0.1 s, never with the
 * bytes), then reduced to at most PEAK_POINTS.
 */
export class PeakMeter {
  private readonly blocks: number[] = []
  private current = 0
  private inBlock = 0
  private carry: Buffer | undefined
  samples = 0

  push(chunk: Buffer): void {
    let buf = chunk
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk])
      this.carry = undefined
    }
    const whole = buf.length - (buf.length % 2)
    for (let i = 0; i < whole; i += 2) {
      const v = Math.abs(buf.readInt16LE(i))
      if (v > this.current) this.current = v
      if (++this.inBlock === BLOCK) this.endBlock()
    }
    this.samples += whole / 2
    if (whole < buf.length) this.carry = buf.subarray(whole)
  }

  private endBlock(): void {
    this.blocks.push(this.current)
    this.current = 0
    this.inBlock = 0
  }

  /** The peaks in 0..255 (0..1 of full scale), at most PEAK_POINTS of them. */
  finish(): Uint8Array {
    if (this.inBlock > 0) this.endBlock()
    const n = Math.min(PEAK_POINTS, this.blocks.length)
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      const from = Math.floor((i * this.blocks.length) / n)
      const to = Math.max(from + 1, Math.floor(((i + 1) * this.blocks.length) / n))
      let max = 0
      for (let j = from; j < to; j++) max = Math.max(max, this.blocks[j]!)
      out[i] = Math.round((Math.min(max, 32767) / 32767) * 255)
    }
    return out
  }
}

/** Stored peaks (base64 of one byte each) as the 0..1 numbers clients draw. */
export function peaksAsNumbers(stored: string): number[] {
  return [...Buffer.from(stored, 'base64')].map((b) => Math.round((b / 255) * 1000) / 1000)
}
