// What `volley debug FILE --json` prints. The types are the protocol's (src/protocol.ts: the panel and the
// extension read them too); this module names them for the debug code.
export type {
  DebugPosition,
  DebugBody,
  DebugHeader,
  DebugRequest,
  DebugResponse,
  DebugTimings,
  DebugCheck,
  DebugCapture,
  DebugStage,
  DebugStep,
  DebugControl,
  DebugTextEdit,
  DebugLiteral,
  DebugSuggestion,
  DebugReport,
} from '../../protocol';
