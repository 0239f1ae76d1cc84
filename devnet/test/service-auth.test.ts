import { Secp256k1Keypair } from '@atproto/crypto'
import { createServiceJwt } from '@atproto/xrpc-server'
import type { PlyrService } from '@plyr/appview'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DevAccount, DevNetwork } from '../src/network.js'
import { createPlcIdentity, type PlcIdentity } from './plc-identity.js'
import { startPlyr, tempDir } from './service.js'
import { waitFor } from './wait.js'

const GET_TRACK = 'fm.plyr.feed.getTrack'

describe("service JWTs at the AppView's HTTP interface", () => {
  let net: DevNetwork
  let data: AsyncDisposable & { path: string }
  let plyr: PlyrService
  let appviewDid: string
  let trackUri: string
  let fan: DevAccount
  let fanLike: string
  let viewer: PlcIdentity

  beforeAll(async () => {
    net = await DevNetwork.start()
    data = await tempDir()
    plyr = await startPlyr({ ...net.serviceEnv(), PLYR_NAMESPACE: 'fm.plyr.dev' }, data.path)
    appviewDid = plyr.server.ctx!.service.did
    const artist = await net.createAccount('nadia')
    fan = await net.createAccount('omar')
    const track = await artist.client.createRecord({
      $type: 'fm.plyr.dev.track',
      title: 'Lantern',
      artist: 'Nadia',
      fileType: 'mp3',
      createdAt: new Date().toISOString(),
    })
    trackUri = track.body.uri
    const like = await fan.client.createRecord({
      $type: 'fm.plyr.dev.like',
      subject: { uri: track.body.uri, cid: track.body.cid },
      createdAt: new Date().toISOString(),
    })
    fanLike = like.body.uri
    await waitFor(async () => {
      const { status, body } = await getTrack(undefined)
      return status === 200 && body.track.likeCount === 1 ? true : undefined
    })
    viewer = await createPlcIdentity(net.plcUrl, 'viewer')
  })
  afterAll(async () => {
    await plyr?.destroy()
    await net?.destroy()
    await data?.[Symbol.asyncDispose]()
  })

  type Answer = {
    status: number
    body: { error?: string; track: { likeCount: number; viewer?: { like?: string } } }
  }
  async function getTrack(authorization: string | undefined, url = plyr.url): Promise<Answer> {
    const res = await fetch(`${url}/xrpc/${GET_TRACK}?uri=${encodeURIComponent(trackUri)}`, {
      headers: authorization === undefined ? {} : { authorization },
    })
    return { status: res.status, body: (await res.json()) as Answer['body'] }
  }
  /** A service JWT from `viewer` for getTrack at this AppView, unless told otherwise. */
  async function bearer(opts: Partial<Parameters<typeof createServiceJwt>[0]> = {}) {
    const jwt = await createServiceJwt({
      iss: viewer.did,
      aud: appviewDid,
      lxm: GET_TRACK,
      keypair: viewer.signingKey,
      ...opts,
    })
    return `Bearer ${jwt}`
  }
  const refused = (answer: Answer) => ({ status: answer.status, error: answer.body.error })

  it('makes the issuer the viewer when the JWT is valid', async () => {
    const own = await getTrack(await bearer())
    expect(own).toMatchObject({ status: 200, body: { track: { viewer: {} } } })
    // the audience may also name the service entry
    const withFragment = await getTrack(await bearer({ aud: `${appviewDid}#plyr_appview` }))
    expect(withFragment.body.track.viewer).toEqual({})
    // a JWT the fan's PDS signed with the fan's key: the fan sees their like
    const res = await fetch(
      `${net.pdsUrl}/xrpc/com.atproto.server.getServiceAuth?aud=${encodeURIComponent(appviewDid)}&lxm=${GET_TRACK}`,
      { headers: { authorization: `Bearer ${fan.accessJwt}` } },
    )
    const { token } = (await res.json()) as { token: string }
    const asFan = await getTrack(`Bearer ${token}`)
    expect(asFan.body.track.viewer).toEqual({ like: fanLike })
    // no header: anonymous, no viewer state at all
    expect((await getTrack(undefined)).body.track.viewer).toBeUndefined()
  })

  it('refuses a bad signature, audience, method or expiry with a 401 naming it', async () => {
    const stranger = await Secp256k1Keypair.create()
    expect(refused(await getTrack(await bearer({ keypair: stranger })))).toEqual({
      status: 401,
      error: 'BadJwtSignature',
    })
    expect(refused(await getTrack(await bearer({ aud: 'did:web:elsewhere.example' })))).toEqual({
      status: 401,
      error: 'BadJwtAudience',
    })
    expect(refused(await getTrack(await bearer({ lxm: 'fm.plyr.feed.getLatestTracks' })))).toEqual({
      status: 401,
      error: 'BadJwtLexiconMethod',
    })
    expect(refused(await getTrack(await bearer({ lxm: null })))).toEqual({
      status: 401,
      error: 'BadJwtLexiconMethod',
    })
    const past = Math.floor(Date.now() / 1000) - 120
    expect(refused(await getTrack(await bearer({ iat: past - 60, exp: past })))).toEqual({
      status: 401,
      error: 'JwtExpired',
    })
  })

  it('refuses malformed authorization headers with a 401', async () => {
    const valid = (await bearer()).slice('Bearer '.length)
    const [header, payload] = valid.split('.')
    for (const authorization of [
      '',
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from('omar:pw').toString('base64')}`,
      `DPoP ${valid}`,
      'Bearer not-a-jwt',
      'Bearer a.b.c',
      `Bearer ${header}.${payload}`,
      `Bearer ${header}.${Buffer.from('{"iss":').toString('base64url')}.sig`,
      `Bearer ${valid} extra`,
    ]) {
      expect({ authorization, ...refused(await getTrack(authorization)) }).toEqual({
        authorization,
        status: 401,
        error: 'BadJwt',
      })
    }
    // the user's own PDS session token is not a service JWT
    expect(refused(await getTrack(`Bearer ${fan.accessJwt}`))).toEqual({
      status: 401,
      error: 'BadJwtType',
    })
  })

  it('refuses issuers that are not resolvable accounts with a 401', async () => {
    const key = await Secp256k1Keypair.create()
    const gone = await createPlcIdentity(net.plcUrl, 'gone')
    await gone.tombstone()
    for (const iss of [
      'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa', // not in the directory
      gone.did, // deleted from the directory
      'did:web:localhost%3A1', // nothing serves its document
      'did:web:plyr.invalid', // its host does not exist
      key.did(), // a did:key would vouch for itself
      'did:example:someone', // a method we do not resolve
      `${viewer.did}#plyr_labeler`, // a service, not an account
    ]) {
      expect({ iss, ...refused(await getTrack(await bearer({ iss, keypair: key }))) }).toEqual({
        iss,
        status: 401,
        error: 'BadJwtIss',
      })
    }
  })

  it('picks up a signing key rotated in the DID document', async () => {
    const before = await bearer()
    expect((await getTrack(before)).status).toBe(200) // the document is now cached
    await viewer.rotateSigningKey()
    // the cached key fails, so the document is fetched again
    const after = await getTrack(await bearer())
    expect(after).toMatchObject({ status: 200, body: { track: { viewer: {} } } })
    // and the old key no longer vouches for anyone
    expect(refused(await getTrack(before))).toEqual({ status: 401, error: 'BadJwtSignature' })
  })

  it('answers 502, not 401 or 500, when the DID resolver cannot be reached', async () => {
    await using cut = await tempDir()
    await using isolated = await startPlyr(
      { ...net.serviceEnv(), PLC_URL: 'http://127.0.0.1:1', RUN_INDEXER: 'false' },
      cut.path,
    )
    const answer = await getTrack(
      await bearer({ aud: isolated.server.ctx!.service.did }),
      isolated.url,
    )
    expect(refused(answer)).toEqual({ status: 502, error: 'UpstreamFailure' })
  })
})
