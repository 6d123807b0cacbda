import { Fn, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Compute } from './compute/compute.js';
import type { BookstoreConfig } from './config.js';
import type { DataContracts } from './contracts.js';
import { Monitoring } from './monitoring/monitoring.js';
import { monitoringProps } from './monitoring/wiring.js';
import { Network } from './network.js';
import { OffHours } from './off-hours.js';
import { Cache } from './stores/cache.js';
import { Graph } from './stores/graph.js';
import { Identity } from './stores/identity.js';
import { Search } from './stores/search.js';
import { Tables } from './stores/tables.js';

export interface BookstoreStackProps extends StackProps {
  config: BookstoreConfig;
}

/**
 * One deployment of the store. Environment-agnostic on purpose: no account or region, no context
 * lookups, so `cdk synth` needs no credentials and the same template deploys anywhere.
 */
export class BookstoreStack extends Stack {
  readonly config: BookstoreConfig;
  readonly network: Network;
  readonly tables: Tables;
  readonly search: Search;
  readonly cache: Cache;
  readonly graph: Graph;
  readonly identity: Identity;
  /** What compute and monitoring build on. */
  readonly data: DataContracts;
  readonly compute: Compute;
  readonly monitoring: Monitoring;
  /** dev: the graph's office hours (undefined where the config has none). */
  readonly offHours?: OffHours;

  constructor(scope: Construct, id: string, props: BookstoreStackProps) {
    const { config } = props;
    super(scope, id, {
      description: `Bookstore storefront (${config.name}): API Gateway + Lambda on DynamoDB, OpenSearch, ElastiCache, Neptune and Cognito`,
      terminationProtection: config.keepDataOnDelete,
      ...props,
      stackName: config.stackName,
    });
    this.config = config;
    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);

    this.network = new Network(this, 'Network', { config });
    this.tables = new Tables(this, 'Tables', { config });
    this.search = new Search(this, 'Search', { config, network: this.network });
    this.cache = new Cache(this, 'Cache', { config, network: this.network });
    this.graph = new Graph(this, 'Graph', { config, network: this.network });
    this.identity = new Identity(this, 'Identity', { config });
    this.data = {
      keys: this.network,
      network: this.network,
      tables: this.tables,
      search: this.search,
      cache: this.cache,
      graph: this.graph,
      identity: this.identity,
    };
    this.compute = new Compute(this, 'Compute', { config, data: this.data });
    // No e-mail in the config: the alarm topic's subscription comes from the AlarmEmail parameter.
    // The alarm topic is encrypted with the logs key: a key of its own would cost $1 a month and guard
    // nothing more (both protect operational data of this stack, read by CloudWatch's own services).
    this.monitoring = new Monitoring(this, 'Monitoring', monitoringProps(config, this.data, this.compute, { topicKey: this.data.keys.logsKey }));
    if (config.neptune.offHours) {
      this.offHours = new OffHours(this, 'OffHours', {
        hours: config.neptune.offHours,
        clusterIdentifier: this.graph.clusterIdentifier,
        rebuildFunction: this.compute.rebuildFunction,
        rebuildFailureQueue: this.compute.rebuildFailureQueue,
        resourcePrefix: config.resourcePrefix,
      });
    }
  }

  /**
   * An environment-agnostic stack gets two AZs from CDK (`Fn::Select` 0 and 1 of `Fn::GetAZs`).
   * The config may ask for three: the same tokens, one more index, resolved by CloudFormation in
   * the region of the deployment (which must have that many AZs).
   */
  override get availabilityZones(): string[] {
    const count = this.config?.network.azCount ?? 2;
    const named = this.config?.network.availabilityZones;
    if (named) {
      if (named.length !== count) throw new Error(`config ${this.config.name}: availabilityZones names ${named.length} AZs, azCount is ${count}`);
      return named;
    }
    return Array.from({ length: count }, (_, i) => Fn.select(i, Fn.getAzs()));
  }
}
