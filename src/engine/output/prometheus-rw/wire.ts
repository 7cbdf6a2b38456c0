// Prometheus remote write 1.0 on the wire: a prompb.WriteRequest (only the fields remote write 1.0 needs:
// labels and float samples), protobuf-encoded by protobufjs and compressed with Snappy's block format.
import protobuf from 'protobufjs';
import { compress } from 'snappyjs';

export interface Label {
  name: string;
  value: string;
}

export interface TimeSeries {
  /** Sorted by name, `__name__` among them (the spec requires the order). */
  labels: Label[];
  samples: Array<{ value: number; timestamp: number }>;
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
          },
        },
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

