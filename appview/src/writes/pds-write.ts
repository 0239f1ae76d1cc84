import {
  type AtUriString,
  type Client,
  jsonToLex,
  type LexMap,
  XrpcResponseError,
} from '@atproto/lex'
import { trace } from '@opentelemetry/api'
import {
  ForbiddenError,
  InvalidRequestError,
  UpstreamFailureError,
  XRPCError,
} from '@atproto/xrpc-server'
import { isDatabaseUnavailable } from '@plyr/db'
import type { CollectionNsid, RecordName } from '@plyr/lexicons'
import type { SignedInCredentials } from '../auth/viewer-auth.js'
import type { AppContext } from '../context.js'
import type { RecordWrite } from './apply.js'

const tracer = trace.getTracer('@plyr/appview')

/** A record of ours as JSON (strong refs' CIDs and blob refs in their JSON form). */
export type RecordJson = Record<string, unknown> & { $type: string }

export type WriteResult = { uri: AtUriString; cid?: string }

type Write =
  | { op: 'create'; name: RecordName; rkey?: string; record: RecordJson }
  | { op: 'update'; name: RecordName; rkey: string; record: RecordJson; swapRecord: string | null }
  | { op: 'delete'; name: RecordName; rkey: string; swapRecord?: string }

/**
 * Writes one record to the signed-in account's own repository, and applies what the PDS
 * accepted to the index at once, so the answer and the next read show it (the Jetstream
 * echo, an older or equal rev, then changes nothing).
 *
 * - a record is checked against its lexicon before anything is sent (`InvalidRecord`);
 * - an update or delete names the version it replaces (`swapRecord`, null: none may
 *   exist), so a concurrent edit elsewhere is a `RecordConflict`, never overwritten;
 * - the PDS refusing is typed: `ScopeMissing` (naming the scope the grant lacks),
 *   `SessionExpired`, `NotFound`, `Forbidden`, else `UpstreamFailure`; the index is then
 *   left as it was.
 */
export async function writeRecord(
  ctx: AppContext,
  account: SignedInCredentials,
  write: Write,
): Promise<WriteResult> {
  const collection = ctx.cfg.namespace.collection(write.name)
  let record: LexMap | undefined
  if (write.op !== 'delete') {
    record = jsonToLex(write.record as Parameters<typeof jsonToLex>[0]) as LexMap
    const check = ctx.cfg.namespace.validateRecord(write.name, record)
    if (!check.ok) throw new InvalidRequestError(check.reason, 'InvalidRecord')
  }
  const pds = await account.pds()
  const sent = await tracer.startActiveSpan(`pds.${write.op}Record`, async (span) => {
    span.setAttribute('collection', collection)
    try {
      return await send(pds, collection, write, record)
    } catch (err) {
      throw await typedError(err, account)
    } finally {
      span.end()
    }
  })
  const uri = (sent.uri ?? `at://${account.did}/${collection}/${write.rkey}`) as AtUriString
  const rkey = uri.split('/').at(-1)!
  if (sent.commit) {
    await ctx
      .applyWrites([
        {
          op: write.op,
          did: account.did,
          collection,
          rkey,
          uri,
          rev: sent.commit.rev,
          ...(write.op === 'delete' ? {} : { cid: sent.cid, record, recordJson: write.record }),
        } as RecordWrite,
      ])
      .catch((err: unknown) => {
        // the PDS has the write: an error now would have the client make it a second time
        if (!isDatabaseUnavailable(err)) throw err
        ctx.logger.warn(
          { uri, err: String(err) },
          'the database is unreachable: the write shows once the stream has it',
        )
      })
  } else {
    // a PDS that does not say which commit it made: the stream brings the record
    ctx.logger.warn({ uri }, 'the PDS named no commit: the write shows once the stream has it')
  }
  return { uri, cid: sent.cid }
}

type Sent = { uri?: string; cid?: string; commit?: { cid: string; rev: string } }

async function send(
  pds: Client,
  collection: CollectionNsid,
  write: Write,
  record: LexMap | undefined,
): Promise<Sent> {
  const typed = record as LexMap & { $type: CollectionNsid }
  switch (write.op) {
    case 'create': {
      const res = await pds.createRecord(typed, write.rkey, { validate: false })
      return res.body
    }
    case 'update': {
      const res = await pds.putRecord(typed, write.rkey, {
        validate: false,
        swapRecord: write.swapRecord ?? (null as unknown as string),
      })
      return res.body
    }
    case 'delete': {
      const res = await pds.deleteRecord(collection, write.rkey, { swapRecord: write.swapRecord })
      return res.body
    }
  }
}

/** What the PDS's refusal means to our caller; the grant is forgotten when it is dead. */
async function typedError(err: unknown, account: SignedInCredentials): Promise<XRPCError> {
  if (err instanceof XRPCError) return err
  if (!(err instanceof XrpcResponseError)) {
    return new UpstreamFailureError(`the PDS could not be reached: ${String(err)}`)
  }
  const { status, error, message } = err
  if (status === 401) return account.expired()
  if (error === 'ScopeMissingError') {
    const scope = /"([^"]+)"/.exec(message)?.[1]
    return new ForbiddenError(
      `this sign-in was not granted ${scope ?? 'the scope this write needs'}: sign in again to grant it`,
      'ScopeMissing',
    )
  }
  if (error === 'InvalidSwap') {
    return new InvalidRequestError(
      'the record changed elsewhere since it was read: reload and try again',
      'RecordConflict',
    )
  }
  if (status === 403) return new ForbiddenError(`the PDS refused the write: ${message}`)
  if (status === 404 || /could not locate record/i.test(message)) {
    return new InvalidRequestError(`the record is not in the repository: ${message}`, 'NotFound')
  }
  return new UpstreamFailureError(`the PDS refused the write (${status} ${error}): ${message}`)
}
