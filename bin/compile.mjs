#!/usr/bin/env node
// Compiles the `eaio` CLI (apps/producer/src/cli.ts and every workspace module it reaches)
// into plain JavaScript under dist/cli/, so a process starts without transpiling TypeScript.
//
//   node bin/compile.mjs          build now (also `npm run build`; `npm ci`/`npm install` run it as `prepare`)
//
// bin/eaio.mjs calls `compiledEntry()`: it returns the compiled entry when dist/ is there
// and every source file it was built from is unchanged (size and mtime), rebuilds when
// dist/ is missing or stale, and returns undefined when it cannot build (bin/eaio.mjs
// then runs the TypeScript through tsx). Only the freshness check runs on a warm start;
// esbuild is loaded only to build.
//
// Layout: dist/cli/<content hash>/eaio.mjs plus its lazily loaded chunks (one per
// subcommand module, so `eaio --help` loads none of them), and dist/cli/current.json naming
// the build and its inputs. A build is written to a temporary folder and renamed into
// place, then current.json is replaced by rename, so processes that start while another
// builds never see half a build. npm packages stay external (loaded from node_modules).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Repository root (bin/..). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = 'apps/producer/src/cli.ts';
const CLI_DIST = join(ROOT, 'dist', 'cli');
const MANIFEST = join(CLI_DIST, 'current.json');
const STAND_INS = join(CLI_DIST, 'stand-ins.json');
/** Builds other than the current one are removed once they are this old (a long-running process may still load chunks from its own). */
const KEEP_OLD_BUILDS_MS = 60 * 60 * 1000;
/** Files that shape the build without being bundled inputs: this script, tsconfig, the root and workspace manifests (their `exports`). */
const buildFiles = () => [
  'bin/compile.mjs',
  'package.json',
  'tsconfig.json',
  ...['apps', 'packages'].flatMap((group) =>
    readdirSync(join(ROOT, group))
      .map((name) => `${group}/${name}/package.json`)
      .filter((path) => existsSync(join(ROOT, path))),
  ),
];

const stamp = (path, builtSince) => {
  const stats = statSync(join(ROOT, path));
  // A file changed while esbuild read it may be in the build as it was: recorded so it never matches.
  if (builtSince !== undefined && stats.mtimeMs >= builtSince) return 'changed during the build';
  return `${stats.size}:${stats.mtimeMs}`;
};

/** The compiled entry's absolute path when dist/ holds a build of the current sources, else undefined. */
export const freshEntry = () => {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest.root !== ROOT || typeof manifest.entry !== 'string' || !manifest.inputs) return undefined;
  try {
    for (const [path, recorded] of Object.entries(manifest.inputs)) {
      if (stamp(path) !== recorded) return undefined;
    }
    const entry = join(CLI_DIST, manifest.entry);
    statSync(entry);
    return entry;
  } catch {
    return undefined; // an input or the build is gone
  }
};

/**
 * Workspace packages (@eaio/*) and relative imports are bundled; every other bare import
 * stays an npm package, loaded from node_modules. Our modules are marked free of import
 * side effects (none of them is imported for its effects), so a package index re-exporting
 * forty modules brings along only those whose exports are used.
 */
const bundleOnlyOurCode = (standInCache) => ({
  name: 'eaio-bundle-only-our-code',
  setup(build) {
    const standIns = new Map();
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.ours || args.kind === 'entry-point') return undefined;
      if (args.namespace === 'npm') return { path: args.path, external: true }; // the package itself, from its stand-in below
      const ours = args.path.startsWith('.') || args.path.startsWith('/') || args.path.startsWith('@eaio/');
      if (!ours) {
        if (args.path.startsWith('node:')) return undefined;
        const key = `${args.resolveDir}\0${args.path}`;
        if (!standIns.has(key)) standIns.set(key, standIn(args.path, args.resolveDir, standInCache));
        const contents = await standIns.get(key);
        return contents === undefined ? { path: args.path, external: true } : { path: args.path, namespace: 'npm', pluginData: { contents, resolveDir: args.resolveDir } };
      }
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { ours: true } });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { ...resolved, sideEffects: false };
    });
    build.onLoad({ filter: /.*/, namespace: 'npm' }, (args) => ({ contents: args.pluginData.contents, resolveDir: args.pluginData.resolveDir, loader: 'js' }));
  },
});

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A CommonJS package's named exports are only those Node's static scan of it finds:
 * `import { Format } from 'cli-progress'` fails in Node though tsx allows it. Such a
 * package gets a stand-in module that takes the other names from the object it exports.
 * Undefined (import the package as it is) for ES modules and CommonJS that Node reads fully.
 */
const standIn = async (specifier, resolveDir, cache) => {
  let resolved;
  try {
    resolved = createRequire(join(resolveDir, 'noop.js')).resolve(specifier);
  } catch {
    return undefined; // ESM only (no "require" condition): Node sees every name
  }
  if (!/\.c?js$/.test(resolved) || (resolved.endsWith('.js') && packageType(resolved) === 'module')) return undefined;
  // Loading a package takes time; what it exports is kept per entry file (path, size, mtime) in dist/cli/stand-ins.json.
  const stats = statSync(resolved);
  const cacheKey = `${specifier}\0${resolved}\0${stats.size}:${stats.mtimeMs}`;
  if (cacheKey in cache) return cache[cacheKey] ?? undefined;
  const contents = await standInSource(specifier, resolved);
  cache[cacheKey] = contents ?? null;
  return contents;
};

