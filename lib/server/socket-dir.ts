import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { log } from "../observability/logger";

const PREFIX = "llmlb-ctl-";
/** `llmlb-ctl-<pid>-<mkdtemp suffix>`: the owning process is in the name, so a later start can tell a stale one. */
const NAME = /^llmlb-ctl-(\d+)-[A-Za-z0-9]{6}$/;

/** The directories among `names` left by processes that are gone (`alive(pid)` false). Pure. */
export function staleSocketDirs(names: string[], alive: (pid: number) => boolean, self = process.pid): string[] {
  return names.filter((n) => {
    const m = NAME.exec(n);
    if (!m) return false;
    const pid = Number(m[1]);
    return pid !== self && !alive(pid);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

/**
 * Makes this process's private directory for the control socket (mode 0700: only this user can reach the socket),
 * first removing those a killed process left behind (kill -9 skips the clean-up at stop), only ours and only
 * when their process is dead.
 */
export function makeSocketDir(tmp = os.tmpdir()): string {
  let names: string[] = [];
  try {
    names = fs.readdirSync(tmp).filter((n) => n.startsWith(PREFIX));
  } catch {
    // an unreadable temp dir: nothing to clean
  }
  const uid = process.getuid?.();
  for (const name of staleSocketDirs(names, alive)) {
    const dir = path.join(tmp, name);
    try {
      if (uid !== undefined && fs.lstatSync(dir).uid !== uid) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      log.info("removed a stale control socket directory", { dir });
    } catch (err) {
      log.warn("could not remove a stale control socket directory", { dir, error: String(err) });
    }
  }
  return fs.mkdtempSync(path.join(tmp, `${PREFIX}${process.pid}-`));
}
