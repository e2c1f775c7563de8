import { fieldFromRows, type PolynomialField } from './polynomial';

/**
 * Reference systems: chaotic flows with parameters, initial conditions and time scales from the dysts
 * collection (W. Gilpin, "Chaos as an interpretable benchmark for forecasting and data-driven modelling",
 * NeurIPS Datasets and Benchmarks 2021, arXiv:2110.05266; values from dysts/data/chaotic_attractors.json),
 * plus the unforced Van der Pol oscillator as a limit cycle. `dynamics.system` in a model names one of these.
 */
export interface ReferenceSystem {
  readonly id: string;
  readonly name: string;
  readonly stateNames: readonly string[];
  readonly field: PolynomialField;
  readonly parameters: Readonly<Record<string, number>>;
  /** A point on (or near) the attractor: dysts' `initial_conditions`. */
  readonly initialState: readonly number[];
  /** Sampling step of the zoo: dysts' `period` / 100, the granularity of its benchmark (100 points per period). */
  readonly dt: number;
  readonly period: number;
  /** dysts' own integration step, for reference. */
  readonly dystsDt?: number;
  readonly dystsName?: string;
  /** Largest Lyapunov exponent: a literature value where one is standard, else as measured here. */
  readonly lyapunovMax: number;
  readonly lyapunovSource: string;
  readonly citation: string;
  readonly equations: readonly string[];
}

export const DYSTS_PAPER = {
  arxiv: '2110.05266',
  title: 'Chaos as an interpretable benchmark for forecasting and data-driven modelling',
  citation:
    'W. Gilpin (2021). Chaos as an interpretable benchmark for forecasting and data-driven modelling. NeurIPS Datasets and Benchmarks. arXiv:2110.05266',
} as const;

const XYZ = ['x', 'y', 'z'] as const;

export const QR_SOURCE =
  'QR method on the RK4 map, 10^6 steps at dt and 2·10^6 at dt/2 (4·10^6 and 8·10^6 for Chen and Dadras), mean of the two';

/**
 * Lyapunov spectra measured by the QR method (src/metrics/lyapunov.ts `lyapunovSpectrum`) on each system's RK4 map:
 * 10^6 steps at dt and 2·10^6 at dt/2 (Chen and Dadras, which converge slowly: 4·10^6 and 8·10^6), the mean of the
 * two; λmax of the two runs agree within 0.3% (Dadras 1.3%). Kaplan–Yorke dimension from the same exponents.
 * The λmax values of the table below are within 1% of these.
 */
export const QR_SPECTRA: Readonly<
  Record<string, { readonly exponents: readonly number[]; readonly kaplanYorke: number }>
> = {
  lorenz63: { exponents: [0.9046, -0.0003, -14.571], kaplanYorke: 2.062 },
  rossler: { exponents: [0.0716, 0.0, -5.387], kaplanYorke: 2.013 },
  chen: { exponents: [2.0276, -0.0002, -12.027], kaplanYorke: 2.169 },
  halvorsen: { exponents: [0.6796, 0.0, -4.8796], kaplanYorke: 2.139 },
  dadras: { exponents: [0.3678, -0.0002, -10.664], kaplanYorke: 2.034 },
  arneodo: { exponents: [0.2011, -0.0001, -1.2011], kaplanYorke: 2.167 },
  sprottb: { exponents: [0.2105, 0.0, -1.2105], kaplanYorke: 2.174 },
  vanderpol: { exponents: [0.0, -1.0594], kaplanYorke: 1.0 },
};
const per100 = (period: number) => period / 100;

function dysts(
  spec: Omit<ReferenceSystem, 'field' | 'dt' | 'stateNames' | 'lyapunovSource'> & {
    rows: (readonly (readonly [number, string])[])[];
    lyapunovSource?: string;
  },
): ReferenceSystem {
  const { rows, ...rest } = spec;
  return {
    ...rest,
    stateNames: XYZ,
    field: fieldFromRows(XYZ, rows),
    dt: per100(spec.period),
    lyapunovSource: spec.lyapunovSource ?? `measured here: ${QR_SOURCE}`,
  };
}

