import { expect } from 'chai';
import { imageTargets } from '../../bench/image-pipeline';
import { meets, renderTargets, verdict, type TargetCheck } from '../../bench/targets';

describe('bench targets: verdicts and the summary', () => {
  it('checks an upper and a lower bound, the bound itself included, and calls NaN not measured', () => {
    expect(meets(30, 30, 'max')).to.equal(true);
    expect(meets(30.1, 30, 'max')).to.equal(false);
    expect(meets(0.98, 0.98, 'min')).to.equal(true);
    expect(meets(0.979, 0.98, 'min')).to.equal(false);
    expect(meets(NaN, 30, 'max')).to.equal(undefined);
    expect([true, false, undefined].map(verdict)).to.deep.equal(['met', 'MISSED', 'not measured']);
  });

  it('tables every check and explains each miss with what would close it, not the ones met', () => {
    const checks: TargetCheck[] = [
      { target: 'init <= bare + 30 ms', subject: 'aws/users', measured: '+131 ms', met: false, why: 'the SDK', close: 'drop it' },
      { target: 'bundle <= 700 KB', subject: 'aws/users', measured: '386 KB', met: true, why: 'never shown' },
      { target: '24 MP within 512 MB', subject: 'images', measured: '-', met: undefined, why: 'Pillow missing' },
    ];
    const text = renderTargets(checks);
    expect(text).to.match(/^1 met, 1 missed, 1 not measured\./);
    expect(text).to.include('| init <= bare + 30 ms | aws/users | +131 ms | MISSED |');
    expect(text).to.include('| bundle <= 700 KB | aws/users | 386 KB | met |');
    expect(text).to.include('- **init <= bare + 30 ms, aws/users** (MISSED): the SDK *What would close it:* drop it');
    expect(text).to.include('- **24 MP within 512 MB, images** (not measured): Pillow missing');
    expect(text).to.not.include('never shown');
  });

  it('says so when nothing was measured', () => {
    expect(renderTargets([])).to.equal('No target was measured on this run.');
  });
});

describe('bench targets: the image pipeline', () => {
  const base = {
    workers: 2,
    equalQuality: 86,
    equalSpeedups: [1.6, 1.7, 1.55, 1.65],
    equalSizeRatios: [1.02, 1.02, 1.03, 1.04],
    equalRate: 20,
    pillowRate: 10,
    equalSsims: [0.985, 0.99],
    pillowLargeSsims: [0.9735],
    qualityFigures: [
      { quality: 85, ssim: 0.975, sizeRatio: 0.98 },
      { quality: 90, ssim: 0.981, sizeRatio: 1.25 },
    ],
    variantSpeedups: new Map<string, number[]>(),
    unequalVariants: new Set<string>(),
    encodeShare: 0.09,
    wrongLooking: [] as string[],
    checkedImages: 18,
    peaks24: [90 * 1024 * 1024],
  };
  const verdicts = (f: typeof base) => imageTargets(f).map((c) => `${c.target} / ${c.subject}: ${verdict(c.met)}`);

  it('meets every target when the figures do', () => {
    expect(verdicts(base).every((v) => v.endsWith(': met'))).to.equal(true);
  });

  it('misses the speed target when the output is not within 5% of Pillow’s size, however fast', () => {
    const v = verdicts({ ...base, equalSizeRatios: [1.02, 1.06, 1.03, 1.04] });
    expect(v.filter((x) => x.startsWith('>= 1.5x'))).to.deep.equal([
      '>= 1.5x Pillow at equal output size (within 5%) / 12/24 MP photos, one at a time: MISSED',
      '>= 1.5x Pillow at equal output size (within 5%) / 12/24 MP photos, 2 at a time: MISSED',
    ]);
  });

  it('explains an SSIM miss with the quality that would reach 0.98 and its size', () => {
    const ssim = imageTargets({ ...base, equalSsims: [0.9751, 0.9766] }).find((c) => c.target === 'SSIM >= 0.98')!;
    expect(ssim.met).to.equal(false);
    expect(ssim.why).to.include('0.9735').and.to.include('quality 90, writing 1.25x');
  });

  it('misses orientation and colour when any output looks wrong, and memory above 512 MiB', () => {
    const v = verdicts({ ...base, wrongLooking: ['a.jpg: written as cmyk'], peaks24: [513 * 1024 * 1024] });
    expect(v).to.include('correct orientation and colour / every fixture and photo (18: EXIF orientations 1-8, CMYK, grey, palette and alpha PNGs, 12/24 MP): MISSED');
    expect(v).to.include('24 MP JPEG within 512 MB / the images function core on the 24 MP photos (fresh process): MISSED');
  });
});
