/**
 * CloudWatch Embedded Metric Format read back from a function's stdout, checked against the
 * specification CloudWatch Logs applies: a line is an EMF document when it is a JSON object with
 * `_aws.CloudWatchMetrics`; every dimension and metric it names must be a member of the object, each
 * metric a number or an array of numbers, or CloudWatch drops the metric without a word.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export interface EmfDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: Array<{ Name: string; Unit?: string; StorageResolution?: number }>;
}

export interface EmfDocument {
  _aws: { Timestamp: number; CloudWatchMetrics: EmfDirective[] };
  [member: string]: unknown;
}

/** One metric as CloudWatch would record it from a document. */
export interface EmfMetric {
  namespace: string;
  name: string;
  unit: string | undefined;
  /** Dimension name → value, one dimension set of the directive. */
  dimensions: Record<string, string>;
  values: number[];
}

function fail(line: string, why: string): never {
  throw new Error(`invalid EMF line (${why}): ${line.slice(0, 300)}`);
}

/** Parses one line that claims to be EMF (it mentions `_aws`), failing with the reason when it is not valid. */
export function parseEmfLine(line: string): EmfDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    fail(line, 'not JSON: a prefix before the object, as console.log adds on Lambda, makes CloudWatch ignore it');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(line, 'not a JSON object');
  const doc = parsed as Record<string, unknown>;
  const aws = doc._aws as Record<string, unknown> | undefined;
  if (typeof aws !== 'object' || aws === null) fail(line, 'no _aws object');
  if (typeof aws.Timestamp !== 'number' || !Number.isInteger(aws.Timestamp)) fail(line, '_aws.Timestamp must be epoch milliseconds');
  const directives = aws.CloudWatchMetrics;
  if (!Array.isArray(directives) || directives.length === 0) fail(line, '_aws.CloudWatchMetrics must be a non-empty array');
  for (const d of directives as Array<Record<string, unknown>>) {
    if (typeof d.Namespace !== 'string' || d.Namespace === '') fail(line, 'a directive without a Namespace');
    if (!Array.isArray(d.Dimensions)) fail(line, 'Dimensions must be an array of dimension sets');
    for (const set of d.Dimensions as unknown[]) {
      if (!Array.isArray(set) || set.length > 30) fail(line, 'a dimension set must be an array of at most 30 names');
      for (const name of set) if (typeof name !== 'string' || typeof doc[name] !== 'string') fail(line, `dimension ${String(name)} must be a string member of the document`);
    }
    if (!Array.isArray(d.Metrics) || d.Metrics.length === 0 || d.Metrics.length > 100) fail(line, 'Metrics must hold 1 to 100 metrics');
    for (const m of d.Metrics as Array<Record<string, unknown>>) {
      if (typeof m.Name !== 'string' || m.Name === '') fail(line, 'a metric without a Name');
      const value = doc[m.Name];
      const numbers = Array.isArray(value) ? value : [value];
      if (numbers.length === 0 || numbers.length > 100 || !numbers.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        fail(line, `metric ${m.Name} must be a number or 1 to 100 numbers`);
      }
      if (m.Unit !== undefined && typeof m.Unit !== 'string') fail(line, `metric ${m.Name} has a Unit that is not a string`);
    }
  }
  return doc as EmfDocument;
}

/**
 * Every EMF document among the lines (pino's log lines and the emulator's START/END/REPORT are
 * passed over). A line that mentions `_aws` and is not valid EMF fails: it would be lost on AWS.
 */
export function emfDocumentsIn(lines: readonly string[]): EmfDocument[] {
  return lines.filter((line) => line.includes('"_aws"')).map(parseEmfLine);
}

/** The documents flattened into metrics, one per metric and dimension set. */
export function emfMetrics(documents: readonly EmfDocument[]): EmfMetric[] {
  return documents.flatMap((doc) =>
    doc._aws.CloudWatchMetrics.flatMap((directive) =>
      (directive.Dimensions.length > 0 ? directive.Dimensions : [[]]).flatMap((set) =>
        directive.Metrics.map((metric) => {
          const value = doc[metric.Name] as number | number[];
          return {
            namespace: directive.Namespace,
            name: metric.Name,
            unit: metric.Unit,
            dimensions: Object.fromEntries(set.map((name) => [name, doc[name] as string])),
            values: Array.isArray(value) ? value : [value],
          };
        }),
      ),
    ),
  );
}
