// Types of eslint.boundaries.js for the test that checks it (tests/unit/lint-boundaries.test.ts).
import type { Linter } from "eslint";

export type Forbidden = { regex: string; why: string; types?: boolean };
export declare const LAYERS: { layer: string; files: string[]; forbidden: Forbidden[] }[];
export declare const boundaries: Linter.Config[];
