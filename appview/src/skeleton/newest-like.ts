import { sql } from 'kysely'

/**
 * The skeleton condition that keeps, of an account's likes of one track, only the newest
 * (by created_at, then uri): a track liked twice is listed once, a liker counted once.
 * The query must name the like table `like`.
 */
export const isNewestLikeOfPair = sql<boolean>`not exists (
  select 1 from "like" as newer
  where newer.subject_uri = "like".subject_uri
    and newer.did = "like".did
    and (newer.created_at, newer.uri) > ("like".created_at, "like".uri))`