const lorenz = (() => {
  const [beta, rho, sigma] = [2.667, 28, 10];
  return dysts({
    id: 'lorenz63',
    dystsName: 'Lorenz',
    name: 'Lorenz-63',
    parameters: { beta, rho, sigma },
    initialState: [-9.7869288, -15.03852, 20.533978],
    period: 1.5008,
    dystsDt: 0.0003002100350058257,
    lyapunovMax: 0.9056,
    lyapunovSource: 'Sprott, Chaos and Time-Series Analysis (2003), for σ=10, ρ=28, β=8/3',
    citation: 'E. N. Lorenz (1963). Deterministic nonperiodic flow. J. Atmos. Sci. 20, 130–141.',
    equations: ['dx/dt = σ(y − x)', 'dy/dt = x(ρ − z) − y', 'dz/dt = xy − βz'],
    rows: [
      [
        [sigma, 'y'],
        [-sigma, 'x'],
      ],
      [
        [rho, 'x'],
        [-1, 'x*z'],
        [-1, 'y'],
      ],
      [
        [1, 'x*y'],
        [-beta, 'z'],
      ],
    ],
  });
})();

const rossler = (() => {
  const [a, b, c] = [0.2, 0.2, 5.7];
  return dysts({
    id: 'rossler',
    dystsName: 'Rossler',
    name: 'Rössler',
    parameters: { a, b, c },
    initialState: [6.5134412, 0.4772013, 0.34164294],
    period: 5.9086,
    dystsDt: 0.001181916986164424,
    lyapunovMax: 0.0714,
    lyapunovSource: 'Sprott, Chaos and Time-Series Analysis (2003), for a=b=0.2, c=5.7',
    citation: 'O. E. Rössler (1976). An equation for continuous chaos. Phys. Lett. A 57, 397–398.',
    equations: ['dx/dt = −y − z', 'dy/dt = x + ay', 'dz/dt = b + z(x − c)'],
    rows: [
      [
        [-1, 'y'],
        [-1, 'z'],
      ],
      [
        [1, 'x'],
        [a, 'y'],
      ],
      [
        [b, '1'],
        [1, 'x*z'],
        [-c, 'z'],
      ],
    ],
  });
})();

const chen = (() => {
  const [a, b, c] = [35, 3, 28];
  return dysts({
    id: 'chen',
    dystsName: 'Chen',
    name: 'Chen',
    parameters: { a, b, c },
    initialState: [3.2689697, 5.2990458, 19.435349],
    period: 0.58689,
    dystsDt: 0.00011739756626106157,
    lyapunovMax: 2.028,
    citation: 'G. Chen, T. Ueta (1999). Yet another chaotic attractor. Int. J. Bifurcation and Chaos 9, 1465–1466.',
    equations: ['dx/dt = a(y − x)', 'dy/dt = (c − a)x − xz + cy', 'dz/dt = xy − bz'],
    rows: [
      [
        [a, 'y'],
        [-a, 'x'],
      ],
      [
        [c - a, 'x'],
        [-1, 'x*z'],
        [c, 'y'],
      ],
      [
        [1, 'x*y'],
        [-b, 'z'],
      ],
    ],
  });
})();

const halvorsen = (() => {
  const [a, b] = [1.4, 4];
  return dysts({
    id: 'halvorsen',
    dystsName: 'Halvorsen',
    name: 'Halvorsen',
    parameters: { a, b },
    initialState: [-8.6807408, -2.4741399, 0.070775762],
    period: 1.4889,
    dystsDt: 0.000297829638273015,
    lyapunovMax: 0.68,
    citation: 'J. C. Sprott (2010). Elegant Chaos: Algebraically Simple Chaotic Flows. World Scientific.',
    equations: ['dx/dt = −ax − by − bz − y²', 'dy/dt = −ay − bz − bx − z²', 'dz/dt = −az − bx − by − x²'],
    rows: [
      [
        [-a, 'x'],
        [-b, 'y'],
        [-b, 'z'],
        [-1, 'y^2'],
      ],
      [
        [-a, 'y'],
        [-b, 'z'],
        [-b, 'x'],
        [-1, 'z^2'],
      ],
      [
        [-a, 'z'],
        [-b, 'x'],
        [-b, 'y'],
        [-1, 'x^2'],
      ],
    ],
  });
})();

