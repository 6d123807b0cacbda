import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { ErrorBudgetAlarm, PAGING_BURN_RATES } from '../lib/monitoring/error-budget-alarm.js';

const bad = new Metric({ namespace: 'Test', metricName: 'Errors', dimensionsMap: { Api: 'a' }, statistic: 'Sum' });
const valid = new Metric({ namespace: 'Test', metricName: 'Requests', dimensionsMap: { Api: 'a' }, statistic: 'Sum' });

function synth(target = 0.999) {
  const stack = new Stack(new App(), 'Slo');
  const topic = new sns.Topic(stack, 'Topic');
  const slo = new ErrorBudgetAlarm(stack, 'Availability', {
    sloName: 'API availability',
    target,
    badEvents: bad,
    validEvents: valid,
    actions: [new SnsAction(topic)],
  });
  return { stack, slo, topic, template: Template.fromStack(stack) };
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

describe('ErrorBudgetAlarm', () => {
  it('uses the workbook pairs: 14.4× over 1 h and 5 min, 6× over 6 h and 30 min', () => {
    expect(PAGING_BURN_RATES.map((w) => [w.name, w.burnRate, w.longWindow.toSeconds(), w.shortWindow.toSeconds()])).toEqual([
      ['Fast', 14.4, 3600, 300],
      ['Slow', 6, 21600, 1800],
    ]);
  });

  it('makes four metric-math alarms: bad/valid over each window, thresholds 14.4 × 0.001 and 6 × 0.001', () => {
    const { stack, slo, template } = synth();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    expect(slo.errorBudget).toBe(0.001);
    const expected = [
      { pair: 0, which: 'longWindowAlarm', period: 3600, threshold: 0.0144 },
      { pair: 0, which: 'shortWindowAlarm', period: 300, threshold: 0.0144 },
      { pair: 1, which: 'longWindowAlarm', period: 21600, threshold: 0.006 },
      { pair: 1, which: 'shortWindowAlarm', period: 1800, threshold: 0.006 },
    ] as const;
    for (const { pair, which, period, threshold } of expected) {
      const alarm = slo.alarms[pair]![which];
      const props = template.toJSON().Resources[logicalId(stack, alarm)].Properties;
      expect(props).toMatchObject({
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      // The window alarms never notify by themselves: only their composite does.
      expect(props.AlarmActions).toBeUndefined();
      const queries = props.Metrics as Array<Record<string, any>>;
      const expression = queries.find((q) => q.Expression);
      expect(expression).toMatchObject({ Expression: 'FILL(bad, 0) / valid', ReturnData: true });
      const stat = (id: string) => queries.find((q) => q.Id === id);
      expect(stat('bad')).toMatchObject({
        ReturnData: false,
        MetricStat: { Metric: { Namespace: 'Test', MetricName: 'Errors', Dimensions: [{ Name: 'Api', Value: 'a' }] }, Period: period, Stat: 'Sum' },
      });
      expect(stat('valid')).toMatchObject({
        ReturnData: false,
        MetricStat: { Metric: { Namespace: 'Test', MetricName: 'Requests' }, Period: period, Stat: 'Sum' },
      });
    }
  });

  it('ANDs each pair in a composite alarm that notifies, and the fast burn suppresses the slow one', () => {
    const { stack, slo, topic, template } = synth();
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 2);
    const composites = template.toJSON().Resources as Record<string, any>;
    const [fast, slow] = slo.alarms;
    for (const pair of [fast!, slow!]) {
      const props = composites[logicalId(stack, pair.composite)].Properties;
      const rule = JSON.stringify(props.AlarmRule);
      const longId = logicalId(stack, pair.longWindowAlarm);
      const shortId = logicalId(stack, pair.shortWindowAlarm);
      expect(rule).toContain(`{"Fn::GetAtt":["${longId}","Arn"]}`);
      expect(rule).toContain(`{"Fn::GetAtt":["${shortId}","Arn"]}`);
      // "(ALARM(long) AND ALARM(short))", with the two ARNs as tokens between the literal parts.
      const literal = (props.AlarmRule['Fn::Join'][1] as unknown[]).filter((part) => typeof part === 'string').join('|');
      expect(literal).toBe('(ALARM("|") AND ALARM("|"))');
      expect(props.AlarmActions).toEqual([{ Ref: logicalId(stack, topic) }]);
      expect(props.OKActions).toEqual(props.AlarmActions);
    }
    const slowProps = composites[logicalId(stack, slow!.composite)].Properties;
    expect(slowProps.ActionsSuppressor).toEqual({ 'Fn::GetAtt': [logicalId(stack, fast!.composite), 'Arn'] });
    expect(slowProps.ActionsSuppressorExtensionPeriod).toBe(1800);
    expect(composites[logicalId(stack, fast!.composite)].Properties.ActionsSuppressor).toBeUndefined();
  });

  it('derives thresholds from the target: 99.5% gives 0.072 and 0.03', () => {
    const { slo } = synth(0.995);
    expect(slo.alarms.map((a) => a.threshold)).toEqual([0.072, 0.03]);
  });

  it('can ignore windows with too few requests to judge', () => {
    const stack = new Stack(new App(), 'Guarded');
    new ErrorBudgetAlarm(stack, 'Slo', { sloName: 'x', target: 0.999, badEvents: bad, validEvents: valid, minimumValidEvents: 10 });
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) {
      expect(alarm.Properties.Metrics.find((q: any) => q.Expression).Expression).toBe('IF(valid >= 10, FILL(bad, 0) / valid, 0)');
    }
    expect(
      () => new ErrorBudgetAlarm(stack, 'Bad', { sloName: 'x', target: 0.999, badEvents: bad, validEvents: valid, minimumValidEvents: 0.5 }),
    ).toThrow(/whole number/);
  });

  it('refuses targets outside 95%..99.95% and a short window that is not shorter', () => {
    expect(() => synth(0.9999)).toThrow(/between 0.95 and 0.9995/);
    expect(() => synth(0.9)).toThrow(/between 0.95 and 0.9995/);
    const stack = new Stack(new App(), 'Bad');
    expect(
      () =>
        new ErrorBudgetAlarm(stack, 'Slo', {
          sloName: 'x',
          target: 0.999,
          badEvents: bad,
          validEvents: valid,
          windows: [{ name: 'Odd', burnRate: 2, longWindow: Duration.minutes(5), shortWindow: Duration.hours(1) }],
        }),
    ).toThrow(/short window must be shorter/);
  });
});
