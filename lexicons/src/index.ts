export * from './generated/index.js'
export { recordLexicons, type RecordName, type RecordTypes } from './generated/records.js'
export {
  type CollectionNsid,
  DEFAULT_NAMESPACE,
  InvalidNamespaceError,
  PlyrNamespace,
  type PlyrRecord,
  type RecordValidation,
} from './namespace.js'
