// `npm start` (prestart) and `npm run demo`: build dist/ when it is missing or older than the
// sources, so `npm install && npm start` works on a fresh clone and after a `git pull`. Plain
// JavaScript: it runs before anything is compiled. Where the development dependencies are not
// installed (a production image built with `npm run build`, then `npm prune --omit=dev`) it never
// builds: it runs what is there, or says how to build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist/.build-stamp');
// What tsc compiles (src, scripts and what they import), what is copied, and what the build depends on.
const INPUTS = [
  'src',
  'scripts',
  'web',
  'drizzle',
  'schema.graphql',
  'bench/generator.ts',
  'test/reliability/process.ts',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const stale = INPUTS.some((input) => newest(join(root, input)) > builtAt);
const canBuild = existsSync(join(root, 'node_modules/typescript')) && existsSync(join(root, 'node_modules/tsx'));

if (stale && canBuild) {
  process.stderr.write(builtAt ? 'dist/ is older than the sources: building\n' : 'no build yet: building dist/\n');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
} else if (!builtAt) {
  process.stderr.write('dist/ is missing and the development dependencies are not installed: run `npm ci && npm run build` first\n');
  process.exit(1);
}
