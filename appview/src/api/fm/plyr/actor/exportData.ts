import type { Readable } from 'node:stream'
import type { Server } from '@atproto/xrpc-server'
import { type AudioFormat, extensionOf } from '@plyr/media'
import { fm, recordLexicons } from '@plyr/lexicons'
import { sql } from 'kysely'
import { ZipFile } from 'yazl'
import type { AppContext } from '../../../../context.js'

/** A name safe in any file system: no separators, controls or reserved characters. */
function safeName(name: string): string {
  return name.replace(/[\\/:*?"<>|\p{Cc}]/gu, '_').slice(0, 120)
}

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.actor.exportData.main, {
    auth: ctx.auth.signedIn,
    handler: async ({ auth }) => {
      const { did } = auth.credentials
      const collections = Object.keys(recordLexicons).map((name) =>
        ctx.cfg.namespace.collection(name as keyof typeof recordLexicons),
      )
      const records = await ctx.db
        .selectFrom('record')
        .select(['collection', 'rkey', sql<string>`json::text`.as('json')])
        .where('did', '=', did)
        .where('collection', 'in', collections)
        .where('deleted_at', 'is', null)
        .orderBy('collection')
        .orderBy('rkey')
        .execute()
      const originals = await ctx.db
        .selectFrom('media_version')
        .innerJoin('media_object', 'media_object.sha256', 'media_version.original_sha256')
        .leftJoin('track', 'track.uri', 'media_version.track_uri')
        .select([
          'media_version.track_uri',
          'media_version.version',
          'media_version.original_sha256',
          'media_version.original_format',
          'media_object.size',
          'track.title',
        ])
        .where('media_version.did', '=', did)
        .orderBy('media_version.track_uri')
        .orderBy('media_version.version')
        .execute()
      const zip = new ZipFile()
      for (const r of records) {
        const pretty = JSON.stringify(JSON.parse(r.json), null, 2)
        zip.addBuffer(Buffer.from(pretty), `records/${r.collection}/${r.rkey}.json`)
      }
      for (const o of originals) {
        const rkey = o.track_uri.split('/').pop()!
        const ext = extensionOf(o.original_format as AudioFormat)
        const name = `audio/${safeName(rkey)}/v${o.version} - ${safeName(o.title ?? rkey)}.${ext}`
        // each file is opened only when the zip reaches it: one at a time, constant memory
        zip.addReadStreamLazy(name, { size: Number(o.size), compress: false }, (done) => {
          ctx.media.storage.read(o.original_sha256).then(
            (stream) => done(null, stream),
            (err: unknown) => done(err, undefined as unknown as Readable),
          )
        })
      }
      zip.end()
      return {
        encoding: 'application/zip',
        stream: zip.outputStream as Readable,
        headers: { 'content-disposition': 'attachment; filename="plyr-export.zip"' },
      }
    },
  })
}
