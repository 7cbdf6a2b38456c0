// Prometheus remote write 1.0 on the wire: a prompb.WriteRequest (the fields used: labels, float samples and
// native histograms), protobuf-encoded by protobufjs and compressed with Snappy's block format.
import protobuf from 'protobufjs';
import { compress } from 'snappyjs';

export interface Label {
  name: string;
  value: string;
}

/** prompb.Histogram with integer counts: exponential buckets of base 2^(2^-schema), positive side only. */
export interface NativeHistogram {
  countInt: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCountInt: number;
  /** Runs of consecutive buckets: offset from the previous run's end (the first: the bucket index), length. */
  positiveSpans: Array<{ offset: number; length: number }>;
  /** Bucket counts in span order, each as the difference from the previous one. */
  positiveDeltas: number[];
  timestamp: number;
}

export interface TimeSeries {
  /** Sorted by name, `__name__` among them (the spec requires the order). */
  labels: Label[];
  samples?: Array<{ value: number; timestamp: number }>;
  histograms?: NativeHistogram[];
}

// Field numbers of prometheus/prompb/types.proto and remote.proto.
const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
            histograms: { rule: 'repeated', type: 'Histogram', id: 4 },
          },
        },
        Histogram: {
          oneofs: { count: { oneof: ['countInt', 'countFloat'] }, zeroCount: { oneof: ['zeroCountInt', 'zeroCountFloat'] } },
          fields: {
            countInt: { type: 'uint64', id: 1 },
            countFloat: { type: 'double', id: 2 },
            sum: { type: 'double', id: 3 },
            schema: { type: 'sint32', id: 4 },
            zeroThreshold: { type: 'double', id: 5 },
            zeroCountInt: { type: 'uint64', id: 6 },
            zeroCountFloat: { type: 'double', id: 7 },
            positiveSpans: { rule: 'repeated', type: 'BucketSpan', id: 11 },
            positiveDeltas: { rule: 'repeated', type: 'sint64', id: 12, options: { packed: true } },
            timestamp: { type: 'int64', id: 15 },
          },
        },
        BucketSpan: { fields: { offset: { type: 'sint32', id: 1 }, length: { type: 'uint32', id: 2 } } },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
      },
    },
  },
});
const WriteRequest = root.lookupType('prometheus.WriteRequest');

/** The body of one remote-write POST. */
export function encodeWriteRequest(timeseries: readonly TimeSeries[]): Uint8Array {
  return compress(WriteRequest.encode(WriteRequest.create({ timeseries })).finish());
}

