import { build } from 'vite'

/** vitest global setup: the AppView under test serves the client as `npm start` builds it. */
export default async function setup(): Promise<void> {
  await build({
    configFile: new URL('./vite.config.ts', import.meta.url).pathname,
    logLevel: 'warn',
  })
}
