import { Arn, ArnFormat, CfnParameter, Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROJECTION_NAMES } from '../../src/projections/projection.js';
import type { OffHoursConfig } from './config.js';

/** The stack parameter that turns the schedules off (or on again) at deploy time. */
export const OFF_HOURS_PARAMETER = 'GraphOffHours';
/** Minutes between the rebuilds of two derived stores, so the small dev stores take them one at a time. */
export const REBUILD_SPACING_MINUTES = 5;

export interface OffHoursProps {
  hours: OffHoursConfig;
  /** The physical name of the Neptune cluster (its DBClusterIdentifier). */
  clusterIdentifier: string;
  /** The rebuild function, invoked with `{ projection }` (src/lambda/rebuild-handler.ts: a direct invocation). */
  rebuildFunction: lambda.IFunction;
  /** Where an asynchronous invocation that failed for good goes (the rebuild function's on-failure queue, with its alarm). */
  rebuildFailureQueue: sqs.IQueue;
  /** Name prefix of the schedule group (`<prefix>-off-hours`). */
  resourcePrefix: string;
}

/**
 * Office hours for the dev graph: the one store of the stack that bills by the hour and can be
 * stopped. EventBridge Scheduler calls Neptune's own API (universal targets
 * `aws-sdk:neptune:stopDBCluster` and `startDBCluster`: no function of ours runs for it):
 *
 * - **stop** every day at `stopHour`: also a cluster started by hand at the weekend, or by AWS itself
 *   (it starts a cluster stopped for 7 days), goes off again the same evening;
 * - **start** on `workDays` at `startHour`;
 * - **rebuild** every derived store (search, bestsellers, graph, book cache) from the table,
 *   `rebuildAfterMinutes` later and one every few minutes, by invoking the rebuild function with
 *   `{ projection }`, which starts the chunked rebuild job the admin page would.
 *
 * Why rebuild everything, not only the graph: while Neptune is stopped the functions cannot open
 * their store (the engines profile reaches every engine when it opens), so the dev API answers errors,
 * and a change written meanwhile (`bookstore seed` or `import` from a laptop) fails in the stream
 * function for all projections until the mapping gives its batch up (bounded retries and record age)
 * to the on-failure queue. A weekend also outlasts the stream's 24-hour retention. The table keeps
 * every change, and a rebuild is always correct, so the morning rebuild is what makes a stopped night
 * lose nothing.
 *
 * One role for the three kinds of schedule, assumable by EventBridge Scheduler for this account's
 * schedules in this group only, allowed `rds:StopDBCluster`/`rds:StartDBCluster` (Neptune's
 * management API shares RDS's IAM actions) on this cluster and `lambda:InvokeFunction` on the rebuild
 * function: no wildcard. `GraphOffHours=DISABLED` turns every schedule off without a code change
 * (start the cluster yourself if it is stopped then: `aws neptune start-db-cluster`).
 */
export class OffHours extends Construct {
  readonly role: iam.Role;
  readonly group: scheduler.ScheduleGroup;
  readonly parameter: CfnParameter;
  readonly stop: scheduler.Schedule;
  readonly start: scheduler.Schedule;
  readonly rebuilds: scheduler.Schedule[];

