// A generated plyr network written straight into the index tables with set-based SQL
// (insert ... select from generate_series): artists, listeners, tracks with tags, likes,
// comments, albums and playlists, shaped as the indexer writes them (a `record` row for
// every record, counts recomputed from the rows, sort_at, some accounts not active), and
// moderation labels (takedowns of tracks and accounts, informational labels).
// The AppView benchmark loads it at full scale; the read-path tests at a small one.
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { IndexSchema } from '@plyr/db'

export type NetworkScale = {
  /** Actors who publish tracks; every track belongs to one of them. */
  artists: number
  /** Actors who only like, comment and make playlists. */
  listeners: number
  tracks: number
  likes: number
  comments: number
  lists: number
}

/** The benchmark's network, or a fraction of it of the same shape. */
export function networkScale(fraction = 1): NetworkScale {
  const full = {
    artists: 10_000,
    listeners: 20_000,
    tracks: 100_000,
    likes: 1_000_000,
    comments: 200_000,
    lists: 20_000,
  }
  return Object.fromEntries(
    Object.entries(full).map(([k, n]) => [k, Math.round(n * fraction)]),
  ) as NetworkScale
}

/** The labeler whose labels the benchmark's AppView applies (ACCEPTED_LABELERS). */
export const BENCH_LABELER = 'did:plc:benchlabeler00000000000000'

/** Of every actor, the share whose account is not active (their records stay indexed). */
const HIDDEN_SHARE = 0.02
const START = '2025-01-01T00:00:00Z'
const SPAN_SECONDS = 365 * 86400
const CIDS = [
  'bafyreicnos5k3ureyshmsiefqv7nufjcktawfenxcsaftfhu5jfokqk7um',
  'bafyreibwcvcbzxd3px3jjghg4sjmb2zrt4zrnkuy6tvmoavqu4kcoh232m',
  'bafyreig7hqeuf3bovkzjcwa3zqkffqyt53doyycb5xu7wh5jy3cqdr5xbm',
]
const WORDS =
  'night glass harbor static paper satellite tide waltz low coda aurora drift echo ember velvet'.split(
    ' ',
  )
const TAGS = 'ambient techno house folk jazz drone lofi indie experimental pop'.split(' ')
/** 64 texts of `min` to `max` words, for descriptions, bios and comments. */
const texts = (min: number, max: number) =>
  Array.from({ length: 64 }, (_, i) =>
    Array.from(
      { length: min + ((i * 37) % (max - min + 1)) },
      (_, k) => WORDS[(i * 7 + k * k * 13) % WORDS.length],
    ).join(' '),
  )
const DESCRIPTIONS = texts(5, 80)
const COMMENTS = texts(2, 30)

/** A uniform draw in [0, 1), a pure function of `n` and `salt`: the same network every run. */
const draw = (n: RawBuilder<unknown>, salt: number) =>
  sql<number>`((hashint8extended(${n}, ${sql.lit(salt)}) & 4503599627370495)::float8 / 4503599627370496)`
/** An integer in [0, size), skewed towards 0 when `skewed` (a few prolific ones, a long tail). */
const pick = (n: RawBuilder<unknown>, salt: number, size: number, skewed = false) =>
  sql<number>`floor(${sql.lit(size)} * ${skewed ? sql`power(${draw(n, salt)}, 2)` : draw(n, salt)})::bigint`
const oneOf = (values: string[], n: RawBuilder<unknown>, salt: number) =>
  sql<string>`(${sql.val(values)}::text[])[1 + ${pick(n, salt, values.length)}]`
const words = (n: RawBuilder<unknown>, salt: number, count: number) =>
  sql.join(
    Array.from({ length: count }, (_, i) => oneOf(WORDS, n, salt + i)),
    sql` || ' ' || `,
  )

const did = (i: RawBuilder<unknown>) => sql<string>`'did:plc:bench' || lpad(${i}::text, 19, '0')`
/** TID-shaped record keys: a prefix per collection and the row number. */
const rkey = (prefix: string, i: RawBuilder<unknown>) =>
  sql<string>`${sql.lit(prefix)} || lpad(${i}::text, 11, '0')`
const atUri = (did: RawBuilder<unknown>, collection: string, rkey: RawBuilder<unknown>) =>
  sql<string>`'at://' || ${did} || ${sql.lit(`/fm.plyr.${collection}/`)} || ${rkey}`
