// ESLint flat config: typescript-eslint for types, react-hooks for the UI.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import { boundaries } from "./eslint.boundaries.js";

export default tseslint.config(
  {
    ignores: ["node_modules/", "build/", ".cache/", ".tools/", "public/build/", "extensions/*/dist/", "artifacts/", "test-results/", "app/gateways/shopify/generated/", "tests/.tmp/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  ...boundaries,
  {
    // Plain browser scripts served as-is (the App Bridge stand-in).
    files: ["**/*.js"],
    ignores: ["eslint.config.js", "eslint.boundaries.js"],
    languageOptions: { globals: globals.browser, sourceType: "script" },
  },
  {
    files: ["sandbox/**", "bench/**", "scripts/**", "server/**", ".ci/**"],
    rules: { "no-console": "off" },
  },
);
