import { describe, expect, it } from 'vitest'
import { PlayReporter, playThreshold } from './play-report.js'

/** Plays from `from` to `to` in quarter-second ticks, as timeupdate fires. */
function listen(reporter: PlayReporter, from: number, to: number, duration: number): void {
  for (let t = from; t <= to + 1e-9; t += 0.25) reporter.tick(t, duration, true)
}

describe('what counts as a play', () => {
  it('is 30% of the track or 30 seconds, whichever comes first', () => {
    expect(playThreshold(20)).toBe(6)
    expect(playThreshold(100)).toBe(30)
    expect(playThreshold(600)).toBe(30)
    expect(playThreshold(NaN)).toBe(30)
  })

  it('reports once the threshold is heard, not before, and once per playback', () => {
    const sent: string[][] = []
    const reporter = new PlayReporter((uri, id) => sent.push([uri, id]))
    reporter.start('at://t/1')
    listen(reporter, 0, 5.75, 20)
    expect(sent).toEqual([])
    listen(reporter, 6, 19, 20)
    expect(sent).toHaveLength(1)
    expect(sent[0]![0]).toBe('at://t/1')
    // a replay is a new playback, with a new id
    reporter.start('at://t/1')
    listen(reporter, 0, 10, 20)
    expect(sent).toHaveLength(2)
    expect(sent[1]![1]).not.toBe(sent[0]![1])
  })

  it('does not count seeking forward or time while paused', () => {
    const sent: unknown[] = []
    const reporter = new PlayReporter(() => sent.push(1))
    reporter.start('at://t/2')
    listen(reporter, 0, 2, 100)
    reporter.seeked()
    listen(reporter, 80, 99, 100) // 19 s heard after the seek: 21 in all
    reporter.tick(99.5, 100, false)
    reporter.tick(100, 100, true)
    expect(sent).toEqual([])
    reporter.tick(10, 100, true) // a jump back without a seek event is not listening either
    listen(reporter, 10.25, 19.5, 100)
    expect(sent).toEqual([1])
  })
})
