import { expect } from 'chai';
import { httpRequest, httpResult, type ApiGatewayEvent } from '../../../../adapters/aws/events/http';
import type { HttpRequest } from '../../../../handlers/events';
import { eventFixture } from '../../../support/fixtures';

const load = (file: string) => eventFixture<ApiGatewayEvent>('aws', file);
const text = (request: HttpRequest) => (request.body ? Buffer.from(request.body).toString('utf8') : undefined);
const withoutBody = ({ body: _body, ...rest }: HttpRequest) => rest;

describe('aws events: API Gateway to HttpRequest', () => {
  it('2.0: first query value wins, cookies joined, verified JWT claims passed on', () => {
    const request = httpRequest(load('apigw-v2-post-json-body-path-param.json'));
    expect(withoutBody(request)).to.deep.equal({
      method: 'POST',
      path: '/my/path',
      query: { parameter1: 'value1', parameter2: 'value' },
      headers: { header1: 'value1', header2: 'value1,value2', cookie: 'cookie1; cookie2' },
      verifiedClaims: { claim1: 'value1', claim2: 'value2' },
      requestId: 'id',
    });
    expect(text(request)).to.equal('{"message": "hello world", "username": "tom"}');
  });

  it('2.0: an IAM authorizer gives no claims; a GET body is kept', () => {
    const request = httpRequest(load('apigw-v2-get-with-body-and-proxy-param.json'));
    expect(withoutBody(request)).to.deep.equal({
      method: 'GET',
      path: '/my/path',
      query: { parameter1: 'value1', parameter2: 'value' },
      headers: { header1: 'value1', header2: 'value2', cookie: 'cookie1; cookie2' },
      requestId: 'id',
    });
    expect(text(request)).to.equal('{\r\n\t"a": 1\r\n}');
  });

  it('2.0: a captured request without a body has none', () => {
    expect(httpRequest(load('apigw-v2-post-real-capture.json'))).to.deep.equal({
      method: 'POST',
      path: '/lambda',
      query: {},
      headers: {
        accept: '*/*',
        'accept-encoding': 'gzip, deflate',
        authorization: 'Bearer foo',
        'content-length': '0',
        host: 'lsw1ro4ipb.execute-api.eu-west-1.amazonaws.com',
        'user-agent': 'HTTPie/3.2.2',
        'x-amzn-trace-id': 'Root=1-66705bc7-2b4257df30cbee696ef2cf28',
        'x-forwarded-for': '15.248.3.126',
        'x-forwarded-port': '443',
        'x-forwarded-proto': 'https',
      },
      requestId: 'ZhNHJhhLjoEEPiw=',
    });
  });

  it('2.0: a named stage is removed from the path', () => {
    const request = httpRequest(load('apigw-v2-get-with-stage.json'));
    expect(request.path).to.equal('/api/values');
    expect(request.method).to.equal('GET');
    expect(request.body).to.equal(undefined);
    expect(request.headers['upgrade-insecure-requests']).to.equal('1');
  });

  it('2.0: a base64 body (function URL) is decoded to its bytes', () => {
    const request = httpRequest(load('lambda-function-url-v2-post-base64-body.json'));
    expect(text(request)).to.equal('<idk/>');
    expect(request.path).to.equal('/');
    expect(request.headers['content-type']).to.equal('idk');
  });

  it('2.0: a PUT body and its content type come through', () => {
    const request = httpRequest(load('apigw-v2-put-json-body.json'));
    expect([request.method, request.path, request.headers['content-type']]).to.deep.equal(['PUT', '/api/bodytests', 'application/json']);
    expect(JSON.parse(text(request)!)).to.deep.equal({ firstName: 'Smith', lastName: 'Agent' });
  });

  it('1.0: path without stage, null headers and queries become empty', () => {
    expect(httpRequest(load('apigw-v1-get-proxy-path-param.json'))).to.deep.equal({
      method: 'GET',
      path: '/api/resourcepath/5',
      query: {},
      headers: {},
      requestId: 'test-invoke-request',
    });
  });

  it('1.0: multi-value headers lower-cased, body kept byte for byte', () => {
    const request = httpRequest(load('apigw-v1-post-json-body.json'));
    expect(request.path).to.equal('/test-post-complex');
    expect(request.headers['content-type']).to.equal('application/json');
    expect(request.headers['x-forwarded-for']).to.equal('50.35.66.233, 64.252.140.140');
    expect(Object.keys(request.headers)).to.have.length(18);
    expect(text(request)).to.equal('{\r\n  "testString": "string"\r\n}');
  });

  it('1.0: repeated query names keep the first value; repeated cookies are joined with "; "', () => {
    const event = {
      ...load('apigw-v1-get-proxy-path-param.json'),
      multiValueQueryStringParameters: { limit: ['5', '9'] },
      queryStringParameters: { limit: '9' },
      multiValueHeaders: { Cookie: ['a=1', 'b=2'], Accept: ['text/html', 'application/json'] },
      requestContext: { requestId: 'r', authorizer: { claims: { sub: 'u1', admin: 'true' } } },
    } as ApiGatewayEvent;
    expect(httpRequest(event)).to.deep.equal({
      method: 'GET',
      path: '/api/resourcepath/5',
      query: { limit: '5' },
      headers: { cookie: 'a=1; b=2', accept: 'text/html, application/json' },
      verifiedClaims: { sub: 'u1', admin: 'true' },
      requestId: 'r',
    });
  });
});

describe('aws events: HttpResponse to API Gateway', () => {
  const response = { status: 201, headers: { 'content-type': 'application/json', etag: '"1"' }, cookies: ['a=1; Path=/', 'b=2'], body: '{"ok":true}' };

  it('2.0: cookies in their own field', () => {
    expect(httpResult(load('apigw-v2-put-json-body.json'), response)).to.deep.equal({
      statusCode: 201,
      headers: { 'content-type': 'application/json', etag: '"1"' },
      cookies: ['a=1; Path=/', 'b=2'],
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
  });

  it('1.0: several Set-Cookie values as a multi-value header', () => {
    expect(httpResult(load('apigw-v1-post-json-body.json'), response)).to.deep.equal({
      statusCode: 201,
      headers: { 'content-type': 'application/json', etag: '"1"' },
      multiValueHeaders: { 'set-cookie': ['a=1; Path=/', 'b=2'] },
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
  });

  it('a 204 carries no body in either format', () => {
    const noContent = { status: 204, headers: {}, body: 'ignored' };
    expect(httpResult(load('apigw-v2-put-json-body.json'), noContent)).to.deep.equal({ statusCode: 204, headers: {}, isBase64Encoded: false });
    expect(httpResult(load('apigw-v1-post-json-body.json'), noContent)).to.deep.equal({ statusCode: 204, headers: {}, body: '', isBase64Encoded: false });
  });
});
