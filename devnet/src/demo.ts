import { PlyrNamespace } from '@plyr/lexicons'
import type { DevAccount, DevNetwork } from './network.js'

export type DemoArtist = DevAccount & {
  displayName: string
  tracks: { uri: string; cid: string }[]
}

const ARTISTS = [
  { name: 'aurora', displayName: 'Aurora Vale', tracks: ['Northern Static', 'Glass Harbor'] },
  { name: 'basil', displayName: 'Basil & The Tides', tracks: ['Low Tide Waltz'] },
  { name: 'cleo', displayName: 'Cleo Moreau', tracks: ['Paper Satellites', 'Night Bus', 'Coda'] },
]

/**
 * Demo artists on the dev network, each with a Bluesky profile (display name), a plyr
 * artist profile and tracks; then likes and timed comments across them. Records go
 * into the collections of `namespace` (fm.plyr.dev by default).
 */
export async function seedDemo(net: DevNetwork, namespace = 'fm.plyr.dev'): Promise<DemoArtist[]> {
  const ns = new PlyrNamespace(namespace)
  const artists: DemoArtist[] = []
  for (const spec of ARTISTS) {
    const account = await net.createAccount(spec.name)
    const now = () => new Date().toISOString()
    await account.client.putRecord(
      { $type: 'app.bsky.actor.profile', displayName: spec.displayName },
      'self',
    )
    await account.client.putRecord(
      {
        $type: ns.collection('actor.profile'),
        bio: `${spec.displayName} makes music on the plyr dev network.`,
        createdAt: now(),
      },
      'self',
    )
    const tracks: DemoArtist['tracks'] = []
    for (const [i, title] of spec.tracks.entries()) {
      const res = await account.client.createRecord({
        $type: ns.collection('track'),
        title,
        artist: spec.displayName,
        fileType: 'mp3',
        duration: 150 + 37 * i,
        createdAt: now(),
      })
      tracks.push({ uri: res.body.uri, cid: res.body.cid })
    }
    artists.push({ ...account, displayName: spec.displayName, tracks })
  }
  // everyone likes and comments on the next artist's first track
  for (const [i, artist] of artists.entries()) {
    const subject = artists[(i + 1) % artists.length]!.tracks[0]!
    await artist.client.createRecord({
      $type: ns.collection('like'),
      subject,
      createdAt: new Date().toISOString(),
    })
    await artist.client.createRecord({
      $type: ns.collection('comment'),
      subject,
      text: `love the part at 0:${10 + i}`,
      timestampMs: (10 + i) * 1000,
      createdAt: new Date().toISOString(),
    })
  }
  return artists
}