const standInSource = async (specifier, resolved) => {
  const namespace = await import(pathToFileURL(resolved).href);
  const object = namespace.default;
  if (!object || (typeof object !== 'object' && typeof object !== 'function')) return undefined;
  const missing = Object.keys(object).filter((name) => IDENTIFIER.test(name) && name !== 'default' && !(name in namespace));
  if (missing.length === 0) return undefined;
  const seen = Object.keys(namespace).filter((name) => IDENTIFIER.test(name) && name !== 'default');
  const original = JSON.stringify(specifier);
  return [
    `import object from ${original};`,
    'export default object;',
    seen.length > 0 ? `export { ${seen.join(', ')} } from ${original};` : '',
    ...missing.map((name) => `export const ${name} = object[${JSON.stringify(name)}];`),
    '',
  ].join('\n');
};

/** "type" of the package.json nearest to a file. */
const packageType = (file) => {
  for (let directory = dirname(file); directory !== dirname(directory); directory = dirname(directory)) {
    try {
      return JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')).type ?? 'commonjs';
    } catch {
      // no package.json here
    }
  }
  return 'commonjs';
};

/**
 * `import.meta.url` keeps meaning the source file's URL (config/eaio.yaml and migrations/
 * are found relative to it): every build lives at dist/cli/<hash>/, so the source file is
 * the same relative path away from any chunk.
 */
const sourceFileUrls = {
  name: 'eaio-source-file-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromChunk = relative(join(CLI_DIST, 'build'), args.path).split(sep).join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromChunk)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

/** Builds dist/cli/ from the sources now; returns the compiled entry's absolute path. */
export const buildCli = async () => {
  const { build, version } = await import('esbuild');
  const started = Date.now();
  const staging = join(CLI_DIST, `.staging-${process.pid}-${Date.now()}`);
  let standInCache = {};
  try {
    standInCache = JSON.parse(readFileSync(STAND_INS, 'utf8'));
  } catch {
    // first build
  }
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { eaio: ENTRY },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: staging,
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'silent',
    plugins: [bundleOnlyOurCode(standInCache), sourceFileUrls],
  });
  const hash = createHash('sha256').update(version);
  const outputs = result.outputFiles.map((file) => ({ name: relative(staging, file.path), contents: file.contents })).sort((a, b) => a.name.localeCompare(b.name));
  for (const output of outputs) hash.update(output.name).update(output.contents);
  const id = hash.digest('hex').slice(0, 16);
  const target = join(CLI_DIST, id);
  let exists = false;
  try {
    exists = statSync(join(target, 'eaio.mjs')).isFile();
  } catch {
    // not built yet
  }
  if (!exists) {
    for (const output of outputs) {
      mkdirSync(dirname(join(staging, output.name)), { recursive: true });
      writeFileSync(join(staging, output.name), output.contents);
    }
    try {
      renameSync(staging, target);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      if (!['EEXIST', 'ENOTEMPTY', 'EPERM'].includes(error.code)) throw error; // another process put the same build there first
    }
  }
  mkdirSync(CLI_DIST, { recursive: true });
  writeAtomically(STAND_INS, JSON.stringify(standInCache));
  const inputs = {};
  const sources = Object.keys(result.metafile.inputs).filter((path) => !path.startsWith('npm:')); // npm packages stand-ins are not files
  for (const path of [...sources, ...buildFiles()]) inputs[path] = stamp(path, started);
  const manifest = { root: ROOT, entry: `${id}/eaio.mjs`, esbuild: version, builtAt: new Date().toISOString(), inputs };
  writeAtomically(MANIFEST, `${JSON.stringify(manifest, null, 1)}\n`);
  removeOldBuilds(id);
  return join(CLI_DIST, manifest.entry);
};

const writeAtomically = (path, text) => {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
};

const removeOldBuilds = (current) => {
  const now = Date.now();
  for (const name of readdirSync(CLI_DIST)) {
    if (name === current || name.endsWith('.json') || name.endsWith('.tmp')) continue;
    const path = join(CLI_DIST, name);
    try {
      if (now - statSync(path).mtimeMs > KEEP_OLD_BUILDS_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed by another process
    }
  }
};

/** The entry to run: the fresh build, a new build when dist/ is missing or stale, or undefined when no build is possible. */
export const compiledEntry = async () => {
  const fresh = freshEntry();
  if (fresh) return fresh;
  try {
    return await buildCli();
  } catch {
    return undefined;
  }
};

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const started = performance.now();
  try {
    const entry = await buildCli();
    process.stdout.write(`eaio: compiled the CLI into ${relative(ROOT, dirname(entry))} in ${Math.round(performance.now() - started)} ms\n`);
  } catch (error) {
    // Never fail an install over it: bin/eaio.mjs builds on first run, or runs the TypeScript through tsx.
    const first = error?.errors?.[0];
    const reason = first
      ? `${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}`
      : error instanceof Error
        ? error.message.split('\n')[0]
        : String(error);
    process.stderr.write(`eaio: could not compile the CLI (${reason}); it will run through tsx\n`);
  }
}
