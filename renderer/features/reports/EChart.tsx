/**
 * One echarts instance in a div. echarts is loaded piece by piece (`echarts/core` + the line and bar charts and the
 * components used), so the renderer bundle carries only those instead of every chart type.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { theme } from 'antd';
import { useEffect, useRef } from 'react';
import { FONT_FAMILY } from '../../app/theme';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, DataZoomComponent, CanvasRenderer]);

export interface EChartProps {
  option: EChartsCoreOption;
  height: number;
  testId?: string;
  /** Clicks on a data point: the series index and the point's index. */
  onPointClick?: (seriesIndex: number, dataIndex: number) => void;
  ariaLabel: string;
}

export function EChart({ option, height, testId, onPointClick, ariaLabel }: EChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const { token } = theme.useToken();
  const click = useRef(onPointClick);
  click.current = onPointClick;

  useEffect(() => {
    if (!el.current) return undefined;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => click.current?.(p.seriesIndex ?? 0, p.dataIndex));
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el.current);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // Large-text mode raises antd's font size; the charts follow it.
    chart.current?.setOption({ textStyle: { fontFamily: FONT_FAMILY, fontSize: token.fontSize - 2 }, animation: false, ...option }, true);
  }, [option, token.fontSize]);

  return <div ref={el} style={{ height, width: '100%' }} data-testid={testId} role="img" aria-label={ariaLabel} />;
}
