// Types for undici's Pool imported by its file (./forward.ts says why): the same class undici's index exports.
declare module "undici/lib/dispatcher/pool.js" {
  import { Pool } from "undici";
  export default Pool;
}
