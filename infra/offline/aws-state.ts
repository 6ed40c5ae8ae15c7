/**
 * What the mocks answer for AWS resources: the inputs back, plus the outputs the program reads
 * (ARNs, URLs, versions) shaped like the real ones, so that policies and outputs can be checked.
 */
import type { MockState } from './mock-state';

export const awsAccountId = '123456789012';

export function awsState(type: string, name: string, inputs: Record<string, unknown>, region: string): MockState {
  const physical = String(inputs.name ?? inputs.bucket ?? name);
  const [, module = ''] = /^aws:([a-z0-9]+)\//.exec(type) ?? [];
  const state: Record<string, unknown> = { ...inputs, name: inputs.name ?? physical, arn: `arn:aws:${module}:${region}:${awsAccountId}:${physical}`, region };
  switch (type) {
    case 'aws:s3/bucket:Bucket':
      return { id: physical, state: { ...state, bucket: physical, arn: `arn:aws:s3:::${physical}` } };
    case 'aws:sqs/queue:Queue':
      return { id: physical, state: { ...state, url: `https://sqs.${region}.amazonaws.com/${awsAccountId}/${physical}` } };
    case 'aws:lambda/function:Function': {
      const arn = `arn:aws:lambda:${region}:${awsAccountId}:function:${physical}`;
      return { id: physical, state: { ...state, arn, version: '1', invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations` } };
    }
    case 'aws:lambda/alias:Alias':
      return { id: physical, state: { ...state, arn: `arn:aws:lambda:${region}:${awsAccountId}:function:${String(inputs.functionName)}:${physical}` } };
    case 'aws:iam/role:Role':
      return { id: physical, state: { ...state, arn: `arn:aws:iam::${awsAccountId}:role/${physical}` } };
    case 'aws:cloudwatch/logGroup:LogGroup':
      return { id: physical, state: { ...state, arn: `arn:aws:logs:${region}:${awsAccountId}:log-group:${physical}` } };
    case 'aws:dynamodb/table:Table':
      return { id: physical, state: { ...state, arn: `arn:aws:dynamodb:${region}:${awsAccountId}:table/${physical}` } };
    case 'aws:sns/topic:Topic':
      return { id: physical, state: { ...state, arn: `arn:aws:sns:${region}:${awsAccountId}:${physical}` } };
    case 'aws:apigatewayv2/api:Api': {
      const id = `api-${physical}`;
      return { id, state: { ...state, apiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com`, executionArn: `arn:aws:execute-api:${region}:${awsAccountId}:${id}` } };
    }
    case 'aws:apigatewayv2/stage:Stage':
      return { id: `${name}-id`, state: { ...state, invokeUrl: `https://${String(inputs.apiId)}.execute-api.${region}.amazonaws.com/` } };
    default:
      return { id: `${name}-id`, state };
  }
}

/** Provider functions the AWS program calls, by token. */
export function awsCall(token: string, region: string): Record<string, unknown> | undefined {
  if (token === 'aws:index/getCallerIdentity:getCallerIdentity') {
    return { accountId: awsAccountId, arn: `arn:aws:iam::${awsAccountId}:user/offline`, userId: 'offline', id: awsAccountId };
  }
  if (token === 'aws:index/getRegion:getRegion') return { name: region, region, id: region };
  return undefined;
}
