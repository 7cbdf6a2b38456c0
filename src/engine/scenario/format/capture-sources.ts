// Where a capture takes its value from (`capture: { id: json.items[0].id }`): the forms the capture parser
// (json-path.ts parseCaptureSource) reads, described once for completion and the docs.

export interface CaptureSourceDescription {
  /** What the value starts with; completion offers it. */
  prefix: 'json.' | 'header.' | 'cookie.' | 'regex:';
  /** As the docs write the form. */
  form: string;
  /** Must parse; the cross-check and the docs generator check it. */
  example: string;
  /** Completion's snippet after the prefix. */
  placeholder: string;
  takes: string;
}

export const CAPTURE_SOURCE_DESCRIPTIONS: readonly CaptureSourceDescription[] = [
  {
    prefix: 'json.',
    form: 'json.PATH',
    example: 'json.items[0].id',
    placeholder: 'id',
    takes:
      'A value of the JSON response body, by path: `.field`, `[index]` (negative counts from the end), ' +
      '`["field with spaces"]`. `json` alone takes the whole body. Keeps the JSON type.',
  },
  {
    prefix: 'header.',
    form: 'header.NAME',
    example: 'header.X-Request-Id',
    placeholder: 'Location',
    takes: 'A response header\'s value (the name is case-insensitive).',
  },
  {
    prefix: 'cookie.',
    form: 'cookie.NAME',
    example: 'cookie.sid',
    placeholder: 'sid',
    takes:
      'A cookie\'s value (the name is case-sensitive): the one this response sets (`Set-Cookie`, k6\'s ' +
      '`res.cookies`; the last when it is set twice), else the one the VU\'s jar holds for the request\'s URL.',
  },
  {
    prefix: 'regex:',
    form: 'regex:PATTERN',
    example: 'regex:session=(\\w+)',
    placeholder: 'pattern',
    takes:
      'From the response body: the pattern\'s capture group, else the whole match (a JavaScript regular ' +
      'expression with at most one capture group).',
  },
];
