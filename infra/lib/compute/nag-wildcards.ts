import { Validations, type CfnResource } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { rules } from 'cdk-nag';

/**
 * Acknowledges AwsSolutions-IAM5 finding by finding (cdk-nag 3 hides a finding only by its full id,
 * `AwsSolutions-IAM5[Resource::…]`), each with the reason `reasonFor` gives. A finding it has no
 * reason for stays, so a new wildcard fails the cdk-nag test instead of slipping through. Call it
 * after every grant to the role has been made.
 */
export function acknowledgeWildcards(role: iam.IRole, reasonFor: (finding: string) => string | undefined): void {
  const policy = role.node.tryFindChild('DefaultPolicy');
  const cfn = policy?.node.defaultChild as CfnResource | undefined;
  if (!policy || !cfn) return;
  const findings = rules.iam.IAMNoWildcardPermissions(cfn);
  if (!Array.isArray(findings)) return;
  for (const finding of findings) {
    const reason = reasonFor(finding);
    if (reason) Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}
