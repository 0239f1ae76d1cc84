import { describe, expect, it } from 'vitest'
import { resample } from './peaks.js'

describe('waveform peaks', () => {
  it('are reduced by maximum, or stretched, to the bars drawn', () => {
    expect(resample([0.1, 0.9, 0.2, 0.4, 0.3, 0.3], 3)).toEqual([0.9, 0.4, 0.3])
    expect(resample([0.5, 1], 4)).toEqual([0.5, 0.5, 1, 1])
  })
})
