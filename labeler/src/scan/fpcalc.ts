import { execFile } from 'node:child_process'

export type Fingerprint = { duration: number; fingerprint: Uint32Array }

export class FingerprintError extends Error {
  override name = 'FingerprintError'
}

/**
 * The raw Chromaprint fingerprint of an audio file, by `fpcalc` (Debian
 * `libchromaprint-tools`), of at most `maxSeconds` of it. fpcalc exits 3 when the file is
 * shorter than the limit, with a valid answer on stdout: that is a success.
 */
export function fingerprintFile(path: string, maxSeconds: number): Promise<Fingerprint> {
  return new Promise((resolve, reject) => {
    execFile(
      'fpcalc',
      ['-raw', '-json', '-length', String(maxSeconds), path],
      { timeout: 120_000, maxBuffer: 64 << 20 },
      (err, stdout) => {
        let parsed: { duration?: unknown; fingerprint?: unknown }
        try {
          parsed = JSON.parse(stdout) as typeof parsed
        } catch {
          return reject(
            new FingerprintError(`fpcalc gave no fingerprint: ${err?.message ?? 'empty output'}`),
          )
        }
        const code = (err as { code?: unknown } | null)?.code
        if (err && code !== 3) return reject(new FingerprintError(`fpcalc failed: ${err.message}`))
        const { duration, fingerprint } = parsed
        if (
          typeof duration !== 'number' ||
          !Array.isArray(fingerprint) ||
          fingerprint.length === 0
        ) {
          return reject(new FingerprintError('fpcalc found no audio'))
        }
        resolve({ duration, fingerprint: Uint32Array.from(fingerprint as number[]) })
      },
    )
  })
}

/** Fingerprints as stored: uint32 little-endian. */
export function fingerprintBytes(fp: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(fp.length * 4)
  const view = new DataView(bytes.buffer)
  fp.forEach((v, i) => view.setUint32(i * 4, v, true))
  return bytes
}

export function fingerprintFromBytes(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const fp = new Uint32Array(bytes.byteLength >> 2)
  for (let i = 0; i < fp.length; i++) fp[i] = view.getUint32(i * 4, true)
  return fp
}
