import type { ThemeConfig } from 'antd';

/**
 * The bundled Noto Sans SC comes first everywhere, so Chinese text looks the same on every OS and in screenshots;
 * system fonts follow only as a fallback while it loads.
 */
export const FONT_FAMILY =
  '"Noto Sans SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", "WenQuanYi Micro Hei", system-ui, sans-serif';

export function appTheme(largeText: boolean): ThemeConfig {
  return {
    token: {
      fontFamily: FONT_FAMILY,
      fontSize: largeText ? 18 : 14,
      // Tags, statuses and small tables use fontSizeSM (antd's 12 px): data is never below 14 px (issue 16).
      fontSizeSM: largeText ? 18 : 14,
      controlHeight: largeText ? 40 : 32,
      colorPrimary: '#1f6fb2',
      borderRadius: 6,
    },
  };
}
