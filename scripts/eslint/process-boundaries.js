// @ts-check
/**
 * outpost/process-boundaries: which layer may import what. Each Outpost process runs with
 * different powers, and an import across the line is how a renderer ends up with Node or
 * a service ends up depending on Electron. Layers come from the file's folder:
 *   contract/        shared by all three processes: zod and itself, nothing else
 *   renderer/        the UI: no Node built-in, no electron, nothing from main/, preload/, emulator/
 *   preload/         the bridge: the contract and electron's contextBridge/ipcRenderer only
 *   main/shell/      the Electron shell: the only place that imports electron
 *   main/ (rest)     plain Node services: no electron, no renderer/preload; the tenant
 *                    emulator only from the CLI (which starts the demo tenant)
 *   emulator/        the stand-in for Microsoft's cloud: independent of the client
 * and within main/, main/services/cache/ (the code of the cache's worker threads) takes only
 * types from zod schemas: a value import would load zod into every cache thread, about 120 ms
 * of each thread's start (values the cache shares with the UI live in zod-free modules).
 */
import { isBuiltin } from 'node:module';
import path from 'node:path';

const LAYERS = [
  ['main/shell/', 'shell'],
  ['main/cli/', 'cli'],
  ['main/', 'main'],
  ['renderer/', 'renderer'],
  ['preload/', 'preload'],
  ['contract/', 'contract'],
  ['emulator/', 'emulator'],
];

/** @param {string} relative */
function layerOf(relative) {
  const posix = `${relative.split(path.sep).join('/')}/`;
  for (const [prefix, layer] of LAYERS) if (posix.startsWith(prefix)) return layer;
  return 'other';
}

/**
 * @param {string} layer
 * @param {{ builtin: boolean, bare: string | null, target: string | null }} imp
 * @returns {string | null} why the import is refused
 */
function refusal(layer, imp) {
  const targetLayer = imp.target;
  const isElectron = imp.bare === 'electron' || (imp.bare?.startsWith('electron/') ?? false);
  switch (layer) {
    case 'contract':
      if (imp.builtin || (imp.bare && imp.bare !== 'zod')) return 'the contract may import only zod';
      if (targetLayer && targetLayer !== 'contract') return 'the contract may not import from other layers';
      return null;
    case 'renderer':
      if (imp.builtin) return 'the renderer runs without Node: no Node built-in modules';
      if (isElectron) return 'the renderer reaches main only through the contract client, never electron';
      if (targetLayer && !['renderer', 'contract'].includes(targetLayer)) return `the renderer may not import from ${targetLayer}/`;
      return null;
    case 'preload':
      if (imp.builtin) return 'the sandboxed preload has no Node built-ins';
      if (imp.bare && !isElectron) return 'the preload imports only the contract and electron';
      if (targetLayer && !['preload', 'contract'].includes(targetLayer)) return 'the preload imports only the contract and electron';
      return null;
    case 'shell':
      if (targetLayer && ['renderer', 'preload', 'emulator'].includes(targetLayer)) return `the shell may not import from ${targetLayer}/`;
      return null;
    case 'cli':
    case 'main':
      if (isElectron) return 'only main/shell/ may import electron; services run in plain Node';
      if (targetLayer && ['renderer', 'preload', 'shell'].includes(targetLayer)) return `main services may not import from ${targetLayer === 'shell' ? 'main/shell' : targetLayer}/`;
      if (targetLayer === 'emulator' && layer !== 'cli') return 'the client reaches the emulator only over HTTPS, like a real tenant; only the CLI starts it';
      return null;
    case 'emulator':
      if (isElectron) return 'the emulator is plain Node';
      if (targetLayer && !['emulator', 'other'].includes(targetLayer)) return 'the emulator is independent of the client';
      return null;
    default:
      return null;
  }
}

/**
 * @param {string} file the importing file, relative to the repository
 * @param {any} node the import or export
 * @param {string} source
 * @param {string | null} targetFile the imported file, relative, when the import is relative
 * @returns {string | null}
 */
function cacheRefusal(file, node, source, targetFile) {
  if (!file.split(path.sep).join('/').startsWith('main/services/cache/')) return null;
  const typeOnly = node.importKind === 'type' || node.exportKind === 'type'
    || (Array.isArray(node.specifiers) && node.specifiers.length > 0 && node.specifiers.every((/** @type {any} */ s) => s.importKind === 'type' || s.exportKind === 'type'));
  if (typeOnly) return null;
  const target = targetFile?.split(path.sep).join('/') ?? '';
  if (source === 'zod' || target.startsWith('contract/schemas/') || target === 'contract/channels') {
    return 'the cache worker loads no zod: only types from the contract\'s schemas (values the UI shares live in zod-free modules such as contract/pages.ts)';
  }
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce Outpost process boundaries' },
    schema: [],
    messages: { refused: "'{{source}}': {{why}}." },
  },
  create(context) {
    const root = context.cwd;
    const file = path.relative(root, context.filename);
    const layer = layerOf(file);
    if (layer === 'other') return {};

    /** @param {import('estree').Node & { source?: any }} node */
    const check = (node) => {
      const source = node.source && typeof node.source.value === 'string' ? node.source.value : null;
      if (!source) return;
      const relative = source.startsWith('.') || source.startsWith('/');
      const targetFile = relative ? path.relative(root, path.resolve(path.dirname(context.filename), source)) : null;
      const target = targetFile === null ? null : layerOf(targetFile);
      const builtin = !relative && isBuiltin(source);
      const bare = relative || builtin ? null : source;
      const why = refusal(layer, { builtin, bare, target }) ?? cacheRefusal(file, node, source, targetFile);
      if (why) context.report({ node, messageId: 'refused', data: { source, why } });
    };

    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { 'process-boundaries': rule } };
