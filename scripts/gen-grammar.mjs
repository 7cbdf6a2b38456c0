// Generates syntaxes/volley.tmLanguage.json: `npm run gen:grammar`
// (`node --import tsx scripts/gen-grammar.mjs syntaxes/volley.tmLanguage.json`). The keys, methods,
// executors, connection modes, metrics and helpers it highlights come from the scenario format's description
// (src/engine/scenario/schema.ts), so a new key is highlighted without editing this file.
import { writeFileSync } from 'node:fs';
// tsx loads the TypeScript module as CommonJS, whose re-exports (`export *`) only its default export shows.
import format from '../src/engine/scenario/schema.ts';
const { EXECUTOR_TYPES, HTTP_METHOD_KEYS, METRICS: METRIC_CATALOGUE, TEMPLATE_HELPER_DESCRIPTIONS, schemaAt, schemaKeyNames } = format;
const R = String.raw;

const METHODS = [...HTTP_METHOD_KEYS];
const EXECUTORS = [...EXECUTOR_TYPES];
const METRICS = Object.keys(METRIC_CATALOGUE);
// Methods have their own pattern (a method pair highlights its URL).
const KNOWN_KEYS = schemaKeyNames().filter((key) => !METHODS.includes(key));
const HELPERS = TEMPLATE_HELPER_DESCRIPTIONS.map((h) => h.name);
const CONNECTION_MODES = schemaAt(['http', 'connections']).enum;

// The quoted strings and flow collections recur with other inner patterns (plain, in thresholds, …).
const delimited = (begin, end, name, kind, patterns) => ({
  begin,
  end,
  name,
  beginCaptures: { 0: { name: `punctuation.definition.${kind}.begin.yaml` } },
  endCaptures: { 0: { name: `punctuation.definition.${kind}.end.yaml` } },
  patterns,
});
const doubleQuoted = (...includes) => delimited('"', '"', 'string.quoted.double.yaml', 'string', includes.map((i) => ({ include: i })));
const singleQuoted = (...includes) => delimited("'", "'(?!')", 'string.quoted.single.yaml', 'string', includes.map((i) => ({ include: i })));
const flowSequence = (content) => delimited(R`\[`, R`\]`, 'meta.flow-sequence.yaml', 'sequence', [{ include: content }]);
// "{{" opens a template, not a mapping.
const flowMapping = (content) => delimited(R`\{(?!\{)`, R`\}`, 'meta.flow-mapping.yaml', 'mapping', [{ include: content }]);

const alt = (xs) => xs.map((x) => x.replace(/[-[\]{}()*+?.\\^$|]/g, '\\$&')).join('|');

// A block key starts a line or follows a sequence dash ("- name: x").
const BK = R`(?:^|(?<=-[ \t]))[ \t]*`;
const SEP = R`[ \t]*(:)(?=\s|$)`;
const DQ = R`"(?:[^"\\]|\\.)*"`;
const SQ = R`'(?:[^']|'')*'`;
const PLAIN_KEY = R`(?:[^\s#'"\[\]{},&*!|>%@\x60?:-]|[?:-](?=\S))(?:[^\s:#]|:(?=\S)|[ \t]+(?=[^\s#:])|(?<=\S)#)*`;
const FLOW_PLAIN_KEY = R`[^\s,\[\]{}#'":](?:[^\s,\[\]{}:#]|:(?=[^\s,\[\]{}])|[ \t]+(?=[^\s,\[\]{}#:]))*`;
const IDENT = R`[A-Za-z_][A-Za-z0-9_]*`;
const END_BLOCK = R`(?=[ \t]+#|[ \t]*$)`;
const END_FLOW = R`(?=[ \t]*(?:[,\]}]|$)|[ \t]+#)`;
const DURATION = R`(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ms|us|µs|μs|ns|h|m|s))+`;
const BLOCK_INDICATOR = R`([|>])([1-9][+-]?|[+-][1-9]?)?`;

// Key alternatives used by every block pair: known key, double-quoted, single-quoted, plain.
const keyAlts = R`((${alt(KNOWN_KEYS)})|(${DQ})|(${SQ})|${PLAIN_KEY})`;
/** Captures for keyAlts starting at group n (n = whole key). */
function keyCaptures(n) {
  return {
    [n]: { name: 'entity.name.tag.yaml' },
    [n + 1]: { name: 'keyword.other.key.volley' },
    [n + 2]: { name: 'string.quoted.double.yaml' },
    [n + 3]: { name: 'string.quoted.single.yaml' },
  };
}

