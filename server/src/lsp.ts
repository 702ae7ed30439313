/**
 * The values the server takes from vscode-languageserver: the one module that imports them
 * (types come from anywhere). The bundle gives each module that imports a CommonJS package a copy
 * of all its exports (esbuild's `__toESM`, a getter for each of some 600 names): eleven modules
 * importing it made eleven copies, 7–9 ms of every start. ESLint holds it (`no-restricted-imports`).
 */
export {
  AbstractMessageWriter,
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  FileChangeType,
  LSPErrorCodes,
  MarkupKind,
  Message,
  MessageType,
  ProposedFeatures,
  PublishDiagnosticsNotification,
  ResponseError,
  ShowMessageNotification,
  StreamMessageReader,
  SymbolKind,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
