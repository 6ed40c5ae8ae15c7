import { expect } from 'chai';
import { readSettings, settingName } from '../../handlers/settings';
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