function constants(end) {
  return [
    { match: R`(?:null|Null|NULL|~)${end}`, name: 'constant.language.null.yaml' },
    { match: R`(?:true|True|TRUE|false|False|FALSE)${end}`, name: 'constant.language.boolean.yaml' },
    { match: R`(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)${end}`, name: 'constant.numeric.integer.yaml' },
    { match: R`(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))${end}`, name: 'constant.numeric.float.yaml' },
    {
      match: DURATION + end,
      name: 'constant.numeric.duration.volley',
      captures: { 0: { patterns: [{ match: R`[a-zµμ]+`, name: 'keyword.other.unit.duration.volley' }] } },
    },
  ];
}

function template(variant) {
  // The end stops at the enclosing quote or the line's end, so an unclosed "{{" cannot swallow the file.
  const end = { plain: R`\}\}|$`, double: R`\}\}|(?=")|$`, single: R`\}\}|(?='(?!'))|$` }[variant];
  const strings = { plain: ['#template-string-double', '#template-string-single'], double: ['#template-string-single'], single: ['#template-string-double'] }[variant];
  return {
    begin: R`\{\{`,
    end,
    name: 'meta.template.expression.volley',
    contentName: 'meta.embedded.line.volley',
    beginCaptures: { 0: { name: 'punctuation.definition.template-expression.begin.volley' } },
    endCaptures: { 0: { name: 'punctuation.definition.template-expression.end.volley' } },
    patterns: [...strings.map((include) => ({ include })), { include: '#template-expression' }],
  };
}

