// vitest's setup file (vitest.config.ts): each test file's temp dirs go when its tests are done.
import { afterAll } from "vitest";
import { removeTempDirs } from "./temp-dir";

afterAll(removeTempDirs);
