import { describe, expect, it } from 'vitest'
import { pdsEndpoint } from './identity.js'

describe('pdsEndpoint: a PDS URL from an untrusted DID document', () => {
  it('keeps http(s) origins, normalized', () => {
    expect(pdsEndpoint('https://pds.example.com')).toBe('https://pds.example.com')
    expect(pdsEndpoint('https://PDS.Example.com/')).toBe('https://pds.example.com')
    expect(pdsEndpoint('https://pds.example.com:443')).toBe('https://pds.example.com')
    expect(pdsEndpoint('http://localhost:2583')).toBe('http://localhost:2583')
  })

  it('refuses anything else', () => {
    for (const value of [
      'javascript:alert(1)',
      'data:text/html,hi',
      'ftp://pds.example.com',
      'wss://pds.example.com',
      'https://user:secret@pds.example.com',
      'https://pds.example.com/xrpc',
      'https://pds.example.com?redirect=evil',
      'https://pds.example.com/?',
      'https://pds.example.com#x',
      'pds.example.com',
      '',
    ]) {
      expect(pdsEndpoint(value), value).toBeUndefined()
    }
  })
})
