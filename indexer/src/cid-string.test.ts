import { randomBytes } from 'node:crypto'
import { createCid, validateCidString } from '@atproto/lex'
import { describe, expect, it } from 'vitest'
import { isCidString } from './cid-string.js'

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'
const SHA256 = 0x12

describe('isCidString', () => {
  it('agrees with validateCidString on CIDs and on strings that are almost CIDs', () => {
    const digests = [
      Buffer.alloc(32, 0),
      Buffer.alloc(32, 0xff),
      ...[...Array(100)].map(() => randomBytes(32)),
    ]
    for (const digest of digests) {
      for (const codec of [0x71, 0x55]) {
        const cid = createCid(codec, SHA256, digest).toString()
        expect(isCidString(cid)).toBe(true)
        // each character swapped where the header ends and at the end
        for (const at of [6, 7, cid.length - 1]) {
          for (const c of `${BASE32}A=`) {
            const variant = cid.slice(0, at) + c + cid.slice(at + 1)
            expect(isCidString(variant), variant).toBe(validateCidString(variant))
          }
        }
        for (const variant of [`${cid}a`, cid.slice(0, -1), cid.toUpperCase()]) {
          expect(isCidString(variant), variant).toBe(validateCidString(variant))
        }
      }
    }
    expect(isCidString('QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR')).toBe(true)
  })
})
