import { Button, Space } from 'antd';
import { useEffect, useRef, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';

const WIDTH = 480;
const HEIGHT = 160;

/**
 * 签名板: the resident signs with a finger, pen or mouse (pointer events cover all three); each finished stroke is
 * exported as a PNG data URL, small enough for the contract's 64 KB limit (a white background would only add bytes,
 * so the ink is drawn on a transparent canvas). `onChange(null)` after 清除.
 */
export function SignaturePad(props: { onChange: (png: string | null) => void; label: string; testId?: string; initial?: string | null }) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const hasInk = useRef(false);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.lineWidth = 2.5;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#111';
  }, []);

  // A signature already given (a follow-up draft reopened) is shown, so 清除 and signing again are the only changes.
  const initial = props.initial ?? null;
  useEffect(() => {
    if (!initial) return;
    const img = new Image();
    img.onload = () => {
      canvas.current?.getContext('2d')?.drawImage(img, 0, 0, WIDTH, HEIGHT);
      hasInk.current = true;
    };
    img.src = initial;
  }, [initial]);

  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) * WIDTH) / rect.width, y: ((e.clientY - rect.top) * HEIGHT) / rect.height };
  };

  const down = (e: PointerEvent<HTMLCanvasElement>) => {
    const ctx = e.currentTarget.getContext('2d');
    if (!ctx) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drawing.current = true;
    const p = point(e);
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    // A tap leaves a dot, so a one-touch mark is still visible ink.
    ctx.lineTo(p.x + 0.1, p.y + 0.1);
    ctx.stroke();
  };

  const move = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    const ctx = e.currentTarget.getContext('2d');
    if (!ctx) return;
    const p = point(e);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    hasInk.current = true;
  };

  const up = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    drawing.current = false;
    hasInk.current = true;
    props.onChange(e.currentTarget.toDataURL('image/png'));
  };

  const clear = () => {
    const c = canvas.current;
    c?.getContext('2d')?.clearRect(0, 0, WIDTH, HEIGHT);
    hasInk.current = false;
    props.onChange(null);
  };

  return (
    <Space orientation="vertical">
      <canvas
        ref={canvas}
        width={WIDTH}
        height={HEIGHT}
        className="signature-pad"
        role="img"
        aria-label={props.label}
        data-testid={props.testId}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
      />
      <Button onClick={clear}>{t('contracts.sign.clearSignature')}</Button>
    </Space>
  );
}

/**
 * The doctor's signature as an image of the doctor's name, for the agreement's 医生签名 when the doctor signs by name
 * (contract.ts requires a PNG for both parties).
 */
export function nameSignature(name: string): string | null {
  const c = document.createElement('canvas');
  c.width = WIDTH;
  c.height = HEIGHT / 2;
  const ctx = c.getContext('2d');
  if (!ctx || !name.trim()) return null;
  ctx.fillStyle = '#111';
  ctx.font = '40px "Noto Sans SC", sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillText(name.trim(), 8, HEIGHT / 4);
  return c.toDataURL('image/png');
}
