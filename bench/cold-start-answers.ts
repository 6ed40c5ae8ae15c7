/**
 * The first invocations the cold-start benchmark can make against a real peer here: the AWS
 * users package asks DynamoDB Local for a user (a real GetItem round trip, answered 404), built
 * from the real API Gateway v2 payload in ../shared/fixtures. The SDK finds the emulator through
 * its own AWS_ENDPOINT_URL_DYNAMODB variable, exactly as it would find a VPC endpoint.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { join } from 'node:path';
import { awsEnvironment } from '../adapters/aws/environment';
import { usersTableDefinition } from '../adapters/aws/tables';
import { dynamoDbLocalDir, javaAvailable } from '../test/support/aws-dynamodb-local';
import { eventFixture } from '../test/support/fixtures';
import { freePort, startProcess } from '../test/support/processes';

export interface FirstAnswer {
  /** What the call does, for the table. */
  what: string;
  call: { export: string; event: unknown; context: unknown };
  env: Record<string, string>;
}

export interface FirstAnswers {
  /** By package name (dist-relative, e.g. `aws/users`). */
  calls: Record<string, FirstAnswer>;
  /** Why a package has no first answer here. */
  missing: Record<string, string>;
  stop(): Promise<void>;
}

const lambdaContext = { awsRequestId: 'bench-cold-start', functionName: 'users', getRemainingTimeInMillis: () => 10_000 };

function getUserEvent(id: string): unknown {
  const event = eventFixture<Record<string, unknown> & { requestContext: Record<string, unknown> & { http: Record<string, unknown> } }>('aws', 'apigw-v2-get-with-stage.json');
  const path = `/users/${id}`;
  return {
    ...event,
    routeKey: 'GET /users/{id}',
    rawPath: path,
    pathParameters: { id },
    requestContext: { ...event.requestContext, stage: '$default', routeKey: 'GET /users/{id}', http: { ...event.requestContext.http, method: 'GET', path } },
  };
}

export async function firstAnswers(): Promise<FirstAnswers> {
  const missing: Record<string, string> = {
    'aws/orders': 'needs DynamoDB, SQS and SNS peers at once; not wired in this benchmark',
    'aws/images': 'needs an S3 peer with the object; not wired in this benchmark',
  };
  if (!javaAvailable()) return { calls: {}, missing: { ...missing, 'aws/users': 'java is not installed (DynamoDB Local)' }, stop: async () => {} };
  const dir = dynamoDbLocalDir();
  const port = await freePort();
  const proc = await startProcess('java', [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-inMemory', '-disableTelemetry', '-port', String(port)], port, { cwd: dir });
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials });
  await client.send(new CreateTableCommand({ TableName: 'users-cold', ...structuredClone(usersTableDefinition) } as never));
  client.destroy();
  return {
    calls: {
      'aws/users': {
        what: 'GET /users/{id} (API Gateway v2) -> DynamoDB Local GetItem, 404',
        call: { export: 'handler', event: getUserEvent('no-such-user'), context: lambdaContext },
        env: {
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_ENDPOINT_URL_DYNAMODB: endpoint,
          [awsEnvironment.users.usersTable]: 'users-cold',
        },
      },
    },
    missing,
    stop: () => proc.stop(),
  };
}
