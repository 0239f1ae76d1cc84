import { Secp256k1Keypair } from '@atproto/crypto'
import { setupLabeler } from '@plyr/labeler'
import { type DevAccount, type DevNetwork, freePort } from './network.js'

export type DevLabeler = {
  account: DevAccount
  url: string
  /** The environment that runs plyr with this labeler, and the AppView accepting it. */
  env: Record<string, string>
}

/**
 * A labeler account on the dev network, set up as `npm run labeler:setup` does it (its
 * key and endpoint in its DID document, its declaration record), with the PLC token the
 * PDS would have e-mailed taken from the PDS itself.
 */
export async function devLabeler(net: DevNetwork, port?: number): Promise<DevLabeler> {
  const account = await net.createAccount('labeler')
  const key = await Secp256k1Keypair.create({ exportable: true })
  const labelerPort = port || (await freePort())
  const url = `http://localhost:${labelerPort}`
  await setupLabeler({
    did: account.did,
    password: account.password,
    signingDidKey: key.did(),
    endpoint: url,
    identity: {
      plcUrl: net.plcUrl,
      handleResolverUrl: net.pdsUrl,
      allowPrivateNetwork: true,
      timeoutMs: 10_000,
    },
    plcToken: await net.plcToken(account.did),
  })
  return {
    account,
    url,
    env: {
      LABELER_DID: account.did,
      LABELER_SIGNING_KEY: Buffer.from(await key.export()).toString('hex'),
      LABELER_PORT: String(labelerPort),
      LABELER_PUBLIC_URL: url,
      ACCEPTED_LABELERS: account.did,
    },
  }
}
