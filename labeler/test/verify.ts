// A label verifier written from the spec alone, with no labeler code: @atproto/crypto,
// cborg (a CBOR codec) and the key from the DID document. cborg's default encoding is
// canonical (map keys by length then bytes, shortest integers): for a label's strings,
// integer and boolean that is exactly DAG-CBOR.
import { formatDidKey, multibaseToBytes, SECP256K1_JWT_ALG, verifySignature } from '@atproto/crypto'
import { decodeFirst, encode } from 'cborg'
import WebSocket from 'ws'

/**
 * The did:key of a DID document's verification method: a `Multikey` is one already; an
 * `EcdsaSecp256k1VerificationKey2019` (what the PLC directory serves) holds the raw key.
 */
export function didKeyOf(method: { type: string; publicKeyMultibase: string }): string {
  if (method.type === 'Multikey') return `did:key:${method.publicKeyMultibase}`
  if (method.type !== 'EcdsaSecp256k1VerificationKey2019') {
    throw new Error(`unexpected key type ${method.type}`)
  }
  return formatDidKey(SECP256K1_JWT_ALG, multibaseToBytes(method.publicKeyMultibase))
}

export type WireLabel = Record<string, unknown> & { sig: Uint8Array }

/** A label as queryLabels sends it in JSON (`sig` as `{$bytes}`), with its bytes restored. */
export function fromJson(label: Record<string, unknown>): WireLabel {
  const sig = label.sig as { $bytes: string }
  return { ...label, sig: new Uint8Array(Buffer.from(sig.$bytes, 'base64')) }
}

/** Whether `label` carries a valid signature by `didKey` over its DAG-CBOR sans sig/$type. */
export async function verifyLabel(didKey: string, label: WireLabel): Promise<boolean> {
  const { sig, $type: _type, ...unsigned } = label
  return verifySignature(didKey, encode(unsigned), sig)
}

export type Frame = { header: { op: number; t?: string }; body: Record<string, unknown> }

/** The two CBOR objects of an event-stream frame. */
export function decodeFrame(bytes: Uint8Array): Frame {
  const [header, rest] = decodeFirst(bytes) as [Frame['header'], Uint8Array]
  const [body] = decodeFirst(rest) as [Frame['body'], Uint8Array]
  return { header, body }
}

/** A subscribeLabels connection collecting its frames, with a way to wait on them. */
export class Subscriber {
  readonly frames: Frame[] = []
  closed?: { code: number; reason: string }
  private readonly ws: WebSocket
  private readonly changed = new Set<() => void>()

  constructor(url: string, cursor?: number) {
    const u = new URL('/xrpc/com.atproto.label.subscribeLabels', url.replace(/^http/, 'ws'))
    if (cursor !== undefined) u.searchParams.set('cursor', String(cursor))
    this.ws = new WebSocket(u)
    this.ws.on('message', (data: Buffer) => {
      this.frames.push(decodeFrame(new Uint8Array(data)))
      for (const f of this.changed) f()
    })
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() }
      for (const f of this.changed) f()
    })
    this.ws.on('error', () => {})
  }

  opened(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve())
      this.ws.once('error', reject)
    })
  }

  /** The `#labels` frames' labels with their seq, in arrival order. */
  labels(): { seq: number; label: WireLabel }[] {
    return this.frames
      .filter((f) => f.header.t === '#labels')
      .flatMap((f) =>
        (f.body.labels as WireLabel[]).map((label) => ({ seq: f.body.seq as number, label })),
      )
  }

  /** Waits until `done` holds, failing after `timeoutMs` (sized for a loaded machine). */
  until(done: () => boolean, timeoutMs = 60_000): Promise<void> {
    if (done()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.changed.delete(check)
        reject(
          new Error(
            `subscriber: condition not met in ${timeoutMs} ms (${this.frames.length} frames)`,
          ),
        )
      }, timeoutMs)
      const check = () => {
        if (!done()) return
        clearTimeout(timer)
        this.changed.delete(check)
        resolve()
      }
      this.changed.add(check)
    })
  }

  close(): void {
    this.ws.close()
  }
}
