export { anyOf, columnList, insertRows, selectRows, setExcluded } from './bulk.js'
export { type ColumnName, type Columns, type ColumnType, columnsOf } from './columns.js'
export { type DatabaseHealth, databaseHealth, healthAnswer } from './health.js'
export { type ControlAddress, DataDirLock, DataDirLockedError, type LockHolder } from './lock.js'
export { Database, type DatabaseConfig, databaseConfigFromEnv } from './open.js'
export type * from './schema.js'
export { textArray } from './text-array.js'
export { recountTracks, trackCountColumns } from './track-counts.js'
export {
  isDatabaseUnavailable,
  QueryDeadlineError,
  retryWhileDatabaseUnavailable,
  warnWhileDatabaseUnavailable,
} from './unavailable.js'
