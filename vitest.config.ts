import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['*/src/**/*.test.ts', '*/test/**/*.test.ts'],
    // `*.postgres.test.ts` need a database server (several processes on one database):
    // they run in `npm run test:postgres` only
    exclude:
      process.env.PLYR_TEST_DATABASE === 'postgres'
        ? configDefaults.exclude
        : [...configDefaults.exclude, '**/*.postgres.test.ts'],
    // the AppView under test serves the web client: built once per run, as npm start does
    globalSetup: ['client/build-for-tests.ts'],
    // sized for a loaded machine (a shared CI runner, two other jobs on two cores): tests
    // wait for events, never for time, so a quiet machine never waits this long
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // the dev network's PDS and the databases are real: keep parallelism modest on 2 cores
    maxWorkers: 2,
  },
})
