import { Secp256k1Keypair } from '@atproto/crypto'
import * as plc from '@did-plc/lib'

/** A did:plc in the dev PLC directory whose keys the test holds. */
export type PlcIdentity = {
  did: string
  /** The key in the DID document's `#atproto` verification method. */
  signingKey: Secp256k1Keypair
  /** Puts a new signing key in the DID document (a signed PLC operation) and returns it. */
  rotateSigningKey(): Promise<Secp256k1Keypair>
  /** Deletes the DID (a PLC tombstone), as when an account is gone for good. */
  tombstone(): Promise<void>
}

export async function createPlcIdentity(plcUrl: string, name: string): Promise<PlcIdentity> {
  const client = new plc.Client(plcUrl)
  const rotationKey = await Secp256k1Keypair.create()
  const signingKey = await Secp256k1Keypair.create()
  const did = await client.createDid({
    signingKey: signingKey.did(),
    handle: `${name}.test`,
    pds: 'https://pds.invalid',
    rotationKeys: [rotationKey.did()],
    signer: rotationKey,
  })
  const identity: PlcIdentity = {
    did,
    signingKey,
    async rotateSigningKey() {
      const next = await Secp256k1Keypair.create()
      await client.updateAtprotoKey(did, rotationKey, next.did())
      identity.signingKey = next
      return next
    },
    tombstone: () => client.tombstone(did, rotationKey),
  }
  return identity
}
