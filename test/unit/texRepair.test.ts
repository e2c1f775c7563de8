import * as assert from 'node:assert/strict';
import { repairHfTex } from '../../src/render/texRepair';

/** [mangled input, repaired Markdown]: the default library's own cases first, then prose that must stay. */
const CASES: readonly (readonly [string, string])[] = [
  ['ratio of Lambda_rm MSR=1.11pm0.11, only', 'ratio of $\\Lambda_{\\rm MSR}=1.11\\pm 0.11$, only'],
  ['only above 1 by 1sigma, and', 'only above 1 by $1\\sigma$, and'],
  [
    'dispersion of 3.42 pm 0.10~km,s^{-1}, suggesting',
    'dispersion of $3.42\\pm 0.10$\u00a0$\\mathrm{km\\,s}^{-1}$, suggesting',
  ],
  ['more massive than 10~M_odot, which', 'more massive than 10\u00a0$M_\\odot$, which'],
  ['range of 1.00x201312.14~M_odot in', 'range of 1.00\u201312.14\u00a0$M_\\odot$ in'],
  ['named Li_2, that', 'named $\\mathrm{Li}_2$, that'],
  ['gradient G_F from', 'gradient $G_F$ from'],
  ['(I) \\textbf{L}azy learning', '(I) **L**azy learning'],
  ['spent on {\\emph compression} of', 'spent on *compression* of'],
  ['Lorenz and R\\"ossler systems', 'Lorenz and R\u00f6ssler systems'],
  ['Multi-marginal Schr\\"odinger Bridges', 'Multi-marginal Schr\u00f6dinger Bridges'],
  ['a few 10^{-6} yr^{-1}.', 'a few $10^{-6}$ $\\mathrm{yr}^{-1}$.'],
  ['reduction of 49.99\\% compared', 'reduction of 49.99% compared'],
  ['requiring only 1\\% of the', 'requiring only 1% of the'],
  ['up to 30times larger than', 'up to $30\\times$ larger than'],
  ["resemble 2D `rotations'; (ii)", 'resemble 2D \u2018rotations\u2019; (ii)'],
  ["the ``edge of chaos'' regime", 'the \u201cedge of chaos\u201d regime'],
  ['pages 12x201419 and x2212', 'pages 12\u201419 and x2212'],
  ['an error approx10 percent', 'an error $\\approx 10$ percent'],
  ['with noise sigma^2 and rate alpha_1', 'with noise $\\sigma^2$ and rate $\\alpha_1$'],
  ['the largest exponent lambda_{max} is', 'the largest exponent $\\lambda_{max}$ is'],
  ['Schr\\"odinger and Poincar\\\'e maps', 'Schr\u00f6dinger and Poincar\u00e9 maps'],
  ['from Sagittarius A* and R=-a*e^H+b', 'from Sagittarius A* and R=-a*e^H+b'],
  // Prose that looks like math to a careless rule.
  ['long learning times and', 'long learning times and'],
  ['the meeting at 5 pm today', 'the meeting at 5 pm today'],
  ['from 5 pm 6 days later', 'from 5 pm 6 days later'],
  ['a sigma-algebra on the set', 'a sigma-algebra on the set'],
  ['the learning_rate and max_len', 'the learning_rate and max_len'],
  ['three times faster', 'three times faster'],
  ['see Koopman_rm mode', 'see Koopman_rm mode'],
  ['a sigma field and the sigma of the noise', 'a sigma field and the sigma of the noise'],
  ['about 5 pm or 6 pm', 'about 5 pm or 6 pm'],
  ['ImageNet 32x32 images', 'ImageNet 32x32 images'],
  ['we approximate and simulate 10 runs', 'we approximate and simulate 10 runs'],
  ['the alpha_beta_gamma function', 'the alpha_beta_gamma function'],
  ['at times 3 and 5', 'at times 3 and 5'],
  ['use `code` here and `x` there', 'use `code` here and `x` there'],
  ["the student's `t' test", "the student's \u2018t\u2019 test"],
  // Text that kept its TeX is left alone.
  ['with $x_t$ and M_odot', 'with $x_t$ and M_odot'],
  ['a \\(\\sigma\\)-field', 'a \\(\\sigma\\)-field'],
];

describe('repairHfTex', () => {
  for (const [input, expected] of CASES) {
    it(`repairs ${JSON.stringify(input)}`, () => assert.equal(repairHfTex(input), expected));
  }
});
