import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTestDatabase, testDatabaseKind, type TestDatabase } from '@plyr/db/testing'
import { textArray } from './text-array.js'

describe(`textArray on ${testDatabaseKind()}`, () => {
  let database: TestDatabase
  beforeEach(async () => {
    database = await openTestDatabase()
  })
  afterEach(async () => {
    await database.destroy()
  })

  it('reaches Postgres as the same text[], whatever the elements hold', async () => {
    const values = [
      'plain',
      '',
      null,
      'NULL',
      '{"a":"quoted \\"and\\" back\\\\slashed"}',
      'comma, {brace} and space ',
      'ünïcödé ♫ 🎵',
    ]
    const { rows } = await sql<{ a: string[] }>`select ${textArray(values)}::text[] as a`.execute(
      database.db,
    )
    expect(rows[0]!.a).toEqual(values)
    const empty = await sql<{
      n: number
    }>`select cardinality(${textArray([])}::text[]) as n`.execute(database.db)
    expect(empty.rows[0]!.n).toBe(0)
  })
})
