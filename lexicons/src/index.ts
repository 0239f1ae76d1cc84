export * from './generated/index.js'
export { recordLexicons, type RecordName } from './generated/records.js'
export {
  type CollectionNsid,
  DEFAULT_NAMESPACE,
  InvalidNamespaceError,
  PlyrNamespace,
  type RecordValidation,
} from './namespace.js'
