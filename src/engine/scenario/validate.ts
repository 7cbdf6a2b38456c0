// The checker's entry for the rest of the code (the scenario module, the language server, the tests);
// the checks themselves are in ./check/, one module per section of the format.
export { CheckCache, checkDocument, sortDiagnostics, validateDocument } from './check';
export type { CheckedFile, CheckedScenario, CheckedStep, CheckOptions, CheckResult } from './check';
export { suggest } from './suggest';
