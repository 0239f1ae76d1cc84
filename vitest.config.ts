import { configDefaults, defineConfig } from 'vitest/config'

const include = ['*/src/**/*.test.ts', '*/test/**/*.test.ts']

export default defineConfig({
  test: {
    // the AppView under test serves the web client: built once per run, as npm start does
    globalSetup: ['client/build-for-tests.ts'],
    // sized for a loaded machine (a shared CI runner, two other jobs on two cores): tests
    // wait for events, never for time, so a quiet machine never waits this long
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // the dev network's PDS and the databases are real: parallelism modest for 2 cores
    // (a third worker fills the time the others wait on processes: 572 s against 619 s)
    maxWorkers: 3,
    // Two projects in one run, so their files share the workers (the long Postgres files
    // run beside PGlite ones rather than after them):
    projects: [
      {
        extends: true,
        test: {
          name: 'pglite',
          include,
          // `*.postgres.test.ts` need a database server (several processes on one database)
          exclude: [...configDefaults.exclude, '**/*.postgres.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          // the data layer's tests again on the local Postgres, and those needing a server
          include: [
            ...['db', 'indexer', 'appview'].flatMap((w) => include.map((i) => i.replace('*', w))),
            '*/src/**/*.postgres.test.ts',
            '*/test/**/*.postgres.test.ts',
          ],
          env: { PLYR_TEST_DATABASE: 'postgres' },
        },
      },
    ],
  },
})
