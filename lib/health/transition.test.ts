import { describe, expect, it } from "vitest";
import { nextStatus, passiveFailure, type CheckOutcome, type StatusState } from "./transition";
import type { EndpointStatus } from "../db/constants";

const s = (status: EndpointStatus, consecutiveFailures = 0): StatusState => ({ status, consecutiveFailures });

describe("nextStatus", () => {
  const table: Array<[StatusState, CheckOutcome, EndpointStatus]> = [
    [s("pending"), "success", "online"],
    [s("pending"), "unreachable", "offline"],
    [s("pending"), "bad_answer", "error"],
    [s("online"), "success", "online"],
    [s("online"), "unreachable", "error"],
    [s("online"), "bad_answer", "error"],
    [s("error", 1), "unreachable", "offline"],
    [s("error", 1), "bad_answer", "error"],
    [s("error", 3), "success", "online"],
    [s("offline", 2), "unreachable", "offline"],
    [s("offline", 2), "bad_answer", "error"],
    [s("offline", 5), "success", "online"],
  ];
  it.each(table)("%o + %s → %s", (state, outcome, expected) => {
    expect(nextStatus(state, outcome).status).toBe(expected);
  });

  it("a killed endpoint goes online → error → offline, and back online at the next success", () => {
    let st = s("online");
    st = nextStatus(st, "unreachable");
    expect(st).toEqual({ status: "error", consecutiveFailures: 1 });
    st = nextStatus(st, "unreachable");
    expect(st).toEqual({ status: "offline", consecutiveFailures: 2 });
    expect(nextStatus(st, "success")).toEqual({ status: "online", consecutiveFailures: 0 });
  });

  it("an error reached by a passive signal becomes offline at the next unreachable check", () => {
    const st = passiveFailure(s("online"));
    expect(st.status).toBe("error");
    expect(nextStatus(st, "unreachable").status).toBe("offline");
    expect(passiveFailure(s("offline", 2)).status).toBe("offline");
  });
});
