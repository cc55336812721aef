/**
 * Where the SQLite engine's native binding lives when it is not the Node-ABI build in
 * node_modules: the Electron shell sets OUTPOST_SQLITE_BINDING to its Electron-ABI copy
 * (scripts/electron-native.mjs). Worker threads inherit the variable.
 */
export function sqliteNativeBinding(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.OUTPOST_SQLITE_BINDING || undefined;
}
