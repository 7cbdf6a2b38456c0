// The doctor: diagnoses from the run's own aggregates and the generator's health (live and at the end),
// and a preflight of the plan against the OS limits. See docs/doctor.md.
export { createDoctor, diagnosisKey, RULES, type Doctor, type DoctorOptions } from './doctor';
export { preflightDiagnoses } from './preflight';
export { readSystemLimits, parseProcLimits, parsePortRange, type SystemLimits } from './system-limits';
export { DOCTOR_THRESHOLDS } from './thresholds';
export type { DoctorContext, Rule, RuleFactory, RunEnd, Second } from './types';
