// The tenant emulator's public surface. Never packaged into the desktop app.
export { registerEmulatorCommand } from './cli';
export { type EmulatorOptions, type RunningEmulator, describeDemoTenant, startEmulator } from './server';
export type { AnswerKey, RegisteredUser, TenantRegistration } from './registration';
export type { GroundTruth, TruthScope, TruthViewer } from './ground-truth';
export { FAULT_NAMES, type FaultName, type FaultOptions, type FaultSwitch, type FaultTarget, parseFaultArgument } from './faults';
export { DOCUMENTED_LIMITS, type RateLimits } from './limits';
export { DEFAULT_POLICY, POLICY_PATH, type LicenseState, type TenantPolicy } from './policy';
export { SCALE_EVENTS, type Scale } from './tenant/tenant';
export { HUNTING_TABLES, type HuntingRow, type HuntingTable } from './tenant/schema';
export type { StoryKey } from './tenant/stories';
export type { Alert, DeviceGroup, Evidence, FileProfile, LogonUser, Machine } from './tenant/types';
