import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface SparkPoint {
  /** "YYYY-MM-DD". */
  day: string;
  value: number;
}

const DAY_S = 86_400;
const daySeconds = (day: string) => Date.parse(`${day}T12:00:00Z`) / 1000;

/**
 * A small line chart (uPlot, canvas) of one count per day over a window. Days without a point
 * are gaps, not zeros. The canvas is decorative for assistive technology: `label` says the same
 * in words and the numbers beside it are the links.
 */
export function Sparkline(props: {
  points: readonly SparkPoint[];
  from: string;
  to: string;
  label: string;
  width?: number;
  height?: number;
}) {
  const { points, from, to, label, width = 180, height = 36 } = props;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || points.length === 0) return;
    const xs = points.map((p) => daySeconds(p.day));
    const ys = points.map((p) => p.value);
    const plot = new uPlot(
      {
        width,
        height,
        pxAlign: 0,
        cursor: { show: false },
        legend: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        scales: {
          x: { time: false, range: [daySeconds(from) - DAY_S / 2, daySeconds(to) + DAY_S / 2] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
        },
        axes: [{ show: false }, { show: false }],
        series: [
          {},
          {
            stroke: "#1f5fbf",
            width: 1.5,
            fill: "rgba(31, 95, 191, 0.12)",
            points: { show: points.length < 3, size: 4 },
            spanGaps: false,
          },
        ],
      },
      [xs, ys],
      el,
    );
    return () => plot.destroy();
  }, [points, from, to, width, height]);
  if (points.length === 0) {
    return <span className="muted small">No runs with counts yet</span>;
  }
  return <div ref={box} className="sparkline" role="img" aria-label={label} title={label} />;
}
