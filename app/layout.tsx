import type { Metadata } from "next";
import "./globals.css";
import { currentLang } from "@/lib/i18n/server";
import { THEME_BOOT } from "./components/theme";

export const metadata: Metadata = {
  title: "LLM Load Balancer",
  description: "One address in front of your inference fleet",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    // the theme script sets html's class before paint; React must not "correct" it back
    <html lang={await currentLang()} suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant of ours (the theme before first paint), no user data */}
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
