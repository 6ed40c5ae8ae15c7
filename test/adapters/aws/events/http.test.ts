import { expect } from 'chai';
import { httpRequest, httpResult, type ApiGatewayEvent, type ApiGatewayV1Event, type ApiGatewayV2Event } from '../../../../adapters/aws/events/http';
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

  it('2.0: a named stage is removed from the path; no body, no query', () => {
    expect(httpRequest(load('apigw-v2-get-with-stage.json'))).to.deep.equal({
      method: 'GET',
      path: '/api/values',
      query: {},
      headers: {
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.9',
        'accept-encoding': 'gzip, deflate, br',
        'accept-language': 'en-US,en;q=0.9',
        'content-length': '0',
        host: 'uzdrcy3wk7.execute-api.us-east-1.amazonaws.com',
        'sec-fetch-dest': 'document',
        'sec-fetch-mode': 'navigate',
        'sec-fetch-site': 'none',
        'sec-fetch-user': '?1',
        'upgrade-insecure-requests': '1',
        'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/80.0.3987.149 Safari/537.36',
        'x-amzn-trace-id': 'Root=1-5e7a92f2-ed7b22347fb622aa497a1f08',
        'x-forwarded-for': '192.182.149.40',
        'x-forwarded-port': '443',
        'x-forwarded-proto': 'https',
      },
      requestId: 'J6vl3iNWoAMESOw=',
    });
  });

  it('2.0: a base64 body (function URL) is decoded to its bytes; an IAM authorizer gives no claims', () => {
    const request = httpRequest(load('lambda-function-url-v2-post-base64-body.json'));
    expect(withoutBody(request)).to.deep.equal({
      method: 'POST',
      path: '/',
      query: {},
      headers: {
        accept: '*/*',
        'accept-encoding': 'gzip, deflate',
        'content-length': '6',
        'content-type': 'idk',
        host: 'lambda-url-id.lambda-url.us-west-2.on.aws',
        'user-agent': 'python-requests/2.28.2',
        'x-amz-content-sha256': '0ab2082273499eaa495f2196e32d8c794745e58a20a0c93182c59d2165432839',
        'x-amz-date': '20230418T170147Z',
        'x-amz-security-token': 'security-token',
        'x-amzn-tls-cipher-suite': 'ECDHE-RSA-AES128-GCM-SHA256',
        'x-amzn-tls-version': 'TLSv1.2',
        'x-amzn-trace-id': 'Root=1-643eccfb-7fdecb844a12b4b45645132d',
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-port': '443',
        'x-forwarded-proto': 'https',
      },
      requestId: '9701a3d4-36ad-40bd-bf0b-a525c987d27f',
    });
    expect(request.body).to.deep.equal(new Uint8Array(Buffer.from('<idk/>')));
  });

  it('2.0: a PUT body and its content type come through byte for byte', () => {
    const request = httpRequest(load('apigw-v2-put-json-body.json'));
    expect(withoutBody(request)).to.deep.equal({
      method: 'PUT',
      path: '/api/bodytests',
      query: {},
      headers: {
        accept: '*/*',
        'accept-encoding': 'gzip, deflate',
        'cache-control': 'no-cache',
        'content-length': '41',
        'content-type': 'application/json',
        contentlength: '45',
        host: 'uo9pe23ec6.execute-api.us-east-1.amazonaws.com',
        'postman-token': '18165e8d-ecd0-4e4c-8fd2-4963a0af62d1',
        'user-agent': 'PostmanRuntime/7.20.1',
        'x-amzn-trace-id': 'Root=1-5e7ae61f-bb13a2d967a67dd51b8aca50',
        'x-forwarded-for': '192.182.149.40',
        'x-forwarded-port': '443',
        'x-forwarded-proto': 'https',
      },
      requestId: 'J7jk9g-7oAMEJGw=',
    });
    expect(text(request)).to.equal('{"firstName":"Smith","lastName": "Agent"}');
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

  it('1.0: multi-value headers lower-cased, null query maps empty, body kept byte for byte', () => {
    const request = httpRequest(load('apigw-v1-post-json-body.json'));
    expect(withoutBody(request)).to.deep.equal({
      method: 'POST',
      path: '/test-post-complex',
      query: {},
      headers: {
        accept: '*/*',
        'accept-encoding': 'gzip, deflate, br',
        'cloudfront-forwarded-proto': 'https',
        'cloudfront-is-desktop-viewer': 'true',
        'cloudfront-is-mobile-viewer': 'false',
        'cloudfront-is-smarttv-viewer': 'false',
        'cloudfront-is-tablet-viewer': 'false',
        'cloudfront-viewer-country': 'US',
        'content-type': 'application/json',
        host: 'ttrvuhs0tf.execute-api.us-west-2.amazonaws.com',
        'postman-token': 'cd27ded3-67a6-4d10-8deb-c3767b0f4e12',
        'user-agent': 'PostmanRuntime/7.28.4',
        via: '1.1 34f8ef0e4c880df0650a814412a26ea6.cloudfront.net (CloudFront)',
        'x-amz-cf-id': '_5JSGn-BbiG9tyOsheuRSYUdQ5RZht0hu_-CcM7or8fBFv8J_rc_Ug==',
        'x-amzn-trace-id': 'Root=1-622701c5-7656138c73e95d8d237e44d7',
        'x-forwarded-for': '50.35.66.233, 64.252.140.140',
        'x-forwarded-port': '443',
        'x-forwarded-proto': 'https',
      },
      requestId: '93432dd3-85b0-45c7-88ce-742b5d2b0550',
    });
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

describe('aws events: the path is percent-decoded exactly once', () => {
  const v2 = load('apigw-v2-post-real-capture.json') as ApiGatewayV2Event;
  const http2 = (rawPath: string): ApiGatewayEvent => ({ ...v2, rawPath, requestContext: { ...v2.requestContext, http: { ...v2.requestContext.http, path: rawPath } } });
  const functionUrl = (rawPath: string): ApiGatewayEvent => {
    const e = load('lambda-function-url-v2-post-base64-body.json') as ApiGatewayV2Event;
    return { ...e, rawPath, requestContext: { ...e.requestContext, http: { ...e.requestContext.http, path: rawPath } } };
  };
  const rest = (path: string): ApiGatewayEvent => ({ ...(load('apigw-v1-post-json-body.json') as ApiGatewayV1Event), path });
  const http1 = (path: string): ApiGatewayEvent => ({ ...(load('apigw-v1-post-json-body.json') as ApiGatewayV1Event), version: '1.0', path });

  it('HTTP API 2.0: rawPath arrives decoded (id "a b" requested as a%20b) and is taken as is', () => {
    expect(httpRequest(http2('/users/a b')).path).to.equal('/users/a b');
  });

  it('HTTP API 2.0: an id whose text is "a%41" (requested as a%2541) is not decoded a second time', () => {
    expect(httpRequest(http2('/users/a%41')).path).to.equal('/users/a%41');
    expect(httpRequest(http2('/users/100%')).path).to.equal('/users/100%');
  });

  it('HTTP API 1.0 (version "1.0"): path arrives decoded and is taken as is', () => {
    expect(httpRequest(http1('/users/a b')).path).to.equal('/users/a b');
    expect(httpRequest(http1('/users/a%41')).path).to.equal('/users/a%41');
  });

  it('REST API (1.0, no version): path arrives encoded and is decoded once', () => {
    expect(httpRequest(rest('/users/a%20b')).path).to.equal('/users/a b');
    expect(httpRequest(rest('/users/a%2541')).path).to.equal('/users/a%41');
    // %2F decodes to "/", so the core sees /users/a/b: an id with a slash is not routable (404).
    expect(httpRequest(rest('/users/a%2Fb')).path).to.equal('/users/a/b');
    // Not valid percent-encoding: kept as sent rather than failing the request.
    expect(httpRequest(rest('/users/100%')).path).to.equal('/users/100%');
  });

  it('function URL (2.0 shape): rawPath arrives encoded and is decoded once', () => {
    expect(httpRequest(functionUrl('/users/a%20b')).path).to.equal('/users/a b');
    expect(httpRequest(functionUrl('/users/a%2541')).path).to.equal('/users/a%41');
  });
});

describe('aws events: null entries in 1.0 maps', () => {
  it('skips null values and null list entries instead of crashing', () => {
    const event = {
      ...load('apigw-v1-get-proxy-path-param.json'),
      headers: { Accept: 'text/html', 'X-Null': null, Host: 'h' },
      multiValueHeaders: { Accept: [null, 'text/html'], 'X-Null': null, 'X-Empty': [null], Cookie: ['a=1', null, 'b=2'] },
      queryStringParameters: { limit: null, cursor: 'c1' },
      multiValueQueryStringParameters: { limit: [null, '5'], cursor: null, other: [null] },
    } as unknown as ApiGatewayEvent;
    expect(httpRequest(event)).to.deep.equal({
      method: 'GET',
      path: '/api/resourcepath/5',
      query: { limit: '5', cursor: 'c1' },
      headers: { accept: 'text/html', cookie: 'a=1; b=2', host: 'h' },
      requestId: 'test-invoke-request',
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

  it('an answer to HEAD carries no body in either format, whatever the core left in it', () => {
    const v2 = load('apigw-v2-put-json-body.json') as ApiGatewayV2Event;
    const headV2 = { ...v2, requestContext: { ...v2.requestContext, http: { ...v2.requestContext.http, method: 'HEAD' } } };
    const headV1 = { ...(load('apigw-v1-post-json-body.json') as ApiGatewayV1Event), httpMethod: 'HEAD' };
    const ok = { status: 200, headers: { etag: '"3"', 'content-type': 'application/json' }, body: '{"user_id":"u"}' };
    expect(httpResult(headV2, ok)).to.deep.equal({ statusCode: 200, headers: ok.headers, isBase64Encoded: false });
    expect(httpResult(headV1, ok)).to.deep.equal({ statusCode: 200, headers: ok.headers, body: '', isBase64Encoded: false });
  });

  it('a 204 carries no body in either format', () => {
    const noContent = { status: 204, headers: {}, body: 'ignored' };
    expect(httpResult(load('apigw-v2-put-json-body.json'), noContent)).to.deep.equal({ statusCode: 204, headers: {}, isBase64Encoded: false });
    expect(httpResult(load('apigw-v1-post-json-body.json'), noContent)).to.deep.equal({ statusCode: 204, headers: {}, body: '', isBase64Encoded: false });
  });
});
