import type { Request, Response } from 'express'
import { SERVICE_ID, type ServiceIdentity } from '../service-identity.js'

/** GET /.well-known/did.json: the AppView's did:web document with its service entry. */
export function didDocumentHandler(service: ServiceIdentity) {
  const doc = {
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: service.did,
    service: [{ id: `#${SERVICE_ID}`, type: 'PlyrAppView', serviceEndpoint: service.url }],
  }
  return (_req: Request, res: Response) => {
    res.json(doc)
  }
}
