import { describe, expect, it } from "vitest";
import { STREAMS_WANTED, fdLimitWarning, openFilesLimit, streamsAllowed } from "./fd-limit";

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe("open-file limit", () => {
  it("reads the soft limit from /proc/self/limits", () => {
    expect(openFilesLimit(LIMITS)).toBe(1024);
    expect(openFilesLimit(LIMITS.replace("1024 ", "unlimited"))).toBe(Number.POSITIVE_INFINITY);
    expect(openFilesLimit("nothing here")).toBeNull();
  });

  it("warns when the limit allows fewer streams than wanted, with the number to raise it to", () => {
    expect(streamsAllowed(1024)).toBe(412);
    expect(fdLimitWarning(1024)).toMatch(/limit is 1024: about 412 concurrent streams.*at least 10200/);
    expect(fdLimitWarning(10_200)).toBeNull();
    expect(streamsAllowed(10_199)).toBe(STREAMS_WANTED - 1);
    expect(fdLimitWarning(10_199)).not.toBeNull();
    expect(fdLimitWarning(Number.POSITIVE_INFINITY)).toBeNull();
    expect(fdLimitWarning(null)).toBeNull();
  });
});