const iso = (t: RawBuilder<unknown>) =>
  sql<string>`to_char(${t} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/**
 * Track n, as a function of n alone, so likes, comments and list items can point at it
 * without a join: its artist (a few artists publish much of the catalogue), its uri, and
 * its creation time (spread over a year in order of n).
 */
function trackOf(n: RawBuilder<unknown>, scale: NetworkScale) {
  const artist = pick(n, 1, scale.artists, true)
  const createdAt = sql<Date>`(${START}::timestamptz + make_interval(secs => ${n} * ${sql.lit(SPAN_SECONDS / scale.tracks)}))`
  return { artist, did: did(artist), uri: atUri(did(artist), 'track', rkey('3kt', n)), createdAt }
}

/** A track liked or commented on: recent tracks draw more of them. */
const popularTrack = (i: RawBuilder<unknown>, salt: number, scale: NetworkScale) =>
  sql`${sql.lit(scale.tracks - 1)} - ${pick(i, salt, scale.tracks, true)}`

/** A time after the track came out, up to the end of the generated year. */
const after = (t: RawBuilder<unknown>, i: RawBuilder<unknown>, salt: number) =>
  sql<Date>`${t} + (${START}::timestamptz + ${sql.lit(`${SPAN_SECONDS} seconds`)}::interval - ${t}) * ${draw(i, salt)}`

/**
 * Fills an empty, migrated index database with a network of `scale`, then VACUUM ANALYZEs
 * it. The tables' indexes are dropped while rows go in and rebuilt from their own
 * definitions afterwards: building an index once is several times faster than growing it.
 */
export async function generateNetwork(
  db: Kysely<IndexSchema>,
  scale: NetworkScale,
  progress: (step: string) => void = () => {},
): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`set maintenance_work_mem = '256MB'`.execute(conn)
    const indexes = await dropIndexes(conn)
    await insertNetwork(conn, scale, progress)
    progress('indexes')
    for (const statement of indexes) await sql.raw(statement).execute(conn)
    // as autovacuum would have by now: statistics for the planner, visibility for index-only scans
    progress('vacuum analyze')
    await sql`vacuum analyze`.execute(conn)
  })
}

/**
 * Drops every index, primary and unique key and foreign key in the schema; returns the
 * statements that rebuild them (keys first, then indexes, then the foreign keys that need
 * the keys).
 */
async function dropIndexes(db: Kysely<IndexSchema>): Promise<string[]> {
  const { rows: constraints } = await sql<{
    table: string
    name: string
    type: 'p' | 'u' | 'f'
    definition: string
  }>`
    select conrelid::regclass::text as table, conname as name, contype as type,
      pg_get_constraintdef(oid) as definition
    from pg_constraint
    where contype in ('p', 'u', 'f') and connamespace = current_schema()::regnamespace
  `.execute(db)
  const { rows: indexes } = await sql<{ name: string; definition: string }>`
    select indexname as name, indexdef as definition from pg_indexes
    where schemaname = current_schema()
      and indexname not in (select conname from pg_constraint where contype in ('p', 'u'))
  `.execute(db)
  const keys = constraints.filter((c) => c.type !== 'f')
  const foreignKeys = constraints.filter((c) => c.type === 'f')
  const drop = (c: { table: string; name: string }) =>
    sql`alter table ${sql.raw(c.table)} drop constraint ${sql.ref(c.name)}`.execute(db)
  const add = (c: { table: string; name: string; definition: string }) =>
    `alter table ${c.table} add constraint "${c.name}" ${c.definition}`
  for (const c of foreignKeys) await drop(c)
  for (const i of indexes) await sql`drop index ${sql.ref(i.name)}`.execute(db)
  for (const c of keys) await drop(c)
  return [...keys.map(add), ...indexes.map((i) => i.definition), ...foreignKeys.map(add)]
}

async function insertNetwork(
  db: Kysely<IndexSchema>,
  scale: NetworkScale,
  progress: (step: string) => void,
): Promise<void> {
  const n = sql.ref('n')
  const actors = scale.artists + scale.listeners
  const step = async (name: string, query: RawBuilder<unknown>) => {
    progress(name)
    await query.execute(db)
  }

  await step(
    'actors',
    sql`insert into actor (did, handle, display_name, pds, status, indexed_at)
      select ${did(n)}, 'actor' || n || '.bench.test',
        case when ${draw(n, 2)} < 0.7 then 'Actor ' || n end,
        'https://pds' || (n % 20) || '.bench.test',
        case when ${draw(n, 3)} < ${sql.lit(HIDDEN_SHARE)}
          then ${oneOf(['deactivated', 'suspended', 'takendown'], n, 4)} else 'active' end,
        ${START}::timestamptz
      from generate_series(0::bigint, ${sql.lit(actors - 1)}) n`,
  )
  await step(
    'artist profiles',
    sql`insert into artist_profile (did, bio, avatar_url, avatar_url_trusted, created_at, indexed_at)
      select ${did(n)}, ${oneOf(DESCRIPTIONS, n, 5)}, null, false, ${START}::timestamptz, ${START}::timestamptz
      from generate_series(0::bigint, ${sql.lit(scale.artists - 1)}) n`,
  )

  const liked = trackOf(sql.ref('t'), scale)
  await step(
    'likes',
    sql`insert into "like" (uri, did, subject_uri, subject_cid, created_at, indexed_at)
      select ${atUri(did(sql.ref('liker')), 'like', rkey('3kl', n))}, ${did(sql.ref('liker'))},
        ${liked.uri}, ${sql.lit(CIDS[0])}, at, at + interval '2 seconds'
      from generate_series(0::bigint, ${sql.lit(scale.likes - 1)}) n,
        lateral (select ${pick(n, 10, actors, true)} as liker, ${popularTrack(n, 11, scale)} as t) p,
        lateral (select ${after(liked.createdAt, n, 12)} as at) w`,
  )
  await step(
    'comments',
    sql`insert into comment (uri, did, subject_uri, subject_cid, text, timestamp_ms, created_at, indexed_at)
      select ${atUri(did(sql.ref('author')), 'comment', rkey('3kc', n))}, ${did(sql.ref('author'))},
        ${liked.uri}, ${sql.lit(CIDS[0])}, ${oneOf(COMMENTS, n, 20)}, ${pick(n, 21, 300_000)},
        at, at + interval '2 seconds'
      from generate_series(0::bigint, ${sql.lit(scale.comments - 1)}) n,
        lateral (select ${pick(n, 22, actors)} as author, ${popularTrack(n, 23, scale)} as t) p,
        lateral (select ${after(liked.createdAt, n, 24)} as at) w`,
  )

  const track = trackOf(n, scale)
  await step(
    'tracks',
    sql`insert into track (uri, did, cid, title, artist, album, duration, description, file_type,
        audio_url, audio_url_trusted, image_url, image_url_trusted, audio_blob_cid,
        created_at, indexed_at, sort_at)
      select uri, did, ${oneOf(CIDS, n, 30)}, ${words(n, 31, 3)}, 'Actor ' || artist,
        case when ${draw(n, 34)} < 0.5 then ${words(n, 35, 2)} end, 60 + ${pick(n, 37, 400)},
        -- liner notes on some tracks
        case when ${draw(n, 42)} < 0.4 then ${oneOf(DESCRIPTIONS, n, 38)} end,
        ${oneOf(['mp3', 'flac', 'wav'], n, 39)},
        'https://cdn.plyr.fm/audio/' || split_part(uri, '/', 5) || '.mp3', true,
        'https://cdn.plyr.fm/images/' || split_part(uri, '/', 5) || '.jpg', true, null,
        created_at, indexed_at, least(created_at, indexed_at)
      from (
        select n, ${track.artist} as artist, ${track.did} as did, ${track.uri} as uri,
          ${track.createdAt} as created_at,
          -- indexed within minutes, and now and then a createdAt from the future
          ${track.createdAt} + make_interval(secs => case when ${draw(n, 40)} < 0.005
            then -86400 * 30 else 600 * ${draw(n, 41)} end) as indexed_at
        from generate_series(0::bigint, ${sql.lit(scale.tracks - 1)}) n
      ) t`,
  )
  // the counts, as recountTracks keeps them: a row for each track with something counted
  await step(
    'track counts',
    sql`insert into track_count (uri, like_count, comment_count)
      select coalesce(l.uri, c.uri), coalesce(l.count, 0), coalesce(c.count, 0)
      from (select subject_uri as uri, count(distinct did)::int as count from "like" group by 1) l
      full join (select subject_uri as uri, count(*)::int as count from comment group by 1) c
        on c.uri = l.uri`,
  )
  await step(
    'tags',
    sql`insert into track_tag (track_uri, tag)
      select distinct ${track.uri}, ${oneOf(TAGS, sql`${n} * 4 + k`, 50)}
      from generate_series(0::bigint, ${sql.lit(scale.tracks - 1)}) n, generate_series(0, 2) k
      where ${draw(sql`${n} * 4 + k`, 51)} < 0.45`,
  )

  const creator = sql`case when list_type = 'album' then ${pick(n, 61, scale.artists, true)}
    else ${pick(n, 62, actors)} end`
  await step(
    'lists',
    sql`insert into list (uri, did, cid, name, list_type, created_at, indexed_at)
      select ${atUri(did(sql.ref('creator')), 'list', rkey('3ks', n))}, ${did(sql.ref('creator'))},
        ${sql.lit(CIDS[1])}, ${words(n, 63, 2)}, list_type, at, at
      from generate_series(0::bigint, ${sql.lit(scale.lists - 1)}) n,
        lateral (select ${oneOf(['album', 'album', 'playlist', 'playlist', 'liked'], n, 60)} as list_type) t,
        lateral (select ${creator} as creator) c,
        lateral (select ${START}::timestamptz + make_interval(secs => ${pick(n, 64, SPAN_SECONDS)}) as at) w`,
  )
  const item = sql`${sql.ref('list_n')} * 32 + position`
  await step(
    'list items',
    sql`insert into list_item (list_uri, position, subject_uri, subject_cid)
      select l.uri, position, ${trackOf(pick(item, 71, scale.tracks), scale).uri}, ${sql.lit(CIDS[0])}
      from (select uri, split_part(uri, '/', 5) as rkey,
          substr(split_part(uri, '/', 5), 4)::bigint as list_n from list) l,
        lateral generate_series(0, 2 + ${pick(sql.ref('list_n'), 70, 16)}) position`,
  )

  await step(
    'labels',
    sql`insert into label (src, uri, val, cts)
      select ${BENCH_LABELER}, ${track.uri}, case when ${draw(n, 80)} < 0.003 then '!takedown'
          when ${draw(n, 80)} < 0.006 then 'copyright-violation' else 'explicit' end,
        ${START}::timestamptz
      from generate_series(0::bigint, ${sql.lit(scale.tracks - 1)}) n
      where ${draw(n, 80)} < 0.02
      union all
      select ${BENCH_LABELER}, ${did(n)}, '!takedown', ${START}::timestamptz
      from generate_series(0::bigint, ${sql.lit(actors - 1)}) n
      where ${draw(n, 81)} < 0.003`,
  )
  // every record as the indexer keeps it: the JSON the row was built from (`from` names
  // the table as r; its joins are set-based, as the tables have no indexes yet)
  const record = (collection: string, from: RawBuilder<unknown>, json: RawBuilder<unknown>) =>
    sql`insert into record (uri, did, collection, rkey, cid, rev, json, indexed_at)
      select r.uri, r.did, ${sql.lit(`fm.plyr.${collection}`)}, split_part(r.uri, '/', 5),
        ${collection === 'like' || collection === 'comment' ? sql.lit(CIDS[2]) : sql`r.cid`},
        split_part(r.uri, '/', 5), ${json}, r.indexed_at
      from ${from}`
  await step(
    'track records',
    record(
      'track',
      sql`track r left join (select track_uri, json_agg(tag order by tag) as tags
        from track_tag group by 1) g on g.track_uri = r.uri`,
      sql`json_strip_nulls(json_build_object('$type', 'fm.plyr.track', 'title', title,
        'artist', artist, 'album', album, 'duration', duration, 'description', description,
        'fileType', file_type, 'audioUrl', audio_url, 'imageUrl', image_url, 'tags', tags,
        'createdAt', ${iso(sql`created_at`)}))`,
    ),
  )
  const subject = sql`json_build_object('uri', subject_uri, 'cid', subject_cid)`
  await step(
    'like records',
    record(
      'like',
      sql`"like" r`,
      sql`json_build_object('$type', 'fm.plyr.like', 'subject', ${subject},
        'createdAt', ${iso(sql`created_at`)})`,
    ),
  )
  await step(
    'comment records',
    record(
      'comment',
      sql`comment r`,
      sql`json_build_object('$type', 'fm.plyr.comment', 'subject', ${subject}, 'text', text,
        'timestampMs', timestamp_ms, 'createdAt', ${iso(sql`created_at`)})`,
    ),
  )
  await step(
    'list records',
    record(
      'list',
      sql`list r join (select list_uri, json_agg(json_build_object('subject', ${subject})
        order by position) as items from list_item group by 1) i on i.list_uri = r.uri`,
      sql`json_build_object('$type', 'fm.plyr.list', 'name', name, 'listType', list_type,
        'items', items, 'createdAt', ${iso(sql`created_at`)})`,
    ),
  )
}

/** Parameters for requests that find something: visible tracks, artists and likers. */
export async function sampleRequests(db: Kysely<IndexSchema>, size: number) {
  const column = async (query: RawBuilder<{ value: string }>) =>
    (await query.execute(db)).rows.map((r) => r.value)
  const visible = (...subjects: RawBuilder<unknown>[]) =>
    sql`not exists (select 1 from label where label.uri in (${sql.join(subjects)})
      and label.val in ('!takedown', 'copyright-violation'))`
  const actor = sql.ref('a.did')
  return {
    trackUris: await column(
      sql`select t.uri as value from track t join actor a on a.did = t.did
        where a.status = 'active' and ${visible(sql.ref('t.uri'), actor)}
        order by random() limit ${size}`,
    ),
    artists: await column(
      sql`select a.did as value from actor a
        where a.status = 'active' and ${visible(actor)}
          and exists (select 1 from track t where t.did = a.did)
        order by random() limit ${size}`,
    ),
    likers: await column(
      sql`select a.did as value from actor a
        where a.status = 'active' and ${visible(actor)}
          and exists (select 1 from "like" l where l.did = a.did)
        order by random() limit ${size}`,
    ),
  }
}

export type SampledRequests = Awaited<ReturnType<typeof sampleRequests>>
