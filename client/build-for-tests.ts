import { buildClient } from './build.js'

/** vitest global setup: the AppView under test serves the client as `npm start` builds it. */
export default async function setup(): Promise<void> {
  await buildClient()
}
