import * as logs from 'aws-cdk-lib/aws-logs';

/** The `RetentionDays` member for a number of days from the config; refuses a value CloudWatch Logs does not offer. */
export function retentionDays(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) throw new Error(`log retention of ${days} days is not one CloudWatch Logs offers (${allowed.join(', ')})`);
  return days as logs.RetentionDays;
}
