'use client';
// "PNG" beside a chart: the chart's canvas as an image, on white (the canvas itself is
// transparent, which reads badly in most viewers). Finds the canvas in its own panel, so any
// chart gets it with one line.
export function ChartPngButton({ fileName, label }: { fileName: string; label: string }) {
  const download = (button: HTMLElement) => {
    const canvas = button.closest('section')?.querySelector('canvas');
    if (!canvas) return;
    const out = document.createElement('canvas');
    out.width = canvas.width;
    out.height = canvas.height;
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(canvas, 0, 0);
    const a = document.createElement('a');
    a.href = out.toDataURL('image/png');
    a.download = `${fileName}.png`;
    a.click();
  };
  return (
    <button type="button" onClick={(e) => download(e.currentTarget)} aria-label={`Download ${label} as PNG`}>
      PNG
    </button>
  );
}
