// The drawing pad of the public signing page: a client-only wrapper around
// `signature_pad` (mouse, pen and touch through Pointer Events).
//
// signature_pad touches `window` and `document` when it loads, so it is
// imported dynamically inside an effect: the server render and the server
// bundle never load it, and the page still renders (a blank pad) before the
// script arrives.
import { useCallback, useEffect, useRef } from "react";
import type SignaturePadType from "signature_pad";
import type { Strokes } from "~/domain/signature-document";

/** What the form posts: the geometry (checked by the server) and the PNG (stored, printed on the PDF). */
export type PadValue = { strokes: Strokes; image: string };

type Props = {
  /** Called after every stroke, and with null when cleared. */
  onChange(value: PadValue | null): void;
  label: string;
  help: string;
  clearLabel: string;
};

/** Device pixels per CSS pixel, capped: sharper than 3× only makes the PNG heavier. */
const MAX_RATIO = 3;

export function SignaturePad({ onChange, label, help, clearLabel }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const padRef = useRef<SignaturePadType | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  const emit = useCallback(() => {
    const pad = padRef.current;
    if (!pad || pad.isEmpty()) {
      onChangeRef.current(null);
      return;
    }
    // Points are in CSS pixels of the canvas, whatever its pixel density.
    const strokes = pad.toData().map((group) => group.points.flatMap((point) => [Math.round(point.x), Math.round(point.y)]));
    onChangeRef.current({ strokes, image: pad.toDataURL("image/png") });
  }, []);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let cancelled = false;

    // The canvas's backing store must match its displayed size × density, or
    // strokes are offset and blurry; resizing clears it, so redraw the data.
    const fit = () => {
      const pad = padRef.current;
      const ratio = Math.min(Math.max(window.devicePixelRatio || 1, 1), MAX_RATIO);
      const data = pad?.toData() ?? [];
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d")?.scale(ratio, ratio);
      pad?.clear();
      if (pad && data.length > 0) pad.fromData(data);
    };

    void import("signature_pad").then(({ default: SignaturePad }) => {
      if (cancelled) return;
      const pad = new SignaturePad(canvas, { minWidth: 0.8, maxWidth: 2.6, penColor: "#1b1f3b" });
      padRef.current = pad;
      fit();
      pad.addEventListener("endStroke", emit);
      canvas.dataset.ready = "true";
    });
    window.addEventListener("resize", fit);
    return () => {
      cancelled = true;
      window.removeEventListener("resize", fit);
      padRef.current?.off();
      padRef.current = null;
    };
  }, [emit]);

  const clear = () => {
    padRef.current?.clear();
    emit();
  };

  return (
    <div className="pad">
      <p className="pad-label" id="signature-label">
        {label}
      </p>
      <p className="hint" id="signature-help">
        {help}
      </p>
      <canvas
        ref={canvasRef}
        className="pad-canvas"
        aria-labelledby="signature-label"
        aria-describedby="signature-help"
        data-testid="signature-canvas"
      />
      <button type="button" className="link-button" onClick={clear} data-testid="signature-clear">
        {clearLabel}
      </button>
    </div>
  );
}
