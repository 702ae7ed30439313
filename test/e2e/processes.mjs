// Process-tree helpers shared by the code-server and Neovim runners. Editors start
// grandchildren (extension host, language servers, pty host), so "stop the editor" has to
// mean "stop everything it started", by PID, without touching unrelated processes.

import fs from 'node:fs';

/** PIDs of every descendant of `pid`, read from /proc (children first found, then theirs). */
export function descendants(pid) {
  const parents = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = parentOf(Number(entry));
      if (!parents.has(ppid)) parents.set(ppid, []);
      parents.get(ppid).push(Number(entry));
    } catch {
      // The process ended while we were reading: skip it.
    }
  }
  const found = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of parents.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** The parent PID of `pid`: field 4 of /proc/<pid>/stat, after the ')' that ends the command name. */
export function parentOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The command line of `pid`, an argument each ([] once it has ended). */
export function commandLine(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** The environment `pid` was started with, name → value. */
export function environment(pid) {
  const entries = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

/**
 * Sends `signal` to the process group led by `pid` and to every descendant by PID. The
 * group catches the usual tree; the explicit PIDs catch children that started their own
 * session or group (e.g. a terminal's shell under the pty host).
 */
export function killTree(pid, signal) {
  const pids = descendants(pid);
  try {
    process.kill(-pid, signal);
  } catch {
    /* group already gone */
  }
  for (const p of [pid, ...pids]) {
    try {
      process.kill(p, signal);
    } catch {
      /* already gone */
    }
  }
  return pids;
}

/**
 * True while `pid` runs. A zombie (exited, not yet reaped by its parent, e.g. a grandchild
 * re-parented to an init that reaps slowly) counts as gone: it holds no resources.
 */
export function isAlive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops `pid` and everything it started: SIGTERM to the tree so servers can shut down
 * cleanly, up to `graceMs` for all of it to exit (polling /proc, returning as soon as it
 * has), then SIGKILL to whatever is left. The PIDs are collected before signalling,
 * because descendants are re-parented (and so no longer findable) once their parent dies.
 */
export async function stopTree(pid, { graceMs = 5000 } = {}) {
  const pids = [pid, ...descendants(pid)];
  killTree(pid, 'SIGTERM');
  for (const p of pids) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(isAlive)) await delay(50);
  for (const p of pids.filter(isAlive)) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
}

/**
 * SIGKILLs what is left of the process group `pgid` after its leader has exited (e.g. a
 * language server its editor did not stop). Signals the group only, never a bare PID: a
 * group ID stays reserved while any member lives, so it cannot hit an unrelated process.
 */
export function killGroup(pgid) {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* no member left */
  }
}
