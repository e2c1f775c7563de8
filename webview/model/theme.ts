/**
 * The preview's colours and fonts, read from VS Code's CSS variables (the webview's body carries them and the
 * theme's class), shared by the canvas, WebGL and uPlot plots.
 */

export interface Theme {
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  readonly series: readonly string[];
  /** The ground-truth overlay. */
  readonly reference: string;
  readonly font: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readTheme(): Theme {
  const s = getComputedStyle(document.body);
  return {
    foreground: cssVar(s, '--vscode-editor-foreground', '#333'),
    muted: cssVar(s, '--vscode-descriptionForeground', '#888'),
    grid: cssVar(s, '--vscode-editorWidget-border', cssVar(s, '--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    background: cssVar(s, '--vscode-editor-background', '#fff'),
    series: [
      cssVar(s, '--vscode-charts-blue', '#3794ff'),
      cssVar(s, '--vscode-charts-orange', '#d18616'),
      cssVar(s, '--vscode-charts-green', '#89d185'),
      cssVar(s, '--vscode-charts-red', '#f14c4c'),
      cssVar(s, '--vscode-charts-purple', '#b180d7'),
      cssVar(s, '--vscode-charts-yellow', '#cca700'),
    ],
    reference: cssVar(s, '--vscode-charts-foreground', cssVar(s, '--vscode-editor-foreground', '#888')),
    font: `${cssVar(s, '--vscode-font-size', '13px')} ${cssVar(s, '--vscode-font-family', 'sans-serif')}`,
  };
}

export function memberColour(theme: Theme, member: number, members: number): { colour: string; alpha: number } {
  if (members === 1) return { colour: theme.series[0], alpha: 1 };
  return {
    colour: theme.series[member % theme.series.length],
    alpha: member === 0 ? 1 : Math.max(0.35, 0.8 - members / 100),
  };
}

export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(1);
  return String(+v.toPrecision(3));
}
