// Runs buf for the contracts lib: lint, format check, breaking check against main, and the generated-code drift check.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** libs/contracts, whatever the caller's working directory. */
export const packageDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** The repository root (proto/ lives there). */
export const repoRoot = resolve(packageDir, '../..');
const generatedDir = join(packageDir, 'src/generated');
const bufBin = join(packageDir, 'node_modules/.bin/buf');

export const REGENERATE_HINT = 'run pnpm --filter @switchboard/contracts generate';

export interface StepResult {
  readonly ok: boolean;
  /** What to tell the user (the tool's output on failure). */
  readonly message: string;
}

function run(command: string, args: readonly string[], cwd: string): { status: number; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.error) return { status: 1, output: `${command}: ${result.error.message}` };
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}`.trim() };
}

function git(args: readonly string[]): { status: number; output: string } {
  return run('git', args, repoRoot);
}

export function lint(): StepResult {
  const r = run(bufBin, ['lint', 'proto'], repoRoot);
  return r.status === 0 ? { ok: true, message: 'buf lint: ok' } : { ok: false, message: `buf lint failed:\n${r.output}` };
}

export function formatCheck(): StepResult {
  const r = run(bufBin, ['format', 'proto', '--diff', '--exit-code'], repoRoot);
  return r.status === 0
    ? { ok: true, message: 'buf format: ok' }
    : { ok: false, message: `buf format found unformatted files (fix with: buf format proto -w):\n${r.output}` };
}

/**
 * The git ref of main to compare against: the local branch, else origin/main (a clone checked out on
 * another branch, or a CI checkout with a detached HEAD). Undefined when neither exists.
 */
function mainRef(): { ref: string; against: string } | undefined {
  const gitDir = git(['rev-parse', '--path-format=absolute', '--git-common-dir']);
  if (gitDir.status !== 0) return undefined;
  const base = `${gitDir.output}#format=git,subdir=proto`;
  if (git(['rev-parse', '--verify', '--quiet', 'refs/heads/main^{commit}']).status === 0) {
    return { ref: 'refs/heads/main', against: `${base},branch=main` };
  }
  if (git(['rev-parse', '--verify', '--quiet', 'refs/remotes/origin/main^{commit}']).status === 0) {
    return { ref: 'refs/remotes/origin/main', against: `${base},ref=refs/remotes/origin/main` };
  }
  return undefined;
}

/**
 * buf breaking against the committed main branch (FILE rules). `BUF_BREAKING_AGAINST` overrides the
 * baseline with any buf input. Skipped, with a message, while main has no .proto files yet.
 */
export function breaking(): StepResult {
  const override = process.env['BUF_BREAKING_AGAINST'];
  let against: string;
  if (override) {
    against = override;
  } else {
    const main = mainRef();
    if (!main) {
      return {
        ok: false,
        message:
          'buf breaking: no main branch to compare against (neither refs/heads/main nor origin/main). ' +
          'Fetch it (git fetch origin main:main) or set BUF_BREAKING_AGAINST to a buf input.',
      };
    }
    const listed = git(['ls-tree', '-r', '--name-only', main.ref, '--', 'proto']);
    const hasProto = listed.status === 0 && listed.output.split('\n').some((f) => f.endsWith('.proto'));
    if (!hasProto) {
      return { ok: true, message: `buf breaking: skipped, ${main.ref} has no proto/*.proto yet (nothing to break).` };
    }
    against = main.against;
  }
  const r = run(bufBin, ['breaking', 'proto', '--against', against], repoRoot);
  return r.status === 0
    ? { ok: true, message: `buf breaking: ok (against ${against})` }
    : {
        ok: false,
        message:
          `buf breaking found changes that break consumers of main (against ${against}). ` +
          `Add a new field, message or package version (v2) instead:\n${r.output}`,
      };
}

function listFiles(dir: string, root = dir): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, root) : [relative(root, path)];
  });
}

/** Regenerates into a temp dir and compares with the committed src/generated/. */
export function generatedDrift(): StepResult {
  const temp = mkdtempSync(join(tmpdir(), 'contracts-generate-'));
  try {
    const r = run(bufBin, ['generate', '--output', temp], packageDir);
    if (r.status !== 0) return { ok: false, message: `buf generate failed:\n${r.output}` };
    const fresh = join(temp, 'src/generated');
    const want = listFiles(fresh).sort();
    const have = listFiles(generatedDir).sort();
    const problems = [
      ...want.filter((f) => !have.includes(f)).map((f) => `missing: src/generated/${f}`),
      ...have.filter((f) => !want.includes(f)).map((f) => `stale (no proto generates it): src/generated/${f}`),
      ...want
        .filter((f) => have.includes(f))
        .filter((f) => readFileSync(join(fresh, f), 'utf8') !== readFileSync(join(generatedDir, f), 'utf8'))
        .map((f) => `differs from proto/: src/generated/${f}`),
    ];
    return problems.length === 0
      ? { ok: true, message: 'generated code: up to date' }
      : {
          ok: false,
          message: `generated code is out of date with proto/ (${REGENERATE_HINT}; never edit it by hand):\n  ${problems.join('\n  ')}`,
        };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
