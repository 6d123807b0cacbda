import { CfnCondition, CfnParameter, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /**
   * Who gets the alarms by email. A literal address subscribes it; an empty string subscribes no one.
   * Leave it undefined to let the deployer choose: the stack then gets the CloudFormation parameter
   * `AlarmEmail` (default empty: no subscription), set with `--parameters AlarmEmail=you@example.com`.
   * The address receives a confirmation mail from SNS and gets nothing until the link in it is followed.
   */
  readonly alarmEmail?: string;
  /**
   * Encrypts the topic. CloudWatch cannot publish to a topic under the AWS-managed `aws/sns` key, so
   * this is a customer-managed key; one is created (with rotation) when none is given. The key policy
   * lets CloudWatch use it.
   */
  readonly key?: kms.IKey;
}

/**
 * The SNS topic every alarm notifies: encrypted with a customer-managed KMS key, publishing only over
 * TLS, and open to CloudWatch alarms of this account only.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.IKey;
  /** The `AlarmEmail` parameter when the address is chosen at deploy time. */
  readonly emailParameter?: CfnParameter;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    const key =
      props.key ??
      new kms.Key(this, 'Key', {
        description: 'Encrypts the Bookstore alarm topic',
        enableKeyRotation: true,
        // It protects notifications in flight and nothing at rest that outlives the topic, so it goes
        // with the stack (after KMS's waiting period) instead of billing $1 a month forever.
        removalPolicy: RemovalPolicy.DESTROY,
      });
    this.key = key;
    // CloudWatch publishes alarm notifications under its own service principal: without these two
    // rights on the key, notifications to an encrypted topic are silently dropped.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        // A key policy is attached to its key: "*" means this key and nothing else.
        resources: ['*'],
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Bookstore alarms',
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );

    let email = props.alarmEmail;
    if (email === undefined) {
      this.emailParameter = new CfnParameter(stack, 'AlarmEmail', {
        type: 'String',
        default: '',
        description: 'Email address that receives the alarms (confirm the mail SNS sends). Empty: no subscription.',
        allowedPattern: '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
        constraintDescription: 'an email address, or empty for no subscription',
      });
      email = this.emailParameter.valueAsString;
    }
    if (Token.isUnresolved(email)) {
      const subscription = new sns.Subscription(this, 'Email', {
        topic: this.topic,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: email,
      });
      const hasEmail = new CfnCondition(this, 'HasEmail', {
        expression: Fn.conditionNot(Fn.conditionEquals(email, '')),
      });
      (subscription.node.defaultChild as sns.CfnSubscription).cfnOptions.condition = hasEmail;
    } else if (email !== '') {
      new sns.Subscription(this, 'Email', { topic: this.topic, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: email });
    }
  }
}
