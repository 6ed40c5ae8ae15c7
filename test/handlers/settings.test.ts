import { expect } from 'chai';
import { readSettings, SettingsError, settingName, validateSettings } from '../../handlers/settings';
import { imagesSpec, usersSpec } from '../../handlers/specs';

describe('settings', () => {
  it('names each setting <FUNCTION>_<SCREAMING_SNAKE>', () => {
    expect(settingName('images', 'maxPixels')).to.equal('IMAGES_MAX_PIXELS');
    expect(settingName('users', 'jwtIssuer')).to.equal('USERS_JWT_ISSUER');
  });

  it('keeps the defaults when nothing is set', () => {
    expect(readSettings(imagesSpec, {})).to.deep.equal(imagesSpec.settings);
  });

  it('overrides numbers, lists and optional strings from the map', () => {
    const s = readSettings(usersSpec, {
      USERS_MAX_PAGE_SIZE: '50',
      USERS_CORS_ORIGINS: 'https://a.example, https://b.example',
      USERS_JWT_ISSUER: 'https://issuer.example',
    });
    expect(s.maxPageSize).to.equal(50);
    expect(s.corsOrigins).to.deep.equal(['https://a.example', 'https://b.example']);
    expect(s.jwtIssuer).to.equal('https://issuer.example');
    expect(s.defaultPageSize).to.equal(20);
  });

  it('refuses a malformed number, naming the variable', () => {
    expect(() => readSettings(imagesSpec, { IMAGES_MAX_PIXELS: 'lots' })).to.throw(/IMAGES_MAX_PIXELS/);
  });
});

describe('settings: refused at start when they can only fail later (issue 19, defect 9)', () => {
  const refusals: [Record<string, string>, RegExp][] = [
    [{ IMAGES_JPEG_QUALITY: '0' }, /IMAGES_JPEG_QUALITY="0" is not allowed: an integer from 1 to 100/],
    [{ IMAGES_JPEG_QUALITY: '85.5' }, /IMAGES_JPEG_QUALITY="85.5" is not allowed: an integer from 1 to 100/],
    [{ ORDERS_MAX_DELIVERIES: '0' }, /ORDERS_MAX_DELIVERIES="0" is not allowed: an integer from 1 to 1000/],
    [{ ORDERS_MAX_DISTINCT_PRODUCTS: '26' }, /ORDERS_MAX_DISTINCT_PRODUCTS="26" is not allowed: an integer from 1 to 25/],
    [{ USERS_JWT_ISSUER: 'https://issuer.example' }, /USERS_JWT_ISSUER="https:\/\/issuer.example" needs USERS_JWT_AUDIENCE/],
    [{ USERS_JWT_AUDIENCE: 'users-api' }, /USERS_JWT_AUDIENCE="users-api" is set but USERS_JWT_ISSUER is not/],
    [{ USERS_JWT_ISSUER: 'http://issuer.example', USERS_JWT_AUDIENCE: 'a' }, /USERS_JWT_ISSUER="http:\/\/issuer.example" is not allowed: an https URL/],
    [{ USERS_CORS_ORIGINS: 'https://app.example/' }, /USERS_CORS_ORIGINS="https:\/\/app.example\/" is not allowed: a comma-separated list of origins/],
    [{ USERS_DEFAULT_PAGE_SIZE: '200', USERS_MAX_PAGE_SIZE: '100' }, /USERS_DEFAULT_PAGE_SIZE=200 is not allowed: at most USERS_MAX_PAGE_SIZE \(100\)/],
    [{ IMAGES_SUFFIXES: '.jpg,.gif' }, /IMAGES_SUFFIXES=".jpg,.gif" is not allowed: a comma-separated, non-empty list of .jpg, .jpeg, .png/],
    [{ IMAGES_OUTPUT_PREFIX: '/' }, /IMAGES_OUTPUT_PREFIX="\/" is not allowed/],
    [{ IMAGES_MAX_PIXELS: 'lots' }, /IMAGES_MAX_PIXELS="lots" is not allowed: an integer from 1 to/],
  ];
  for (const [env, message] of refusals) {
    it(`refuses ${JSON.stringify(env)}`, () => {
      expect(() => validateSettings(env)).to.throw(SettingsError, message);
    });
  }

  it('names every problem at once, and accepts the defaults and sound values', () => {
    let thrown: unknown;
    try {
      validateSettings({ IMAGES_JPEG_QUALITY: '0', ORDERS_MAX_DELIVERIES: '0', USERS_JWT_ISSUER: 'https://i.example' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).to.be.instanceOf(SettingsError);
    expect((thrown as SettingsError).problems).to.have.length(3);
    expect(validateSettings({}).images).to.deep.equal(imagesSpec.settings);
    const sound = validateSettings({
      IMAGES_JPEG_QUALITY: '70',
      ORDERS_MAX_DELIVERIES: '10',
      USERS_JWT_ISSUER: 'https://issuer.example',
      USERS_JWT_AUDIENCE: 'users-api',
      USERS_CORS_ORIGINS: 'https://app.example, http://localhost:5173',
      IMAGES_SUFFIXES: '.jpg,.png',
    });
    expect(sound.images.jpegQuality).to.equal(70);
    expect(sound.users.corsOrigins).to.deep.equal(['https://app.example', 'http://localhost:5173']);
  });
});
