import { afterEach, describe, expect, it } from 'vitest'
import { type IndexedAppView, startIndexedAppView } from './indexed-appview.js'

const noIdentity = async () => ({ handle: null, displayName: null })

describe('the AppView did:web', () => {
  let app: IndexedAppView | undefined
  afterEach(async () => {
    await app?.destroy()
  })

  it('serves its DID document with the service entry PDSes proxy to', async () => {
    app = await startIndexedAppView([], noIdentity, { PUBLIC_URL: 'https://plyr.example.com/' })
    const res = await app.get('/.well-known/did.json')
    expect(res).toEqual({
      status: 200,
      body: {
        '@context': ['https://www.w3.org/ns/did/v1'],
        id: 'did:web:plyr.example.com',
        service: [
          { id: '#plyr_appview', type: 'PlyrAppView', serviceEndpoint: 'https://plyr.example.com' },
        ],
      },
    })
  })

  it('names its local port in the did:web when no public URL is set', async () => {
    app = await startIndexedAppView([], noIdentity)
    const port = new URL(app.url).port
    const { body } = await app.get('/.well-known/did.json')
    expect(body.id).toBe(`did:web:localhost%3A${port}`)
  })

  it('serves no did:web document when its DID is another method', async () => {
    app = await startIndexedAppView([], noIdentity, {
      APPVIEW_DID: 'did:plc:appview0000000000000000',
    })
    const res = await fetch(`${app.url}/.well-known/did.json`)
    expect(res.status).toBe(404)
  })
})
