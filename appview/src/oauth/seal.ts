import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const VERSION = 'v1'

/**
 * Encryption at rest for what sign-in stores (OAuth tokens, DPoP private keys, sign-in
 * state): AES-256-GCM under a key derived from SESSION_SECRET with HKDF-SHA256. Each value
 * is bound to where it is stored (`context`, e.g. the table and row), so a sealed value
 * copied into another row does not open there. A value sealed under another secret, or
 * altered, does not open at all.
 */
export class Sealer {
  private readonly key: Buffer

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'plyr', 'plyr sign-in store v1', 32))
  }

  seal(value: unknown, context: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    cipher.setAAD(Buffer.from(context))
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
    const sealed = Buffer.concat([body, cipher.getAuthTag()])
    return `${VERSION}.${iv.toString('base64url')}.${sealed.toString('base64url')}`
  }

  /** The value, or undefined when it was not sealed by this secret for this context. */
  open<T>(sealed: string, context: string): T | undefined {
    const [version, iv, data] = sealed.split('.')
    if (version !== VERSION || !iv || !data) return undefined
    try {
      const bytes = Buffer.from(data, 'base64url')
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'))
      decipher.setAAD(Buffer.from(context))
      decipher.setAuthTag(bytes.subarray(bytes.length - 16))
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(0, bytes.length - 16)),
        decipher.final(),
      ])
      return JSON.parse(plain.toString('utf8')) as T
    } catch {
      return undefined
    }
  }
}
