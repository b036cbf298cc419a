import { describe, expect, it } from "vitest";
import { splitErrors } from "./overview";

describe("success rate", () => {
  it("does not count the client's own 4xx as failures", () => {
    // 11 answered, 9 refused with 401/404: the fleet was fine (it used to say 55 %)
    expect(splitErrors({ requests: 20, successes: 11, clientErrors: 9 })).toEqual({
      client_errors: 9,
      server_errors: 0,
      success_rate: 1,
    });
  });
  it("counts 5xx (and 429) as server errors", () => {
    expect(splitErrors({ requests: 10, successes: 6, clientErrors: 2 })).toEqual({
      client_errors: 2,
      server_errors: 2,
      success_rate: 0.75,
    });
  });
  it("has no rate when nothing was judged", () => {
    expect(splitErrors({ requests: 3, successes: 0, clientErrors: 3 }).success_rate).toBeNull();
    expect(splitErrors({ requests: 0, successes: 0, clientErrors: 0 }).success_rate).toBeNull();
  });
});
