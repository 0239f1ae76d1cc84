import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Secp256k1Keypair } from '@atproto/crypto'
import { createServiceJwt } from '@atproto/xrpc-server'

export type DidWebViewer = {
  did: string
  /** A service JWT from this viewer for `aud`, naming `lxm` unless it is undefined. */
  jwt(aud: string, lxm?: string): Promise<string>
  close(): Promise<void>
}

/**
 * A viewer whose did:web document (with a real key) is served on localhost: the AppView
 * resolves it with IDENTITY_ALLOW_PRIVATE_NETWORK=true.
 */
export async function startDidWebViewer(): Promise<DidWebViewer> {
  const key = await Secp256k1Keypair.create()
  const http: Server = createServer()
  http.listen(0, '127.0.0.1')
  await once(http, 'listening')
  const did = `did:web:localhost%3A${(http.address() as AddressInfo).port}`
  const doc = {
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: did,
    verificationMethod: [
      {
        id: `${did}#atproto`,
        type: 'Multikey',
        controller: did,
        publicKeyMultibase: key.did().slice('did:key:'.length),
      },
    ],
  }
  http.on('request', (req, res) => {
    if (req.url !== '/.well-known/did.json') return void res.writeHead(404).end()
    res.setHeader('content-type', 'application/json').end(JSON.stringify(doc))
  })
  return {
    did,
    jwt: (aud, lxm) => createServiceJwt({ iss: did, aud, lxm: lxm ?? null, keypair: key }),
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  }
}
