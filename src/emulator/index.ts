/** The local Jira emulator: in-memory Jira Cloud REST v3 over a `popm-snapshot/1` site. */
export {
  createEmulator,
  type EmulatorOptions,
  type EmulatorRequest,
  type FaultHook,
  type JiraEmulator,
  type RequestLog,
  type RequestLogEntry,
} from './emulator';
export {
  startEmulatorServer,
  type EmulatorAccount,
  type EmulatorServer,
  type EmulatorServerOptions,
} from './server';
export { generateSite, type GenerateOptions } from './generate';
export { SAMPLE_SNAPSHOT_PATH } from './sample';