const dadras = (() => {
  const [c, e, o, p, r] = [2, 9, 2.7, 3, 1.7];
  return dysts({
    id: 'dadras',
    dystsName: 'Dadras',
    name: 'Dadras',
    parameters: { c, e, o, p, r },
    initialState: [1.0284085, -3.5348655, -0.72081646],
    period: 3.2886,
    dystsDt: 0.0006578296382730287,
    lyapunovMax: 0.368,
    citation:
      'S. Dadras, H. R. Momeni (2009). A novel three-dimensional autonomous chaotic system generating two, three and four-scroll attractors. Phys. Lett. A 373, 3637–3642.',
    equations: ['dx/dt = y − px + oyz', 'dy/dt = ry − xz + z', 'dz/dt = cxy − ez'],
    rows: [
      [
        [1, 'y'],
        [-p, 'x'],
        [o, 'y*z'],
      ],
      [
        [r, 'y'],
        [-1, 'x*z'],
        [1, 'z'],
      ],
      [
        [c, 'x*y'],
        [-e, 'z'],
      ],
    ],
  });
})();

const arneodo = (() => {
  const [a, b, c, d] = [-5.5, 4.5, 1, -1];
  return dysts({
    id: 'arneodo',
    dystsName: 'Arneodo',
    name: 'Arneodo',
    parameters: { a, b, c, d },
    initialState: [-2.7515698, 0.19079818, 3.4703629],
    period: 3.1641,
    dystsDt: 0.000632925487581133,
    lyapunovMax: 0.201,
    citation:
      'A. Arneodo, P. Coullet, C. Tresser (1980). Occurrence of strange attractors in three-dimensional Volterra equations. Phys. Lett. A 79, 259–263.',
    equations: ['dx/dt = y', 'dy/dt = z', 'dz/dt = −ax − by − cz + dx³'],
    rows: [
      [[1, 'y']],
      [[1, 'z']],
      [
        [-a, 'x'],
        [-b, 'y'],
        [-c, 'z'],
        [d, 'x^3'],
      ],
    ],
  });
})();

const sprottB = dysts({
  id: 'sprottb',
  dystsName: 'SprottB',
  name: 'Sprott B',
  parameters: {},
  initialState: [1.6878282, 1.4848132, -0.53706628],
  period: 11.050142857142857,
  dystsDt: 0.0022103969709235116,
  lyapunovMax: 0.2105,
  citation: 'J. C. Sprott (1994). Some simple chaotic flows. Phys. Rev. E 50, R647.',
  equations: ['dx/dt = yz', 'dy/dt = x − y', 'dz/dt = 1 − xy'],
  rows: [
    [[1, 'y*z']],
    [
      [1, 'x'],
      [-1, 'y'],
    ],
    [
      [1, '1'],
      [-1, 'x*y'],
    ],
  ],
});

const vanDerPol: ReferenceSystem = (() => {
  const mu = 1;
  const period = 6.6633;
  return {
    id: 'vanderpol',
    name: 'Van der Pol (μ = 1)',
    stateNames: ['x', 'y'],
    field: fieldFromRows(
      ['x', 'y'],
      [
        [[1, 'y']],
        [
          [mu, 'y'],
          [-mu, 'x^2*y'],
          [-1, 'x'],
        ],
      ],
    ),
    parameters: { mu },
    initialState: [2.0, 0.0],
    period,
    dt: period / 100,
    lyapunovMax: 0,
    lyapunovSource: 'a stable limit cycle: λmax = 0',
    citation: 'B. van der Pol (1926). On relaxation-oscillations. Phil. Mag. 2, 978–992.',
    equations: ['dx/dt = y', 'dy/dt = μ(1 − x²)y − x'],
  };
})();

export const REFERENCE_SYSTEMS: readonly ReferenceSystem[] = [
  lorenz,
  rossler,
  chen,
  halvorsen,
  dadras,
  arneodo,
  sprottB,
  vanDerPol,
];

export function findSystem(id: string | undefined): ReferenceSystem | undefined {
  if (!id) return undefined;
  const key = id.toLowerCase().replace(/[^a-z0-9]/g, '');
  return REFERENCE_SYSTEMS.find(
    (s) => s.id === key || s.dystsName?.toLowerCase() === key || (s.id === 'lorenz63' && key === 'lorenz'),
  );
}
