/**
 * One writer per build directory: a lock file created exclusively, holding the writer's pid. A
 * second build waits for the first; a lock whose process is gone (a killed build) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_LOCK_FILE } from '@podsec/compilers';
import { CliError } from '../io.js';

/** The pid recorded in a build directory's lock, when one is there. */
export function lockHolder(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, BUILD_LOCK_FILE), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` holding `dir`'s lock. `interrupted` is told when a dead build's lock was taken over. */
export async function withDirLock<T>(
  dir: string,
  shown: string,
  fn: (interrupted?: number) => T | Promise<T>,
  options: { timeoutMs?: number } = {},
): Promise<T> {
  const path = join(dir, BUILD_LOCK_FILE);
  const deadline = Date.now() + (options.timeoutMs ?? Number(process.env.PODSEC_LOCK_TIMEOUT_MS ?? 120_000));
  let interrupted: number | undefined;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = lockHolder(dir);
    if (holder === process.pid)
      throw new CliError(`${join(shown, BUILD_LOCK_FILE)}: this process is already building into ${shown}. Fix: run one build per directory at a time.`);
    if (holder !== undefined && (holder === 0 || !processAlive(holder))) {
      interrupted = holder;
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new CliError(
        `${join(shown, BUILD_LOCK_FILE)}: another podsec build (pid ${holder}) is writing ${shown}. Fix: wait for it to finish; if no build is running, delete the lock file.`,
      );
    await sleep(50 + Math.random() * 50);
  }
  try {
    return await fn(interrupted);
  } finally {
    rmSync(path, { force: true });
  }
}
