// What a metric of each type is measured in and which threshold aggregations k6 allows on it, with what
// each computes and the expressions completion offers first. The threshold parser and checker, hover,
// completion and docs/scenario-format.md read this table; the metrics themselves (names, types, tags) are
// the catalogue schema.ts re-exports.
import type { Comparison } from '../plan';
import type { MetricName, MetricType } from '../schema';

export type AggregationName = 'count' | 'rate' | 'value' | 'avg' | 'min' | 'med' | 'max' | 'p(N)';

export interface AggregationDescription {
  /** As a threshold writes it; `p(N)` stands for `p(95)`, `p(99.9)`, … */
  name: AggregationName;
  /** What it computes, lower case: "the mean". */
  meaning: string;
}

/** An expression completion offers, the usual comparison first: `p(95)<` then a number to type over. */
export interface ThresholdSuggestion {
  label: string;
  example: string;
  doc: string;
}

export interface MetricTypeDescription {
  /** The unit of the values, for the docs' metric table. */
  unit: string;
  /** The unit's symbol where values read as a quantity (`300 ms`). */
  symbol?: string;
  aggregations: readonly AggregationDescription[];
  suggestions: readonly ThresholdSuggestion[];
}

// In this order the parser's aggregation words come out as k6 lists them: count, rate, value, avg, … .
export const METRIC_TYPE_DESCRIPTIONS: Readonly<Record<MetricType, MetricTypeDescription>> = {
  counter: {
    unit: 'count',
    aggregations: [
      { name: 'count', meaning: 'the total' },
      { name: 'rate', meaning: 'the total per second' },
    ],
    suggestions: [
      { label: 'count==', example: '0', doc: 'The total equals the number.' },
      { label: 'count<', example: '100', doc: 'The total is below the number.' },
      { label: 'rate>', example: '100', doc: 'The total per second is above the number.' },
      { label: 'rate<', example: '100', doc: 'The total per second is below the number.' },
    ],
  },
  gauge: {
    unit: 'count',
    aggregations: [{ name: 'value', meaning: 'the last value' }],
    suggestions: [{ label: 'value<', example: '100', doc: 'The last value is below the number.' }],
  },
  rate: {
    unit: '0 to 1',
    aggregations: [{ name: 'rate', meaning: 'the share of non-zero values, 0 to 1' }],
    suggestions: [
      { label: 'rate<', example: '0.01', doc: 'The share of non-zero values is below the number (0 to 1).' },
      { label: 'rate>', example: '0.99', doc: 'The share of non-zero values is above the number (0 to 1).' },
    ],
  },
  trend: {
    unit: 'milliseconds',
    symbol: 'ms',
    aggregations: [
      { name: 'avg', meaning: 'the mean' },
      { name: 'min', meaning: 'the smallest value' },
      { name: 'med', meaning: 'the median' },
      { name: 'max', meaning: 'the largest value' },
      { name: 'p(N)', meaning: 'the N-th percentile: `p(95)`, `p(99.9)`' },
    ],
    suggestions: [
      { label: 'p(95)<', example: '500', doc: '95% of the values are below the number (ms).' },
      { label: 'p(99)<', example: '1000', doc: '99% of the values are below the number (ms).' },
      { label: 'p(90)<', example: '400', doc: '90% of the values are below the number (ms).' },
      { label: 'avg<', example: '200', doc: 'The mean is below the number (ms).' },
      { label: 'med<', example: '200', doc: 'The median is below the number (ms).' },
      { label: 'max<', example: '2000', doc: 'Every value is below the number (ms).' },
      { label: 'min<', example: '100', doc: 'The smallest value is below the number (ms).' },
    ],
  },
};

export const METRIC_TYPES = Object.keys(METRIC_TYPE_DESCRIPTIONS) as MetricType[];

/** Counters whose count is not of events: what they add up. */
const METRIC_UNITS: Partial<Record<MetricName, string>> = { data_sent: 'bytes', data_received: 'bytes' };

/** The unit of a metric's values: its own where it has one, else its type's. */
export function metricUnit(metric: MetricName, type: MetricType): string {
  return METRIC_UNITS[metric] ?? METRIC_TYPE_DESCRIPTIONS[type].unit;
}

/** Every aggregation word a threshold may start with, `p(N)` excluded, in the table's order. */
export const SIMPLE_AGGREGATION_NAMES: readonly Exclude<AggregationName, 'p(N)'>[] = [
  ...new Set(METRIC_TYPES.flatMap((t) => METRIC_TYPE_DESCRIPTIONS[t].aggregations.map((a) => a.name))),
].filter((a): a is Exclude<AggregationName, 'p(N)'> => a !== 'p(N)');

/** The comparisons a threshold may use, as hover reads them. */
export const COMPARISON_WORDS: Readonly<Record<Comparison, string>> = {
  '<': 'below',
  '<=': 'at most',
  '>': 'above',
  '>=': 'at least',
  '==': 'equal to',
  '===': 'equal to',
  '!=': 'not equal to',
};
