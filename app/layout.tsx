import type { Metadata } from "next";
import "./globals.css";
import { currentLang } from "@/lib/i18n/server";

export const metadata: Metadata = { title: "LLM Load Balancer", description: "One address in front of your inference fleet" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang={await currentLang()}>
      <body>{children}</body>
    </html>
  );
}
