// The part of mocha's TDD interface this suite uses. @vscode/test-cli runs the compiled
// files under mocha inside VS Code, which defines these globals. Declared here so the suite
// type-checks without @types/mocha (tsconfig.base.json loads only the types it names).

declare function suite(title: string, fn: () => void): void;
/** Without `fn` the test is pending: mocha lists it and runs nothing. */
declare function test(title: string, fn?: () => Promise<void>): void;
declare function suiteSetup(fn: () => Promise<void>): void;
