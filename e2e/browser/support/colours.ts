// Reads an element's computed background and text colours as sRGB (Tailwind 4 declares oklch colours) and
// names the badge colour the way the seed's quickstart does.
import type { Locator } from "@playwright/test";

export type Rgb = [number, number, number];
export type BadgeColour = "green" | "yellow" | "pale-red" | "red" | "other";

export async function badgeColours(badge: Locator): Promise<{ bg: Rgb; fg: Rgb }> {
  return badge.evaluate((el) => {
    const toRgb = (css: string): [number, number, number] => {
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 1;
      const ctx = canvas.getContext("2d")!;
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
      return [r, g, b];
    };
    const style = getComputedStyle(el);
    return { bg: toRgb(style.backgroundColor), fg: toRgb(style.color) };
  });
}

/** green = online, yellow = pending, pale red = offline, solid red = error. */
export function classify([r, g, b]: Rgb): BadgeColour {
  if (g > r + 40 && g > b + 40) return "green";
  if (r > 200 && g > 160 && b < 80) return "yellow";
  if (r > 230 && g > 180 && b > 180 && r - g > 15) return "pale-red";
  if (r > 170 && g < 90 && b < 90) return "red";
  return "other";
}
