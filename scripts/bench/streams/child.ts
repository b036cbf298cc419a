// A client child process of the concurrent-streams benchmark (fanout.ts starts ⌈N / 2,500⌉ of them): holds its
// share of the target's streams and, in the same process and seconds, its share of the reference streams straight
// to the upstream, then prints both reports as one JSON line. Argument: the ChildJob as JSON.
import { holdStreams, type HoldJob, type HoldReport } from "./hold";

export interface ChildJob {
  target: HoldJob;
  reference: HoldJob;
}

export type ChildReport = Record<keyof ChildJob, HoldReport>;

const job = JSON.parse(process.argv[2]) as ChildJob;
const [target, reference] = await Promise.all([holdStreams(job.target), holdStreams(job.reference)]);
process.stdout.write(`${JSON.stringify({ target, reference } satisfies ChildReport)}\n`, () => process.exit(0));
