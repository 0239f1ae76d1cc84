/** The volume factor of a track's gain (hundredths of a dB), attenuating only. */
export function gainFactor(loudnessGain: number | undefined, normalize: boolean): number {
  if (!normalize || loudnessGain === undefined) return 1
  return Math.min(1, 10 ** (loudnessGain / 100 / 20))
}
