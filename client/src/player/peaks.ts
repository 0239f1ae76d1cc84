const cache = new Map<string, Promise<number[] | null>>()

/**
 * A track's waveform peaks (a JSON array of numbers from 0 to 1), or null when they cannot
 * be had: the seek bar is then a plain bar.
 */
export function loadPeaks(url: string | undefined): Promise<number[] | null> {
  if (!url) return Promise.resolve(null)
  let peaks = cache.get(url)
  if (!peaks) {
    peaks = fetch(url)
      .then((res) => (res.ok ? res.json() : null))
      .then((body: unknown) =>
        Array.isArray(body) && body.length > 0 && body.every((x) => typeof x === 'number')
          ? body.map((x: number) => Math.max(0, Math.min(1, x)))
          : null,
      )
      .catch(() => null)
    cache.set(url, peaks)
  }
  return peaks
}

/** `peaks` reduced (by maximum) or stretched to `bars` values. */
export function resample(peaks: number[], bars: number): number[] {
  const out: number[] = []
  for (let i = 0; i < bars; i++) {
    const from = Math.floor((i * peaks.length) / bars)
    const to = Math.max(from + 1, Math.floor(((i + 1) * peaks.length) / bars))
    let max = 0
    for (let j = from; j < to && j < peaks.length; j++) max = Math.max(max, peaks[j]!)
    out.push(max)
  }
  return out
}