const THRESHOLD = R`(?<![^\s\[,{'"])((?:(p)[ \t]*(\()[ \t]*([0-9]+(?:\.[0-9]+)?)[ \t]*(\))|(avg|min|med|max|rate|count|value))[ \t]*(===|==|!=|<=|>=|<|>)[ \t]*([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)(ms|us|µs|μs|ns|h|m|s)?)(?=[ \t]*(?:$|#|,|\]|\}|"|'))`;

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Volley scenario',
  scopeName: 'source.volley',
  fileTypes: ['volley.yaml', 'volley.yml'],
  comment: 'Self-contained YAML subset plus Volley scopes. See docs/grammar.md for the scope list.',
  patterns: [
    { include: '#comment' },
    { include: '#directive' },
    { include: '#document-marker' },
    { include: '#block-scalar' },
    { include: '#thresholds' },
    { include: '#pairs' },
    { include: '#sequence-item' },
    { include: '#block-value' },
  ],
  repository: {
    comment: {
      match: R`(?:^|(?<=[ \t]))(#).*$`,
      name: 'comment.line.number-sign.yaml',
      captures: { 1: { name: 'punctuation.definition.comment.yaml' } },
    },
    directive: { match: R`^%.*$`, name: 'meta.directive.yaml' },
    'document-marker': {
      patterns: [
        { match: R`^---(?=\s|$)`, name: 'entity.other.document.begin.yaml' },
        { match: R`^\.\.\.(?=\s|$)`, name: 'entity.other.document.end.yaml' },
      ],
    },
    'sequence-item': {
      match: R`${BK}(-)(?=[ \t]|$)`,
      captures: { 1: { name: 'punctuation.definition.block.sequence.item.yaml' } },
    },
    'block-scalar': {
      patterns: [
        {
          // "- key: |": content must be indented past the key, i.e. past the dash and its spaces.
          begin: R`^([ \t]*)(-)([ \t]+)${keyAlts}${SEP}[ \t]+${BLOCK_INDICATOR}[ \t]*((#).*)?$`,
          end: R`^(?![ \t]*$)(?!\1[ \t]\3[ \t])`,
          name: 'meta.block-scalar.yaml',
          contentName: 'string.unquoted.block.yaml',
          beginCaptures: {
            2: { name: 'punctuation.definition.block.sequence.item.yaml' },
            ...keyCaptures(4),
            8: { name: 'punctuation.separator.key-value.mapping.yaml' },
            9: { name: 'keyword.control.flow.block-scalar.yaml' },
            10: { name: 'storage.modifier.chomping-indicator.yaml' },
            11: { name: 'comment.line.number-sign.yaml' },
            12: { name: 'punctuation.definition.comment.yaml' },
          },
          patterns: [{ include: '#template' }],
        },
        {
          begin: R`^([ \t]*)${keyAlts}${SEP}[ \t]+${BLOCK_INDICATOR}[ \t]*((#).*)?$`,
          end: R`^(?![ \t]*$)(?!\1[ \t])`,
          name: 'meta.block-scalar.yaml',
          contentName: 'string.unquoted.block.yaml',
          beginCaptures: {
            ...keyCaptures(2),
            6: { name: 'punctuation.separator.key-value.mapping.yaml' },
            7: { name: 'keyword.control.flow.block-scalar.yaml' },
            8: { name: 'storage.modifier.chomping-indicator.yaml' },
            9: { name: 'comment.line.number-sign.yaml' },
            10: { name: 'punctuation.definition.comment.yaml' },
          },
          patterns: [{ include: '#template' }],
        },
        {
          begin: R`^([ \t]*)(-)[ \t]+${BLOCK_INDICATOR}[ \t]*((#).*)?$`,
          end: R`^(?![ \t]*$)(?!\1[ \t])`,
          name: 'meta.block-scalar.yaml',
          contentName: 'string.unquoted.block.yaml',
          beginCaptures: {
            2: { name: 'punctuation.definition.block.sequence.item.yaml' },
            3: { name: 'keyword.control.flow.block-scalar.yaml' },
            4: { name: 'storage.modifier.chomping-indicator.yaml' },
            5: { name: 'comment.line.number-sign.yaml' },
            6: { name: 'punctuation.definition.comment.yaml' },
          },
          patterns: [{ include: '#template' }],
        },
      ],
    },
    pairs: {
      patterns: [{ include: '#method-pair' }, { include: '#executor-pair' }, { include: '#connections-pair' }, { include: '#pair' }],
    },
    'method-pair': {
      begin: R`${BK}(${alt(METHODS)})${SEP}`,
      end: '$',
      name: 'meta.request.volley',
      beginCaptures: {
        1: { name: 'entity.name.tag.yaml support.function.http-method.volley' },
        2: { name: 'punctuation.separator.key-value.mapping.yaml' },
      },
      patterns: [{ include: '#comment' }, { include: '#path-double' }, { include: '#path-single' }, { include: '#path-plain' }],
    },
    'path-plain': {
      begin: R`(?=\S)`,
      end: R`(?=[ \t]+#)|$`,
      name: 'meta.path.volley string.unquoted.path.volley',
      patterns: [{ include: '#template' }, { include: '#query' }],
    },
    'path-double': {
      begin: '"',
      end: '"',
      name: 'meta.path.volley string.quoted.double.yaml',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.yaml' } },
      endCaptures: { 0: { name: 'punctuation.definition.string.end.yaml' } },
      patterns: [{ include: '#escape-double' }, { include: '#template-in-double' }, { include: '#query' }],
    },
    'path-single': {
      begin: "'",
      end: "'(?!')",
      name: 'meta.path.volley string.quoted.single.yaml',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.yaml' } },
      endCaptures: { 0: { name: 'punctuation.definition.string.end.yaml' } },
      patterns: [{ include: '#escape-single' }, { include: '#template-in-single' }, { include: '#query' }],
    },
    query: {
      patterns: [
        { match: R`\?`, name: 'punctuation.separator.query.volley' },
        { match: '&', name: 'punctuation.separator.query-parameter.volley' },
        {
          match: R`(?<=[?&])([^=&#{}\s'"]+)(=)`,
          captures: { 1: { name: 'variable.parameter.query.volley' }, 2: { name: 'keyword.operator.assignment.query.volley' } },
        },
      ],
    },
    'executor-pair': {
      begin: R`${BK}(executor)${SEP}`,
      end: '$',
      beginCaptures: {
        1: { name: 'entity.name.tag.yaml keyword.other.key.volley' },
        2: { name: 'punctuation.separator.key-value.mapping.yaml' },
      },
      patterns: [
        { include: '#comment' },
        { match: R`(?<![\w-])(?:${alt(EXECUTORS)})${END_BLOCK}`, name: 'support.constant.executor.volley' },
        {
          match: R`(["'])(${alt(EXECUTORS)})(\1)`,
          name: 'string.quoted.yaml',
          captures: {
            1: { name: 'punctuation.definition.string.begin.yaml' },
            2: { name: 'support.constant.executor.volley' },
            3: { name: 'punctuation.definition.string.end.yaml' },
          },
        },
        { include: '#block-value' },
      ],
    },
    'connections-pair': {
      begin: R`${BK}(connections)${SEP}`,
      end: '$',
      beginCaptures: {
        1: { name: 'entity.name.tag.yaml keyword.other.key.volley' },
        2: { name: 'punctuation.separator.key-value.mapping.yaml' },
      },
      patterns: [
        { include: '#comment' },
        { match: R`(?<![\w-])(?:${alt(CONNECTION_MODES)})${END_BLOCK}`, name: 'support.constant.connection-mode.volley' },
        { include: '#block-value' },
      ],
    },
    pair: {
      begin: R`${BK}${keyAlts}${SEP}`,
      end: '$',
      beginCaptures: { ...keyCaptures(1), 5: { name: 'punctuation.separator.key-value.mapping.yaml' } },
      patterns: [{ include: '#block-value' }],
    },
    'block-value': {
      patterns: [
        { include: '#comment' },
        { include: '#properties' },
        { include: '#string-double' },
        { include: '#string-single' },
        { include: '#flow-sequence' },
        { include: '#flow-mapping' },
        ...constants(END_BLOCK),
        {
          begin: R`(?=\S)`,
          end: R`(?=[ \t]+#)|$`,
          name: 'string.unquoted.plain.out.yaml',
          patterns: [{ include: '#template' }],
        },
      ],
    },
    properties: {
      patterns: [
        {
          match: R`(?<![^\s\[{,])(&)([^\s,\[\]{}]+)`,
          captures: { 1: { name: 'keyword.control.flow.anchor.yaml punctuation.definition.anchor.yaml' }, 2: { name: 'entity.name.type.anchor.yaml' } },
        },
        {
          match: R`(?<![^\s\[{,])(\*)([^\s,\[\]{}]+)`,
          captures: { 1: { name: 'keyword.control.flow.alias.yaml punctuation.definition.alias.yaml' }, 2: { name: 'variable.other.alias.yaml' } },
        },
        { match: R`(?<![^\s\[{,])!(?:<[^>\s]*>|[^\s,\[\]{}]*)(?=\s|$)`, name: 'storage.type.tag-handle.yaml' },
      ],
    },
    'escape-double': {
      match: R`\\(?:[0abtnvfre "/\\N_LP\t]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})`,
      name: 'constant.character.escape.yaml',
    },
    'escape-single': { match: "''", name: 'constant.character.escape.single-quoted.yaml' },
    'string-double': doubleQuoted('#escape-double', '#template-in-double'),
    'string-single': singleQuoted('#escape-single', '#template-in-single'),
    'flow-sequence': flowSequence('#flow-content'),
    'flow-mapping': flowMapping('#flow-content'),
    'flow-key': {
      match: R`((${alt(METHODS)})|(${alt(KNOWN_KEYS)})|(${DQ})|(${SQ})|${FLOW_PLAIN_KEY})[ \t]*(:)(?=[\s,\[\]{}]|$)`,
      captures: {
        1: { name: 'entity.name.tag.yaml' },
        2: { name: 'support.function.http-method.volley' },
        3: { name: 'keyword.other.key.volley' },
        4: { name: 'string.quoted.double.yaml' },
        5: { name: 'string.quoted.single.yaml' },
        6: { name: 'punctuation.separator.key-value.mapping.yaml' },
      },
    },
    'flow-content': {
      patterns: [
        { include: '#comment' },
        { match: ',', name: 'punctuation.separator.sequence.yaml' },
        { include: '#flow-sequence' },
        { include: '#flow-mapping' },
        { include: '#flow-key' },
        { include: '#string-double' },
        { include: '#string-single' },
        { include: '#properties' },
        ...constants(END_FLOW),
        {
          begin: R`(?=[^\s,\[\]{}#])`,
          // "[" glued to a word stays in the scalar (json.items[0].id): the scenario parser accepts that.
          end: R`(?=[ \t]*[,\]{}]|[ \t]+[\[#])|$`,
          name: 'string.unquoted.plain.in.yaml',
          patterns: [{ include: '#template' }, { match: R`\[[^\s\[\]{},]*\]` }],
        },
      ],
    },

    // ---- thresholds -------------------------------------------------------------------------
    thresholds: {
      begin: R`^([ \t]*)(thresholds)${SEP}`,
      end: R`^(?![ \t]*$)(?![ \t]*#)(?!\1[ \t])`,
      name: 'meta.thresholds.volley',
      beginCaptures: {
        2: { name: 'entity.name.tag.yaml keyword.other.key.volley' },
        3: { name: 'punctuation.separator.key-value.mapping.yaml' },
      },
      patterns: [
        { include: '#comment' },
        { include: '#block-scalar' },
        { include: '#threshold-object-pair' },
        { include: '#metric-pair' },
        { include: '#pair' },
        { include: '#sequence-item' },
        { include: '#threshold-value' },
      ],
    },
    'threshold-object-pair': {
      begin: R`${BK}(threshold|abortOnFail|delayAbortEval)${SEP}`,
      end: '$',
      beginCaptures: {
        1: { name: 'entity.name.tag.yaml keyword.other.key.volley' },
        2: { name: 'punctuation.separator.key-value.mapping.yaml' },
      },
      patterns: [{ include: '#threshold-value' }],
    },
    'metric-pair': {
      begin: R`${BK}((["']?)(?:(${alt(METRICS)})|(${IDENT}))(\{[^}\n]*\})?(\2))${SEP}`,
      end: '$',
      name: 'meta.threshold.metric.volley',
      beginCaptures: {
        1: { name: 'entity.name.tag.yaml' },
        2: { name: 'punctuation.definition.string.begin.yaml' },
        3: { name: 'support.variable.metric.volley' },
        4: { name: 'variable.other.metric.volley' },
        5: { patterns: [{ include: '#tag-filter' }] },
        6: { name: 'punctuation.definition.string.end.yaml' },
        7: { name: 'punctuation.separator.key-value.mapping.yaml' },
      },
      patterns: [{ include: '#threshold-value' }],
    },
    'tag-filter': {
      match: R`(\{)([^}]*)(\})`,
      name: 'meta.tag-filter.volley',
      captures: {
        1: { name: 'punctuation.definition.tag-filter.begin.volley' },
        2: {
          patterns: [
            {
              match: R`([^:,{}\s](?:[^:,{}]*[^:,{}\s])?)[ \t]*(:)[ \t]*([^,{}\s](?:[^,{}]*[^,{}\s])?)?`,
              captures: {
                1: { name: 'entity.other.attribute-name.tag.volley' },
                2: { name: 'punctuation.separator.key-value.volley' },
                3: { name: 'string.unquoted.tag-value.volley' },
              },
            },
            { match: ',', name: 'punctuation.separator.tag-filter.volley' },
          ],
        },
        3: { name: 'punctuation.definition.tag-filter.end.volley' },
      },
    },
    'threshold-expression': {
      match: THRESHOLD,
      captures: {
        1: { name: 'meta.threshold.expression.volley' },
        2: { name: 'support.function.aggregation.volley' },
        3: { name: 'punctuation.definition.parameters.begin.volley' },
        4: { name: 'constant.numeric.percentile.volley' },
        5: { name: 'punctuation.definition.parameters.end.volley' },
        6: { name: 'support.function.aggregation.volley' },
        7: { name: 'keyword.operator.comparison.volley' },
        8: { name: 'constant.numeric.threshold.volley' },
        9: { name: 'keyword.other.unit.duration.volley' },
      },
    },
    'threshold-value': {
      patterns: [
        { include: '#comment' },
        { include: '#threshold-expression' },
        { include: '#threshold-string-double' },
        { include: '#threshold-string-single' },
        { include: '#threshold-flow-sequence' },
        { include: '#threshold-flow-mapping' },
        { include: '#block-value' },
      ],
    },
    'threshold-string-double': doubleQuoted('#threshold-expression', '#escape-double'),
    'threshold-string-single': singleQuoted('#threshold-expression', '#escape-single'),
    'threshold-flow-sequence': flowSequence('#threshold-flow-content'),
    'threshold-flow-mapping': flowMapping('#threshold-flow-content'),
    'threshold-flow-content': {
      patterns: [
        { include: '#comment' },
        { match: ',', name: 'punctuation.separator.sequence.yaml' },
        { include: '#threshold-flow-sequence' },
        { include: '#threshold-flow-mapping' },
        {
          match: R`(threshold|abortOnFail|delayAbortEval)[ \t]*(:)(?=[\s,\[\]{}]|$)`,
          captures: { 1: { name: 'entity.name.tag.yaml keyword.other.key.volley' }, 2: { name: 'punctuation.separator.key-value.mapping.yaml' } },
        },
        {
          match: R`((["']?)(?:(${alt(METRICS)})|(${IDENT}))(\{[^}\n]*\})?(\2))[ \t]*(:)(?=[\s,\[\]{}]|$)`,
          captures: {
            1: { name: 'entity.name.tag.yaml' },
            2: { name: 'punctuation.definition.string.begin.yaml' },
            3: { name: 'support.variable.metric.volley' },
            4: { name: 'variable.other.metric.volley' },
            5: { patterns: [{ include: '#tag-filter' }] },
            6: { name: 'punctuation.definition.string.end.yaml' },
            7: { name: 'punctuation.separator.key-value.mapping.yaml' },
          },
        },
        { include: '#threshold-expression' },
        { include: '#threshold-string-double' },
        { include: '#threshold-string-single' },
        { include: '#flow-content' },
      ],
    },

    // ---- templates ----------------------------------------------------------------------------
    template: template('plain'),
    'template-in-double': template('double'),
    'template-in-single': template('single'),
    'template-string-double': {
      begin: '"',
      end: R`"|$`,
      name: 'string.quoted.double.volley',
      patterns: [{ match: R`\\.`, name: 'constant.character.escape.volley' }],
    },
    'template-string-single': {
      begin: "'",
      end: R`'|$`,
      name: 'string.quoted.single.volley',
      patterns: [{ match: R`\\.`, name: 'constant.character.escape.volley' }],
    },
    'template-expression': {
      patterns: [
        { match: R`(?<![\w$])(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?(?![\w$])`, name: 'constant.numeric.volley' },
        {
          match: R`(\.)[ \t]*([A-Za-z_$][\w$]*)`,
          captures: { 1: { name: 'punctuation.accessor.volley' }, 2: { name: 'variable.other.property.volley' } },
        },
        { match: R`(?<![\w$])(?:true|false)(?![\w$])`, name: 'constant.language.boolean.volley' },
        { match: R`(?<![\w$])null(?![\w$])`, name: 'constant.language.null.volley' },
        {
          match: R`(?<![\w$])(env)(?:[ \t]*(\.)[ \t]*([A-Za-z_$][\w$]*))?(?![\w$])`,
          captures: {
            1: { name: 'variable.language.env.volley' },
            2: { name: 'punctuation.accessor.volley' },
            3: { name: 'variable.other.env.volley' },
          },
        },
        { match: R`(?<![\w$])(?:vu|iteration|scenario)(?![\w$])`, name: 'variable.language.volley' },
        { match: R`(?<![\w$])(?:${alt(HELPERS)})(?=[ \t]*\()`, name: 'support.function.helper.volley' },
        { match: R`(?<![\w$])[A-Za-z_$][\w$]*(?=[ \t]*\()`, name: 'entity.name.function.volley' },
        { match: R`(?<![\w$])[A-Za-z_$][\w$]*`, name: 'variable.other.readwrite.volley' },
        { match: R`===|!==|==|!=|<=|>=|<|>`, name: 'keyword.operator.comparison.volley' },
        { match: R`&&|\|\||!`, name: 'keyword.operator.logical.volley' },
        { match: R`[-+*/%]`, name: 'keyword.operator.arithmetic.volley' },
        { match: R`[?:]`, name: 'keyword.operator.ternary.volley' },
        { match: ',', name: 'punctuation.separator.comma.volley' },
        { match: R`[()]`, name: 'meta.brace.round.volley' },
        { match: R`[\[\]]`, name: 'meta.brace.square.volley' },
        { match: R`[=&|]`, name: 'invalid.illegal.operator.volley' },
      ],
    },
  },
};

writeFileSync(process.argv[2], JSON.stringify(grammar, null, 2) + '\n');
