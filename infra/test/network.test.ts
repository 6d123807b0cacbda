import { describe, expect, it } from 'vitest';
import { CONFIGS, type ConfigName } from '../lib/config.js';
import { only, refId, resourcesOf, synthesized } from './support/synth.js';

const { templates } = synthesized();

function functionSecurityGroupId(name: ConfigName): string {
  const groups = resourcesOf(templates[name], 'AWS::EC2::SecurityGroup').filter(([, r]) =>
    String(r.Properties?.GroupDescription).startsWith('Bookstore functions'),
  );
  expect(groups).toHaveLength(1);
  return groups[0]![0];
}

describe.each(['dev', 'prod'] as const)('network (%s)', (name) => {
  const template = templates[name];
  const config = CONFIGS[name];

  it('spans the configured AZs with private isolated subnets only: no internet gateway, no NAT', () => {
    const subnets = resourcesOf(template, 'AWS::EC2::Subnet');
    expect(subnets).toHaveLength(config.network.azCount);
    const azIndexes = subnets.map(([, s]) => s.Properties!.AvailabilityZone['Fn::Select'][0]).sort();
    expect(azIndexes).toEqual([...Array(config.network.azCount).keys()]);
    for (const [, subnet] of subnets) expect(subnet.Properties!.MapPublicIpOnLaunch).toBe(false);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    for (const [, route] of resourcesOf(template, 'AWS::EC2::Route')) {
      expect(route.Properties!.GatewayId ?? route.Properties!.NatGatewayId).toBeUndefined();
    }
  });

  it('reaches DynamoDB and S3 through gateway endpoints and Cognito through a private-DNS interface endpoint, and nothing else (no `lambda` endpoint)', () => {
    const endpoints = resourcesOf(template, 'AWS::EC2::VPCEndpoint').map(([, e]) => e.Properties!);
    const gateways = endpoints.filter((e) => e.VpcEndpointType === 'Gateway');
    const interfaces = endpoints.filter((e) => e.VpcEndpointType === 'Interface');
    expect(gateways.map((e) => JSON.stringify(e.ServiceName)).sort()).toEqual([
      expect.stringContaining('.dynamodb'),
      expect.stringContaining('.s3'),
    ]);
    // Each interface endpoint bills per AZ-hour; rebuilds reach their function through the table's stream.
    expect(interfaces).toHaveLength(1);
    const cognito = interfaces[0]!;
    expect(JSON.stringify(cognito.ServiceName)).toMatch(/\.cognito-idp"\]\]\}$/);
    expect(cognito.PrivateDnsEnabled).toBe(true);
    expect(cognito.SubnetIds).toHaveLength(config.network.cognitoEndpointAzCount);
  });

  it('logs all traffic to an encrypted log group with a retention', () => {
    const [, flowLog] = only(template, 'AWS::EC2::FlowLog');
    expect(flowLog.Properties).toMatchObject({ TrafficType: 'ALL', ResourceType: 'VPC', LogDestinationType: 'cloud-watch-logs' });
    const group = template.findResources('AWS::Logs::LogGroup')[refId(flowLog.Properties!.LogGroupName)!];
    expect(group?.Properties).toMatchObject({ RetentionInDays: config.network.flowLogRetentionDays, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^NetworkLogsKey/), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('sets a retention on every log group', () => {
    const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(0);
    for (const [id, group] of groups) expect(group.Properties?.RetentionInDays, id).toBeGreaterThan(0);
  });

  it('admits into every security group only the functions group, each on its own port', () => {
    const functions = functionSecurityGroupId(name);
    const inline = resourcesOf(template, 'AWS::EC2::SecurityGroup').flatMap(([, g]) => g.Properties!.SecurityGroupIngress ?? []);
    expect(inline).toEqual([]);
    const rules = resourcesOf(template, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties!);
    const byGroup = new Map<string, string>();
    for (const rule of rules) {
      expect(rule.CidrIp).toBeUndefined();
      expect(rule.CidrIpv6).toBeUndefined();
      expect(refId(rule.SourceSecurityGroupId)).toBe(functions);
      expect(rule.IpProtocol).toBe('tcp');
      byGroup.set(refId(rule.GroupId)!, `${rule.FromPort}-${rule.ToPort}`);
    }
    const portOf = (description: string) => {
      const id = resourcesOf(template, 'AWS::EC2::SecurityGroup').find(([, g]) => String(g.Properties!.GroupDescription).startsWith(description))![0];
      return byGroup.get(id);
    };
    expect(portOf('OpenSearch')).toBe('443-443');
    expect(portOf('Valkey')).toBe('6379-6380');
    expect(portOf('Neptune')).toBe('8182-8182');
    expect(portOf('cognito-idp')).toBe('443-443');
    expect(byGroup.size).toBe(4);
  });

  it('lets the functions out only on HTTPS and to the data stores', () => {
    const functions = functionSecurityGroupId(name);
    const group = template.findResources('AWS::EC2::SecurityGroup')[functions]!;
    const anywhere = (group.Properties.SecurityGroupEgress ?? []) as Record<string, unknown>[];
    expect(anywhere).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    const egress = resourcesOf(template, 'AWS::EC2::SecurityGroupEgress').map(([, r]) => r.Properties!);
    for (const rule of egress) {
      expect(refId(rule.GroupId)).toBe(functions);
      expect(refId(rule.DestinationSecurityGroupId)).toBeDefined();
    }
  });
});