  constructor(scope: Construct, id: string, props: OffHoursProps) {
    super(scope, id);
    const { hours } = props;
    const stack = Stack.of(this);
    checkHours(hours);

    this.parameter = new CfnParameter(stack, OFF_HOURS_PARAMETER, {
      type: 'String',
      default: 'ENABLED',
      allowedValues: ['ENABLED', 'DISABLED'],
      description: `Stop the Neptune cluster outside ${hours.workDays} ${hours.startHour}:00-${hours.stopHour}:00 ${hours.timeZone} and rebuild the derived stores after each start (DISABLED: always on)`,
    });

    this.group = new scheduler.ScheduleGroup(this, 'Group', {
      scheduleGroupName: `${props.resourcePrefix}-off-hours`,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const clusterArn = Arn.format({ service: 'rds', resource: 'cluster', resourceName: props.clusterIdentifier, arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack);
    const stopAndStart = new iam.PolicyStatement({ sid: 'StopAndStartTheGraph', actions: ['rds:StopDBCluster', 'rds:StartDBCluster'], resources: [clusterArn] });
    this.role = new iam.Role(this, 'Role', {
      description: 'EventBridge Scheduler: stops and starts the dev Neptune cluster, starts rebuilds after each start',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          // Only this account's schedules in this group (confused-deputy protection).
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:scheduler:${stack.region}:${stack.account}:schedule/${this.group.scheduleGroupName}/*` },
        },
      }),
      inlinePolicies: {
        OffHours: new iam.PolicyDocument({
          statements: [
            stopAndStart,
            new iam.PolicyStatement({ sid: 'StartRebuilds', actions: ['lambda:InvokeFunction'], resources: [props.rebuildFunction.functionArn] }),
          ],
        }),
      },
    });
    // The targets below would grant on their own (LambdaInvoke adds `<function>:*`, Universal without
    // statements `neptune:<action>` on *); the inline policy above already holds exactly what they need.
    const role = this.role.withoutPolicyUpdates();

    const cluster = (action: 'stopDBCluster' | 'startDBCluster') =>
      new targets.Universal({
        service: 'neptune',
        action,
        role,
        // Universal targets take the API's parameters in the SDKs' casing (as in the CDK's own stopDBCluster example).
        input: scheduler.ScheduleTargetInput.fromObject({ DbClusterIdentifier: props.clusterIdentifier }),
        // What the role holds already (the immutable role drops it); without it Universal would ask for `*`.
        policyStatements: [stopAndStart],
        // A stop or start that fails (the cluster already in that state) is not worth retrying for long.
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      });
    const timeZone = TimeZone.of(hours.timeZone);
    const at = (minutesAfterMidnight: number, weekDay: string) =>
      scheduler.ScheduleExpression.cron({ minute: String(minutesAfterMidnight % 60), hour: String(Math.floor(minutesAfterMidnight / 60)), weekDay, timeZone });

    this.stop = new scheduler.Schedule(this, 'StopGraph', {
      scheduleGroup: this.group,
      description: `Stops the Neptune cluster at ${hours.stopHour}:00 every day`,
      schedule: at(hours.stopHour * 60, '*'),
      target: cluster('stopDBCluster'),
    });
    this.start = new scheduler.Schedule(this, 'StartGraph', {
      scheduleGroup: this.group,
      description: `Starts the Neptune cluster at ${hours.startHour}:00 on ${hours.workDays}`,
      schedule: at(hours.startHour * 60, hours.workDays),
      target: cluster('startDBCluster'),
    });
    this.rebuilds = PROJECTION_NAMES.map((projection, i) => {
      const minute = hours.startHour * 60 + hours.rebuildAfterMinutes + i * REBUILD_SPACING_MINUTES;
      return new scheduler.Schedule(this, `Rebuild-${projection}`, {
        scheduleGroup: this.group,
        description: `Rebuilds ${projection} from the table after the morning start of the Neptune cluster`,
        schedule: at(minute, hours.workDays),
        target: new targets.LambdaInvoke(props.rebuildFunction, {
          role,
          input: scheduler.ScheduleTargetInput.fromObject({ projection }),
          retryAttempts: 3,
          maxEventAge: Duration.hours(1),
        }),
      });
    });

    // Scheduler invokes the function asynchronously: a rebuild that fails (Neptune slow to start)
    // is retried by Lambda, then lands in the rebuild function's on-failure queue, whose alarm tells.
    new lambda.EventInvokeConfig(this, 'RebuildAsyncInvocations', {
      function: props.rebuildFunction,
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new destinations.SqsDestination(props.rebuildFailureQueue),
    });

    for (const schedule of [this.stop, this.start, ...this.rebuilds]) {
      (schedule.node.defaultChild as scheduler.CfnSchedule).state = this.parameter.valueAsString;
      // The group is named, not referenced: without this CloudFormation may create a schedule first.
      schedule.node.addDependency(this.group);
    }
  }
}

/** The hours must make a day: a start before the stop, and every rebuild before the stop. */
function checkHours(hours: OffHoursConfig): void {
  const hour = (h: number) => Number.isInteger(h) && h >= 0 && h <= 23;
  if (!hour(hours.startHour) || !hour(hours.stopHour) || hours.startHour >= hours.stopHour) {
    throw new Error(`neptune.offHours: startHour (${hours.startHour}) and stopHour (${hours.stopHour}) must be hours 0-23 with the start first`);
  }
  const lastRebuild = hours.startHour * 60 + hours.rebuildAfterMinutes + (PROJECTION_NAMES.length - 1) * REBUILD_SPACING_MINUTES;
  if (!Number.isInteger(hours.rebuildAfterMinutes) || hours.rebuildAfterMinutes < 10 || lastRebuild >= hours.stopHour * 60) {
    throw new Error(`neptune.offHours: rebuildAfterMinutes (${hours.rebuildAfterMinutes}) must be 10 or more and leave the rebuilds before the stop`);
  }
}

/** Hours a month the cluster runs under these hours (a month of 730 hours, 365/12/7 weeks). */
export function runningHoursPerMonth(hours: OffHoursConfig): number {
  const days = workDayCount(hours.workDays);
  return ((hours.stopHour - hours.startHour) * days * 365) / 12 / 7;
}

function workDayCount(field: string): number {
  const names = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
  const days = new Set<number>();
  for (const part of field.toUpperCase().split(',')) {
    const [from, to] = part.split('-').map((d) => names.indexOf(d.trim()));
    if (from === undefined || from < 0 || (to !== undefined && to < 0)) throw new Error(`neptune.offHours.workDays: "${field}" is not a list or range of day names (MON-FRI)`);
    for (let d = from; d !== (to ?? from) + 1; d = (d + 1) % 7) days.add(d);
  }
  return days.size;
}
