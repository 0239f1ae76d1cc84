import { describe, expect, it } from 'vitest'
import { gainFactor } from './loudness.js'

describe('loudness normalisation', () => {
  it("turns a track's gain (hundredths of a dB) into a volume factor, attenuating only", () => {
    expect(gainFactor(-600, true)).toBeCloseTo(0.501, 3) // -6 dB
    expect(gainFactor(-2000, true)).toBeCloseTo(0.1, 3)
    expect(gainFactor(300, true)).toBe(1) // a quiet track plays as it is
    expect(gainFactor(undefined, true)).toBe(1)
    expect(gainFactor(-600, false)).toBe(1)
  })
})
