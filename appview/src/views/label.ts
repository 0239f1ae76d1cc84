import type { LabelRow } from '@plyr/db'
import type { com } from '@plyr/lexicons'

type Label = com.atproto.label.defs.Label

/** A stored label as com.atproto.label.defs#label. */
export function presentLabel(label: LabelRow): Label {
  return {
    ver: 1,
    src: label.src as Label['src'],
    uri: label.uri as Label['uri'],
    ...(label.cid !== null ? { cid: label.cid as Label['cid'] } : {}),
    val: label.val,
    ...(label.neg ? { neg: true } : {}),
    cts: label.cts.toISOString() as Label['cts'],
    ...(label.exp !== null ? { exp: label.exp.toISOString() as Label['exp'] } : {}),
    ...(label.sig !== null ? { sig: label.sig } : {}),
  }
}
