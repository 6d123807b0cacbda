import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmRule,
  AlarmState,
  ComparisonOperator,
  CompositeAlarm,
  MathExpression,
  TreatMissingData,
  type IAlarmAction,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/**
 * One pair of windows of a multiwindow, multi-burn-rate alert (Google SRE Workbook, "Alerting on
 * SLOs"): page when the error rate over BOTH windows exceeds `burnRate` times the error budget. The
 * long window makes the alert significant (a short spike does not page), the short one makes it
 * reset soon after the problem is fixed.
 */
export interface BurnRateWindows {
  /** Names the pair in construct ids and descriptions: `Fast`, `Slow`. */
  readonly name: string;
  /** Multiple of the sustainable error rate: 14.4 spends 2% of a 30-day budget in one hour. */
  readonly burnRate: number;
  readonly longWindow: Duration;
  readonly shortWindow: Duration;
}

/** The workbook's two paging pairs for a 30-day SLO: 2% of the budget in 1 h, 5% in 6 h. */
export const PAGING_BURN_RATES: readonly BurnRateWindows[] = [
  { name: 'Fast', burnRate: 14.4, longWindow: Duration.hours(1), shortWindow: Duration.minutes(5) },
  { name: 'Slow', burnRate: 6, longWindow: Duration.hours(6), shortWindow: Duration.minutes(30) },
];

export interface ErrorBudgetAlarmProps {
  /** Names the SLO in descriptions, e.g. `API availability`. */
  readonly sloName: string;
  /** Fraction of good events promised, e.g. 0.999. The error budget is `1 - target`. */
  readonly target: number;
  /** Events that spend the budget (e.g. the API's 5xx answers). Summed over each window. */
  readonly badEvents: IMetric;
  /** All events the SLO counts (e.g. every API request). Summed over each window. */
  readonly validEvents: IMetric;
  /** Defaults to {@link PAGING_BURN_RATES}. Each pair becomes one composite alarm. */
  readonly windows?: readonly BurnRateWindows[];
  /** Where the composite alarms notify (the two window alarms of a pair never notify on their own). */
  readonly actions?: readonly IAlarmAction[];
  /**
   * Windows with fewer valid events than this count as meeting the SLO: at low traffic one failure is
   * a large ratio (1 in 10 is 10%) and would page. Default 0: every window counts.
   */
  readonly minimumValidEvents?: number;
}

/** The two metric-math alarms of one pair and the composite alarm that ANDs them. */
export interface BurnRateAlarm {
  readonly windows: BurnRateWindows;
  /** `badEvents / validEvents` above the burn-rate threshold. */
  readonly threshold: number;
  readonly longWindowAlarm: Alarm;
  readonly shortWindowAlarm: Alarm;
  readonly composite: CompositeAlarm;
}

/**
 * The error-budget (burn-rate) alarms of one SLO: for each pair of windows, two alarms on the ratio
 * `badEvents / validEvents` (one per window, the window being the alarm's period) and a composite
 * alarm that fires only when both are in ALARM. Pairs are ordered fastest first; a slower pair's
 * notifications are suppressed while a faster one is firing, so one incident pages once.
 *
 * Limits: at low traffic one failed request is a large ratio (1 error in 10 requests is 10%); set
 * `minimumValidEvents` to ignore windows with too few requests to judge (errors there are not
 * alarmed at all, so keep it small). Periods longer than an hour are evaluated as sliding windows
 * (CloudWatch's default), which is what the workbook's windows mean.
 */
export class ErrorBudgetAlarm extends Construct {
  readonly errorBudget: number;
  readonly alarms: readonly BurnRateAlarm[];

  constructor(scope: Construct, id: string, props: ErrorBudgetAlarmProps) {
    super(scope, id);
    // Above 99.95% even the slow pair's threshold (6 × 0.0005) sits at the noise of a few requests;
    // below 95% a 14.4× burn rate exceeds 72% errors and the alarm says little.
    if (!(props.target >= 0.95 && props.target <= 0.9995)) {
      throw new Error(`ErrorBudgetAlarm needs a target between 0.95 and 0.9995, got ${props.target}`);
    }
    const windows = props.windows ?? PAGING_BURN_RATES;
    const minimum = props.minimumValidEvents ?? 0;
    if (!Number.isInteger(minimum) || minimum < 0) throw new Error(`ErrorBudgetAlarm minimumValidEvents must be a whole number >= 0, got ${minimum}`);
    if (windows.length === 0) throw new Error('ErrorBudgetAlarm needs at least one pair of windows');
    this.errorBudget = roundRatio(1 - props.target);

    const alarms: BurnRateAlarm[] = [];
    for (const pair of windows) {
      if (pair.shortWindow.toSeconds() >= pair.longWindow.toSeconds()) {
        throw new Error(`ErrorBudgetAlarm ${pair.name}: the short window must be shorter than the long one`);
      }
      const threshold = roundRatio(pair.burnRate * this.errorBudget);
      const windowAlarm = (which: 'Long' | 'Short', window: Duration): Alarm =>
        new Alarm(this, `${pair.name}Burn${which}Window`, {
          alarmDescription:
            `${props.sloName}: error ratio over ${describe(window)} above ${pair.burnRate}× the budget of a ` +
            `${(props.target * 100).toFixed(2)}% SLO (part of the ${pair.name.toLowerCase()} burn-rate alarm; notifies through it)`,
          metric: new MathExpression({
            // No bad events recorded in a window where requests were made means none failed.
            expression: minimum > 0 ? `IF(valid >= ${minimum}, FILL(bad, 0) / valid, 0)` : 'FILL(bad, 0) / valid',
            usingMetrics: { bad: props.badEvents, valid: props.validEvents },
            period: window,
            label: `${props.sloName} error ratio (${describe(window)})`,
          }),
          threshold,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          // No requests in a window: nothing failed and no budget was spent.
          treatMissingData: TreatMissingData.NOT_BREACHING,
        });
      const longWindowAlarm = windowAlarm('Long', pair.longWindow);
      const shortWindowAlarm = windowAlarm('Short', pair.shortWindow);
      const faster = alarms.at(-1);
      const composite = new CompositeAlarm(this, `${pair.name}Burn`, {
        alarmDescription:
          `${props.sloName} SLO (${(props.target * 100).toFixed(2)}%): ${pair.name.toLowerCase()} burn, errors above ` +
          `${pair.burnRate}× the budget over both ${describe(pair.longWindow)} and ${describe(pair.shortWindow)}`,
        alarmRule: AlarmRule.allOf(
          AlarmRule.fromAlarm(longWindowAlarm, AlarmState.ALARM),
          AlarmRule.fromAlarm(shortWindowAlarm, AlarmState.ALARM),
        ),
        ...(faster && {
          actionsSuppressor: faster.composite,
          actionsSuppressorWaitPeriod: Duration.minutes(2),
          actionsSuppressorExtensionPeriod: pair.shortWindow,
        }),
      });
      for (const action of props.actions ?? []) {
        composite.addAlarmAction(action);
        composite.addOkAction(action);
      }
      alarms.push({ windows: pair, threshold, longWindowAlarm, shortWindowAlarm, composite });
    }
    this.alarms = alarms;
  }
}

/** 14.4 × 0.001 is 0.014400000000000001 in floating point; CloudWatch and readers want 0.0144. */
function roundRatio(value: number): number {
  return Number(value.toPrecision(12));
}

function describe(window: Duration): string {
  const minutes = window.toMinutes();
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}
