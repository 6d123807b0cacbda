import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ApiConfig } from '../config.js';
import { retentionDays } from '../retention.js';

export interface HttpApiProps {
  /** The HTTP function: every request goes to it (the app routes, authenticates and authorizes). */
  function: lambda.IFunction;
  config: ApiConfig;
  logsKey: kms.IKey;
  keepLogsOnDelete: boolean;
}

/** One JSON object per request, with the fields an operator filters on (CloudWatch Logs Insights). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  userAgent: '$context.identity.userAgent',
};

/**
 * The public API: an HTTP API (cheaper and faster than a REST API) whose `$default` route hands
 * every request to the HTTP function as a payload 2.0 proxy event, on the `$default` stage (a named
 * stage would put its name in every path, which the handler does not strip). The stage throttles
 * and writes JSON access logs to an encrypted log group with a retention.
 */
export class HttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** `<api id>.execute-api.<region>.<suffix>`: the origin CloudFront forwards API paths to. */
  readonly domainName: string;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: `${stack.stackName}: the storefront's API (one $default route to the HTTP function)`,
      defaultIntegration: new HttpLambdaIntegration('HttpFunction', props.function, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      }),
      // The stage below replaces the default one: it needs throttling and access logs.
      createDefaultStage: false,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: retentionDays(props.config.accessLogRetentionDays),
      encryptionKey: props.logsKey,
      removalPolicy: props.keepLogsOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.config.throttleRatePerSecond, burstLimit: props.config.throttleBurst },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    this.domainName = `${this.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The app authenticates and authorizes every route itself (Cognito tokens checked in the handler, public routes by design).',
    });
  }
}
