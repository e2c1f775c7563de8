// Draws Attractor's icons from a Lorenz-63 trajectory (x–z projection). Run once; the output is committed.
// Usage: node scripts/icons.mjs  (writes media/attractor.svg, media/icon.svg; icon.png is rendered from icon.svg)
import { writeFileSync } from 'node:fs';

function lorenzPath(steps, size, pad) {
  const [s, r, b, dt] = [10, 28, 8 / 3, 0.01];
  let [x, y, z] = [1, 1, 1];
  const pts = [];
  for (let i = 0; i < steps + 500; i++) {
    const dx = s * (y - x),
      dy = x * (r - z) - y,
      dz = x * y - b * z;
    x += dt * dx;
    y += dt * dy;
    z += dt * dz;
    if (i >= 500) pts.push([x, z]);
  }
  const [minX, maxX, minZ, maxZ] = [-20, 20, 3, 48];
  const scale = (size - 2 * pad) / Math.max(maxX - minX, maxZ - minZ);
  const ox = pad + (size - 2 * pad - (maxX - minX) * scale) / 2;
  const oz = pad + (size - 2 * pad - (maxZ - minZ) * scale) / 2;
  return pts
    .map(
      ([px, pz], i) =>
        `${i ? 'L' : 'M'}${(ox + (px - minX) * scale).toFixed(2)} ${(size - oz - (pz - minZ) * scale).toFixed(2)}`,
    )
    .join('');
}

writeFileSync(
  'media/attractor.svg',
  `<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><path d="${lorenzPath(900, 24, 1.5)}" fill="none" stroke="currentColor" stroke-width="1" stroke-linejoin="round"/></svg>\n`,
);
writeFileSync(
  'media/icon.svg',
  `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128"><rect width="128" height="128" rx="24" fill="#14213d"/><path d="${lorenzPath(2500, 128, 14)}" fill="none" stroke="#fca311" stroke-width="1.4" stroke-opacity="0.9" stroke-linejoin="round"/></svg>\n`,
);
